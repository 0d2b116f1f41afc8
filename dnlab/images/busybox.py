"""The root filesystem of a busybox substitute: one static busybox binary and its applet links."""
from __future__ import annotations

import io
import tarfile
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from dnlab.errors import ImageError
from dnlab.images.archive import tar_entry
from dnlab.images.catalogue import Substitute
from dnlab.images.packages import debian_architecture, host_distribution, package_url, run_tool

BASE_DIRECTORIES = {"bin": 0o755, "dev": 0o755, "etc": 0o755, "proc": 0o755, "root": 0o700,
                    "run": 0o755, "sys": 0o755, "tmp": 0o1777, "var": 0o755}


def build_busybox_rootfs(substitute: Substitute, out: Path, on_phase: Callable[[str], None]) -> tuple[str, str]:
    """Write the root filesystem tar of ``substitute`` to ``out``; return its (version, source)."""
    (package,) = substitute.packages
    on_phase(f"finding {package}")
    binary, version = installed_binary(package) or downloaded_binary(package, out.parent)
    applets = run_tool([str(binary), "--list-full"]).split()
    write_busybox_tar(binary, applets, substitute, out)
    distribution, codename = host_distribution()
    return version, package_url(distribution, codename, package, version, debian_architecture())


def installed_binary(package: str) -> tuple[Path, str] | None:
    """The busybox binary of ``package`` and its version, when dpkg has it installed."""
    try:
        status = run_tool(["dpkg-query", "-W", "-f=${db:Status-Status} ${Version}", package]).split()
        files = run_tool(["dpkg-query", "-L", package]).splitlines()
    except ImageError:
        return None
    binaries = [Path(f) for f in files if Path(f).name == "busybox" and Path(f).is_file()]
    return (binaries[0], status[1]) if status[:1] == ["installed"] and binaries else None


def downloaded_binary(package: str, workdir: Path) -> tuple[Path, str]:
    """Like `apt-get download PACKAGE`, unpacked in ``workdir``: its busybox binary and version."""
    run_tool(["apt-get", "download", package], cwd=str(workdir))
    deb = next(workdir.glob(f"{package}_*.deb"))
    version = run_tool(["dpkg-deb", "-f", str(deb), "Version"]).strip()
    run_tool(["dpkg-deb", "-x", str(deb), str(workdir / "unpacked")])
    binary = next((workdir / "unpacked").glob("**/bin/busybox"))
    return binary, version


def write_busybox_tar(binary: Path, applets: list[str], substitute: Substitute, out: Path) -> None:
    """Write a root filesystem tar: ``/bin/busybox``, a link per applet, and the recipe's files and links."""
    now = int(time.time())
    paths = [*applets, *(f.path for f in substitute.files), *(link.path for link in substitute.links)]
    parents = {str(parent) for path in paths for parent in PurePosixPath(path).parents if str(parent) != "."}
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as tar:
        for directory in sorted(parents | BASE_DIRECTORIES.keys()):
            tar.addfile(tar_entry(directory, tarfile.DIRTYPE, BASE_DIRECTORIES.get(directory, 0o755), now))
        with binary.open("rb") as data:
            tar.addfile(tar_entry("bin/busybox", tarfile.REGTYPE, 0o755, now, size=binary.stat().st_size), data)
        for applet in sorted(set(applets) - {"bin/busybox"}):
            tar.addfile(tar_entry(applet, tarfile.SYMTYPE, 0o777, now, link="/bin/busybox"))
        for file in substitute.files:
            content = file.content.encode()
            tar.addfile(tar_entry(file.path, tarfile.REGTYPE, file.mode, now, size=len(content)), io.BytesIO(content))
        for link in substitute.links:
            tar.addfile(tar_entry(link.path, tarfile.SYMTYPE, 0o777, now, link=link.target))

