"""The root filesystem of a Debian substitute, written by mmdebstrap from this machine's apt mirror."""
from __future__ import annotations

import collections
import os
import shlex
import shutil
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path

from dnlab.errors import ImageError
from dnlab.images.apt_sources import debian_mirror_lines
from dnlab.images.catalogue import Substitute
from dnlab.images.packages import debian_architecture, installed_version, package_url
from dnlab.images.store import cache_dir
from dnlab.settings import BUILD

MMDEBSTRAP_OPTIONS = (
    "--variant=apt",
    "--format=tar",
    '--aptopt=Acquire::Languages "none"',
    "--dpkgopt=path-exclude=/usr/share/man/*",
    "--dpkgopt=path-exclude=/usr/share/info/*",
    "--dpkgopt=path-exclude=/usr/share/locale/*",
    "--dpkgopt=path-exclude=/usr/share/doc/*",
    "--dpkgopt=path-include=/usr/share/doc/*/copyright",
)
DPKG_STATUS = "var/lib/dpkg/status"
INSTALL_FIX = "Install it as root: apt-get install mmdebstrap"


def build_debian_rootfs(substitute: Substitute, out: Path, on_phase: Callable[[str], None]) -> tuple[str, str]:
    """Write the root filesystem tar of ``substitute`` to ``out``; return its (version, source)."""
    mirrors = debian_mirror_lines(substitute.suite)
    command = [
        ensure_mmdebstrap(on_phase),
        *mmdebstrap_options(substitute),
        *customize_hooks(substitute),
        substitute.suite,
        str(out),
        *mirrors,
    ]
    run_mmdebstrap(command, cache_dir() / "mmdebstrap.log", on_phase)
    version = installed_version(dpkg_status(out), substitute.version_of)
    return version, package_url("debian", substitute.suite, substitute.version_of, version, debian_architecture())


def mmdebstrap_options(substitute: Substitute) -> list[str]:
    """mmdebstrap's options for ``substitute``: the common ones, its apt options and its packages."""
    return [*MMDEBSTRAP_OPTIONS, *(f"--aptopt={option}" for option in substitute.apt_options),
            f"--include={','.join(substitute.packages)}"]


def ensure_mmdebstrap(on_phase: Callable[[str], None]) -> str:
    """The mmdebstrap command; installed with apt-get first when missing and we are root."""
    found = shutil.which("mmdebstrap")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ImageError("Building the offline course images needs mmdebstrap, which is not installed.", INSTALL_FIX)
    on_phase("installing mmdebstrap")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "mmdebstrap"]
    if subprocess.run(install, env=environment, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update"], env=environment, capture_output=True)
        if subprocess.run(install, env=environment, capture_output=True).returncode != 0:
            raise ImageError("mmdebstrap is missing and `apt-get install mmdebstrap` failed.", INSTALL_FIX)
    return shutil.which("mmdebstrap") or "mmdebstrap"


def customize_hooks(substitute: Substitute) -> list[str]:
    """mmdebstrap hooks that put the recipe's links and files into the root filesystem ("$1"), and remove paths."""
    hooks = [f'rm -rf "$1"/{shlex.quote(link.path)} && ln -s {shlex.quote(link.target)} "$1"/{shlex.quote(link.path)}'
             for link in substitute.links]
    hooks += [f'printf %s {shlex.quote(file.content)} > "$1"/{shlex.quote(file.path)}'
              f' && chmod {file.mode:o} "$1"/{shlex.quote(file.path)}' for file in substitute.files]
    hooks += [f'rm -rf "$1"/{shlex.quote(path)}' for path in substitute.remove]
    return [f"--customize-hook={hook}" for hook in hooks]


def run_mmdebstrap(command: list[str], log: Path, on_phase: Callable[[str], None]) -> None:
    """Run mmdebstrap, showing its "I:" steps as phases; on failure keep its log and raise ImageError."""
    tail: collections.deque[str] = collections.deque(maxlen=200)
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) as process:
        for line in process.stderr or ():
            tail.append(line)
            if line.startswith("I: "):
                on_phase(line[3:].split(":", 1)[0].strip()[:60])
    if process.returncode != 0:
        log.write_text("".join(tail))
        fix = "" if os.geteuid() == 0 else f"mmdebstrap needs root here: unset {BUILD} to build in the engine instead. "
        raise ImageError(f"mmdebstrap failed: {complaint(list(tail)) or f'exit code {process.returncode}'}",
                         f"{fix}Its log: {log}")


def complaint(lines: list[str]) -> str:
    """mmdebstrap's most telling ``E:`` line: the first but its closing "mmdebstrap failed to run"."""
    errors = [line[3:].strip() for line in lines if line.startswith("E: ")]
    telling = [error for error in errors if error != "mmdebstrap failed to run"]
    return (telling or errors or [""])[0]


def dpkg_status(rootfs: Path) -> str:
    """The text of ``/var/lib/dpkg/status`` in a root filesystem tar."""
    with tarfile.open(rootfs) as tar:
        for member in tar:
            status = tar.extractfile(member) if member.name.removeprefix("./") == DPKG_STATUS else None
            if status:
                return status.read().decode()
    raise ImageError(f"{rootfs} has no {DPKG_STATUS}.")
