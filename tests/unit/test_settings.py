"""Settings are read in one place: dnlab/settings.py."""
import re
from pathlib import Path

from dnlab.settings import settings

PACKAGE = Path(__file__).resolve().parents[2] / "dnlab"
READS = re.compile(r"os\.environ(?:\.get|\[)|os\.getenv|\"(?:DNLAB|DOCKER)_\w+\" in os\.environ")


def test_only_settings_reads_the_environment():
    """Passing the environment on to a program (``{**os.environ, ...}``) is not reading it."""
    stray = [f"{path.relative_to(PACKAGE.parent)}:{number}" for path in PACKAGE.rglob("*.py")
             if path.name != "settings.py" and "plugins/mesh" not in path.as_posix()
             for number, line in enumerate(path.read_text().splitlines(), 1) if READS.search(line)]
    assert not stray, f"environment read outside dnlab/settings.py: {stray}"


def test_settings_follow_the_environment_at_once(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", "unix:///elsewhere.sock")
    monkeypatch.setenv("DNLAB_MACHINES", "vm1=ssh://me@vm1, vm2 = unix:///x.sock")
    monkeypatch.setenv("DNLAB_REGISTRY", " OFF ")
    now = settings()
    assert now.engine_url == "unix:///elsewhere.sock" and now.registry == "off"
    assert now.machines == {"vm1": "ssh://me@vm1", "vm2": "unix:///x.sock"}
    monkeypatch.delenv("DOCKER_HOST")
    assert settings().engine_url == "unix:///var/run/docker.sock"
