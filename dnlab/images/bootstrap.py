"""The build container's root filesystem, bootstrapped from .debs without root, as debootstrap does.

Stage one (here, in pure Python): every .deb's files are laid out in one tar, with a merged /usr
and owners as the packages give them, so no privilege is needed. Stage two (in a container on
the engine, where root is the engine's): dpkg installs the same .debs properly, running their
maintainer scripts. The container's file system is then the builder's root filesystem.
"""
from __future__ import annotations

import io
import tarfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import docker

from dnlab.errors import ImageError
from dnlab.images import debian_archive
from dnlab.images.apt_sources import debian_mirror_lines
from dnlab.images.archive import load_rootfs, tar_entry
from dnlab.images.builder import create_build_container
from dnlab.images.catalogue import Substitute
from dnlab.images.packages import package_url
from dnlab.images.store import debs_dir
from dnlab.labels import build_labels

MERGED = ("bin", "sbin", "lib", "lib32", "lib64", "libx32")
"""Top directories that are links into /usr (Debian's merged /usr)."""
DEBS = "var/cache/dnlab-bootstrap"
FIRST = ("base-passwd", "base-files")
"""Installed before the rest: they make /etc/passwd and the base directories the others' scripts need."""
STAGE_TWO_S = 900
STAGE_ONE_IMAGE = "dnlab/bootstrap-stage-one:latest"
INSTALL = f"""set -e
cd /{DEBS}
for first in {' '.join(FIRST)}; do dpkg --force-depends --install "$first"_*.deb >/dev/null; done
dpkg --force-depends --force-overwrite --force-confold --unpack *.deb >/dev/null
dpkg --force-depends --force-confold --configure --pending >/dev/null
dpkg --audit
rm -rf /{DEBS}
"""


def build_bootstrap_rootfs(client: docker.DockerClient, substitute: Substitute, architecture: str, out: Path,
                           on_phase: Callable[[str], None]) -> tuple[str, str]:
    """Write the root filesystem tar of the build container to ``out``; return its (version, source)."""
    on_phase("reading the Debian mirror's signed index")
    index = debian_archive.package_index(tuple(debian_mirror_lines(substitute.suite)), architecture)
    packages = debian_archive.closure(index, substitute.packages)
    debs = debian_archive.download(packages, debs_dir(), on_phase)
    on_phase(f"laying out {len(debs)} packages")
    stage_one = out.parent / "stage-one.tar"
    write_stage_one(debs, stage_one)
    stage_two(client, stage_one, architecture, out, on_phase)
    stage_one.unlink()
    version = index[substitute.version_of].version
    return version, package_url("debian", substitute.suite, substitute.version_of, version, architecture)


def write_stage_one(debs: list[Path], out: Path) -> None:
    """One tar holding every .deb's files (merged /usr), the .debs themselves, and dpkg's empty database.

    A path two packages hold is written once (the engine refuses duplicates); stage two puts
    each package's own version in place.
    """
    now = int(time.time())
    written: set[str] = set()
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as tar:

        def add(member: tarfile.TarInfo, data: BinaryIO | None = None) -> None:
            if member.name not in written:
                written.add(member.name)
                tar.addfile(member, data)

        for top in MERGED:
            add(tar_entry(f"usr/{top}", tarfile.DIRTYPE, 0o755, now))
            add(tar_entry(top, tarfile.SYMTYPE, 0o777, now, link=f"usr/{top}"))
        for directory in ("var", "var/lib", "var/lib/dpkg", "var/lib/dpkg/info", "var/lib/dpkg/updates",
                          "var/cache", DEBS):
            add(tar_entry(directory, tarfile.DIRTYPE, 0o755, now))
        for name in ("var/lib/dpkg/status", "var/lib/dpkg/available"):
            add(tar_entry(name, tarfile.REGTYPE, 0o644, now))
        for deb in debs:
            with deb.open("rb") as raw:
                for member, data in deb_files(raw, deb.name):
                    add(member, data)
        add(tar_entry("usr/bin/sh", tarfile.SYMTYPE, 0o777, now, link="dash"))
        for deb in debs:
            tar.add(deb, f"{DEBS}/{deb.name}")


def deb_files(raw: BinaryIO, name: str) -> Iterator[tuple[tarfile.TarInfo, BinaryIO | None]]:
    """The members of a .deb's data tar, renamed into a merged /usr (the top directories skipped)."""
    data = _ar_member(raw, "data.tar", name)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as inner:
        for member in inner:
            path = merged_path(member.name)
            if path in MERGED or not path:
                continue
            member.name = path
            if member.islnk():
                member.linkname = merged_path(member.linkname)
            yield member, inner.extractfile(member) if member.isfile() else None


def merged_path(path: str) -> str:
    """``./bin/ls`` -> ``usr/bin/ls``: where a path lies once /bin, /sbin and /lib are links into /usr."""
    path = path.removeprefix("./").rstrip("/")
    top, _, rest = path.partition("/")
    return f"usr/{top}/{rest}" if top in MERGED and rest else path


def stage_two(client: docker.DockerClient, stage_one: Path, architecture: str, out: Path,
              on_phase: Callable[[str], None]) -> None:
    """Let dpkg install the .debs in a container of the stage-one file system; write its file system to ``out``."""
    on_phase("installing the packages with dpkg in a container")
    image = load_rootfs(client, stage_one, STAGE_ONE_IMAGE, build_labels(), architecture)
    api = client.api
    container = create_build_container(api, image, ["/usr/bin/sh", "-c", INSTALL])
    try:
        api.start(container)
        if api.wait(container, timeout=STAGE_TWO_S).get("StatusCode") != 0:
            tail = api.logs(container, tail=20).decode(errors="replace").strip()
            raise ImageError(f"dpkg could not install the build container's packages: {tail[-600:]}")
        on_phase("exporting the build container's file system")
        with out.open("wb") as written:
            for chunk in api.export(container):
                written.write(chunk)
    finally:
        api.remove_container(container, force=True, v=True)
        api.remove_image(image, force=True)


def _ar_member(raw: BinaryIO, prefix: str, name: str) -> bytes:
    if raw.read(8) != b"!<arch>\n":
        raise ImageError(f"{name} is not a Debian package.")
    while header := raw.read(60):
        member, size = header[:16].decode().strip().rstrip("/"), int(header[48:58])
        body = raw.read(size + size % 2)[:size]
        if member.startswith(prefix):
            return body
    raise ImageError(f"{name} has no {prefix}.")

