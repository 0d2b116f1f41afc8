"""The learner these tests play: ``dnlabtest``, a normal account in the docker group (made with
`useradd -m -G docker` if missing, and left in place), and the clone of the course they work in."""
from __future__ import annotations

import grp
import json
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
VENV = Path(sys.prefix) if sys.prefix != sys.base_prefix else None
"""The environment these tests run in (scripts/test's), which a copy uses; outside one, the copy makes
its own .venv the way a fresh clone does."""
LEARNER = "dnlabtest"


def learner() -> pwd.struct_passwd:
    """``dnlabtest``, in the docker group (the engine's socket's), made if missing."""
    try:
        docker = grp.getgrnam("docker")
    except KeyError:
        pytest.skip("no docker group here (`getent group docker`): a learner cannot reach the engine without root")
    try:
        account = pwd.getpwnam(LEARNER)
    except KeyError:
        subprocess.run(["useradd", "-m", "-G", "docker", LEARNER], check=True)
        account = pwd.getpwnam(LEARNER)
    if docker.gr_gid not in os.getgrouplist(LEARNER, account.pw_gid):
        subprocess.run(["usermod", "-a", "-G", "docker", LEARNER], check=True)
    return account


def own_environment(account: pwd.struct_passwd) -> Path | None:
    """These tests' environment, or DNLAB_TEST_USER_VENV, when the learner can run it; else None, and
    `./scripts/lab` makes the learner's own `.venv` in their clone, as on a newcomer's machine."""
    venv = Path(os.environ.get("DNLAB_TEST_USER_VENV") or VENV or "")
    if not str(venv):
        return None
    try:
        can_run = subprocess.run([str(venv / "bin" / "python"), "-c", "import dnlab, jupyterlab"], capture_output=True,
                                 cwd="/", user=account.pw_uid, group=account.pw_gid,
                                 extra_groups=os.getgrouplist(LEARNER, account.pw_gid))
    except OSError:
        return None
    return venv if can_run.returncode == 0 else None


def course_copy(dest: Path, venv: Path | None = VENV, outputs: bool = False) -> Path:
    """The course in ``dest`` as a learner's clone has it: the files of this working tree that git does
    not ignore (tracked, and new ones not added yet), or without git everything but .git, .venv and
    caches; the notebooks' outputs stripped unless ``outputs``."""
    try:
        listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others",
                                 "--exclude-standard"], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        shutil.copytree(REPO, dest, symlinks=True, ignore=shutil.ignore_patterns(
            ".git", ".venv", "__pycache__", ".ipynb_checkpoints", ".pytest_cache", "*.egg-info", "artifacts"))
    else:
        for name in sorted(set(os.fsdecode(n) for n in listed.split(b"\0") if n)):
            source, target = REPO / name, dest / name
            if source.is_symlink() or source.is_file():  # a file deleted from the working tree is left out
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target, follow_symlinks=False)
    for notebook in (dest / "notebooks").glob("*.ipynb") if not outputs else ():
        _strip_outputs(notebook)
    stamp = venv / ".dnlab-installed" if venv else None
    if stamp and stamp.exists() and (dest / "pyproject.toml").stat().st_mtime > stamp.stat().st_mtime:
        # setup.sh reinstalls when pyproject.toml is newer than the environment's stamp: in the copy that
        # would point the shared environment's editable install at a directory about to be removed.
        os.utime(dest / "pyproject.toml", (stamp.stat().st_atime, stamp.stat().st_mtime))
    return dest


def _strip_outputs(notebook: Path) -> None:
    nb = json.loads(notebook.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    notebook.write_text(json.dumps(nb, indent=1))
