"""Image archives in `docker save` format, written from a root filesystem tar and loaded offline.

Loading an archive rather than `docker import`-ing a tar lets a substitute carry its whole
image config (a `docker import` change cannot set ``STOPSIGNAL`` on Docker 20.10), and gives
it the same image id each time it is loaded from the cache.
"""
from __future__ import annotations

import hashlib
import io
import json
import tarfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import docker
from docker.errors import APIError

from dnlab.errors import ImageError
from dnlab.images.catalogue import CatalogueImage

CREATED_BY = "dnlab: "
"""How the one history step of every image dnlab builds begins."""
GO_ARCHITECTURES = {"armhf": "arm", "armel": "arm", "i386": "386", "ppc64el": "ppc64le"}


def image_config(image: CatalogueImage, labels: dict[str, str], debian_arch: str) -> dict[str, Any]:
    """The image config of ``image``'s substitute, without its layer (see ``write_image_archive``)."""
    substitute = image.substitute
    config: dict[str, Any] = {"Cmd": list(substitute.cmd), "Env": list(substitute.env), "Labels": labels}
    if substitute.entrypoint:
        config["Entrypoint"] = list(substitute.entrypoint)
    if substitute.expose:
        config["ExposedPorts"] = {port: {} for port in substitute.expose}
    if substitute.stop_signal:
        config["StopSignal"] = substitute.stop_signal
    created = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    what = "built" if image.own else "offline substitute for"
    return {
        "architecture": GO_ARCHITECTURES.get(debian_arch, debian_arch),
        "os": "linux",
        "created": created,
        "config": config,
        "history": [{"created": created, "created_by": f"{CREATED_BY}{what} {image.reference} ({substitute.title})"}],
    }


def write_image_archive(rootfs: Path, config: dict[str, Any], reference: str, out: Path) -> None:
    """Write a `docker load` archive of one image: layer ``rootfs``, ``config``, tagged ``reference``."""
    diff_id = f"sha256:{_sha256_of(rootfs)}"
    config_bytes = json.dumps({**config, "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
    config_name = f"{hashlib.sha256(config_bytes).hexdigest()}.json"
    layer_name = f"{diff_id.removeprefix('sha256:')}/layer.tar"
    manifest = [{"Config": config_name, "RepoTags": [reference], "Layers": [layer_name]}]
    with tarfile.open(out, "w") as archive:
        _add_bytes(archive, "manifest.json", json.dumps(manifest).encode())
        _add_bytes(archive, config_name, config_bytes)
        archive.add(rootfs, layer_name)


def load_rootfs(client: docker.DockerClient, rootfs: Path, reference: str, labels: dict[str, str],
                debian_arch: str) -> str:
    """Load ``rootfs`` as a one-layer image tagged ``reference`` (a scratch image dnlab uses and removes)."""
    config = {"architecture": GO_ARCHITECTURES.get(debian_arch, debian_arch), "os": "linux",
              "config": {"Env": ["PATH=/usr/sbin:/usr/bin"], "Labels": labels}}
    archive = rootfs.with_name(f"{rootfs.stem}-image.tar")
    write_image_archive(rootfs, config, reference, archive)
    load_archive(client, archive)
    archive.unlink()
    return client.api.inspect_image(reference)["Id"]


def load_archive(client: docker.DockerClient, archive: Path) -> None:
    """Like `docker load -i ARCHIVE`."""
    try:
        with archive.open("rb") as data:
            for message in client.api.load_image(data):
                if "error" in message:
                    raise ImageError(f"The engine could not load {archive}: {message['error']}")
    except APIError as exc:
        raise ImageError(f"The engine could not load {archive}: {exc.explanation or exc}") from None


def image_from_bundle(bundle: Path, reference: str, out: Path) -> bool:
    """Write to ``out`` a `docker load` archive of ``reference`` alone, taken from the multi-image archive
    ``bundle`` (so loading it tags nothing else); False when the bundle does not hold ``reference``."""
    try:
        with tarfile.open(bundle) as source:
            manifest = json.load(source.extractfile("manifest.json"))
            entry = next((e for e in manifest if reference in (e.get("RepoTags") or [])), None)
            if entry is None:
                return False
            with tarfile.open(out, "w") as archive:
                _add_bytes(archive, "manifest.json", json.dumps([{**entry, "RepoTags": [reference]}]).encode())
                for name in [entry["Config"], *entry["Layers"]]:
                    member = source.getmember(name)
                    archive.addfile(member, source.extractfile(member))
    except OSError as exc:
        raise ImageError(f"The bundle {bundle} cannot be read: {exc.strerror or exc}.") from None
    except (KeyError, tarfile.TarError, json.JSONDecodeError):
        raise ImageError(f"The bundle {bundle} cannot be read: it is not an archive `dnlab images --save` wrote.",
                         "Write it again with `dnlab images --save FILE`.") from None
    return True


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        while chunk := data.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def tar_entry(name: str, kind: bytes, mode: int, mtime: int, size: int = 0, link: str = "") -> tarfile.TarInfo:
    """One member of a root filesystem tar that dnlab writes itself, owned by root."""
    info = tarfile.TarInfo(name)
    info.type, info.mode, info.mtime, info.size, info.linkname = kind, mode, mtime, size, link
    info.uname = info.gname = "root"
    return info
