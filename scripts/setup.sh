# Sourced by scripts/lab and scripts/test: a virtual environment with dnlab installed.
# On a fresh Debian/Ubuntu machine, as root, it installs what Python needs first.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${DNLAB_VENV:-.venv}"

if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "dnlab: installing python3-venv" >&2
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv >/dev/null
  else
    echo "dnlab: Python's venv module is missing; install python3-venv (or use environment.yml with conda)." >&2
    exit 1
  fi
fi
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
stamp="$VENV/.dnlab-installed"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "dnlab: installing the course's Python packages into $VENV" >&2
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]'
  touch "$stamp"
fi
export PATH="$(cd "$VENV" && pwd)/bin:$PATH"
