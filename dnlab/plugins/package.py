"""A plugin directory as `docker plugin create` takes it: ``config.json`` and ``rootfs/``."""
from __future__ import annotations

import hashlib
import shutil
import tarfile
import tempfile
from pathlib import Path


from dnlab.images import prepare
from dnlab.images.store import cache_dir
from dnlab.lab import Lab
from dnlab.plugins.catalogue import CataloguePlugin

MADE_FILES = ("config.json", "driver.py")
SPECIAL = (tarfile.CHRTYPE, tarfile.BLKTYPE, tarfile.FIFOTYPE)  # the plugin's runtime makes /dev itself
TAR_FILTER = {"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}
"""Python 3.11.4 and later check each member ("tar" filter); Debian 12's 3.11.2 has no filters."""


def plugin_directory(lab: Lab, plugin: CataloguePlugin, progress: bool = False) -> Path:
    """The directory of an ``own`` plugin, made once and cached: its rootfs image's files, with
    ``driver.py`` at ``/``, and its ``config.json`` beside ``rootfs/``; built on ``lab``'s engine."""
    client = lab.client
    assert plugin.own and plugin.source is not None, f"{plugin.reference} is not built by dnlab"
    prepare(client, [plugin.rootfs], progress=progress)
    image_id = client.api.inspect_image(plugin.rootfs)["Id"]
    digest = hashlib.sha256(image_id.encode())
    for name in MADE_FILES:
        digest.update((plugin.source / name).read_bytes())
    folder = cache_dir().parent / "plugins" / f"{plugin.reference.replace('/', '-').replace(':', '-')}-{digest.hexdigest()[:12]}"
    if folder.is_dir():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    for stale in folder.parent.glob(folder.name.rsplit("-", 1)[0] + "-*"):
        shutil.rmtree(stale, ignore_errors=True)
    building = Path(tempfile.mkdtemp(dir=folder.parent))  # renamed into place only when complete
    try:
        export_filesystem(lab, plugin.rootfs, building / "rootfs")
        shutil.copy(plugin.source / "driver.py", building / "rootfs" / "driver.py")
        shutil.copy(plugin.source / "config.json", building / "config.json")
        building.rename(folder)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return folder


def export_filesystem(lab: Lab, image: str, into: Path) -> None:
    """Like `docker export` of a container made (never started) from ``image``, unpacked into ``into``."""
    client = lab.client
    container = lab.api.create_container(image, role="plugin-rootfs")
    try:
        stream = client.api.export(container["Id"])
        with tarfile.open(fileobj=_Reader(stream), mode="r|") as tar:
            tar.extractall(into, members=(m for m in tar if m.type not in SPECIAL), **TAR_FILTER)
    finally:
        client.api.remove_container(container["Id"], force=True)


class _Reader:
    """A file-like view of docker-py's chunk iterator, for tarfile's streaming mode."""

    def __init__(self, chunks) -> None:
        self.chunks, self.buffer = iter(chunks), b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.buffer) < size:
            chunk = next(self.chunks, b"")
            if not chunk:
                break
            self.buffer += chunk
        data, self.buffer = (self.buffer, b"") if size < 0 else (self.buffer[:size], self.buffer[size:])
        return data
