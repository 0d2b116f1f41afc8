"""Build a course image's offline substitute into the cache, keyed by its recipe.

Debian images are built where this account can: with mmdebstrap on this host when it is root,
otherwise in a build container on the engine (``dnlab/builder``, itself bootstrapped from the
mirror's .debs in pure Python). ``DNLAB_BUILD`` (``host`` or ``engine``) chooses one.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import docker
from docker.errors import ImageNotFound

from dnlab.errors import ImageError
from dnlab.images.archive import image_config, load_archive, write_image_archive
from dnlab.images.bootstrap import build_bootstrap_rootfs
from dnlab.images.builder import build_in_engine
from dnlab.images.busybox import build_busybox_rootfs
from dnlab.images.catalogue import BUILDER, CatalogueImage, Substitute
from dnlab.images.debian import MMDEBSTRAP_OPTIONS, build_debian_rootfs
from dnlab.images.packages import debian_architecture, engine_architecture
from dnlab.images.store import cache_dir
from dnlab.labels import RECIPE, image_labels, own_image_labels
from dnlab.settings import BUILD, settings

BASES = ("busybox", "debian", "bootstrap")
BUILD_WAYS = ("auto", "host", "engine")
BUILDER_OPTIONS: dict[str, tuple[str, ...]] = {"debian": MMDEBSTRAP_OPTIONS}
LATER_FIELDS = ("entrypoint", "remove", "promised_version", "apt_options")
"""Substitute fields added after the first images were cached: left out of the key while empty."""
WAYS = {"host": "built on this host with mmdebstrap",
        "engine": f"built in the engine, by mmdebstrap in a {BUILDER.reference} container"}


def recipe_key(substitute: Substitute) -> str:
    """A short hash of everything that shapes a substitute; it names the substitute's cache file."""
    shape = asdict(substitute)
    for name in LATER_FIELDS:
        if not shape[name]:
            del shape[name]
    recipe = {"substitute": shape, "builder": BUILDER_OPTIONS.get(substitute.base, ())}
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]


def cached_archive(image: CatalogueImage) -> Path:
    """Where ``image``'s substitute archive is cached (it may not exist yet)."""
    return cache_dir() / f"{_file_name(image.reference)}-{recipe_key(image.substitute)}.tar"


def stale_archives(image: CatalogueImage) -> list[Path]:
    """Cached archives of ``image`` built from an older recipe."""
    current = cached_archive(image)
    pattern = re.compile(rf"{re.escape(_file_name(image.reference))}-[0-9a-f]{{16}}\.tar")
    return [path for path in current.parent.iterdir() if pattern.fullmatch(path.name) and path != current]


def build_way() -> str:
    """Where Debian images are built: ``host`` (mmdebstrap here, as root) or ``engine`` (a build container)."""
    return _way_and_why()[0]


def build_way_line() -> str:
    """The one line that says where this account's Debian images are built, and why."""
    way, why = _way_and_why()
    return f"dnlab: Debian images are {WAYS[way]} ({why})"


def _way_and_why() -> tuple[str, str]:
    chosen = settings().build
    if chosen not in BUILD_WAYS:
        raise ImageError(f"{BUILD}={chosen} is not understood.", f"Set it to one of: {', '.join(BUILD_WAYS)}.")
    if chosen != "auto":
        return chosen, f"{BUILD}={chosen}"
    if os.geteuid() != 0:
        return "engine", "this account is not root, so it cannot run mmdebstrap"
    if not (shutil.which("mmdebstrap") or shutil.which("apt-get")):
        return "engine", "this machine has no mmdebstrap or apt to install it"
    return "host", "as root"


def how_built(image: CatalogueImage) -> str:
    """How ``image`` is built here, in a few words (``dnlab images`` says it)."""
    if image.substitute.base == "debian":
        return WAYS[build_way()]
    return "built on this host" if image.substitute.base == "busybox" else "bootstrapped in the engine"


def build_archive(client: docker.DockerClient, image: CatalogueImage, on_phase: Callable[[str], None]) -> Path:
    """Build ``image``'s substitute and cache it as a `docker load` archive; return the archive."""
    substitute = image.substitute
    archive = cached_archive(image)
    with tempfile.TemporaryDirectory(dir=archive.parent, prefix="build-") as work:
        rootfs = Path(work) / "rootfs.tar"
        version, source, architecture = build_rootfs(client, substitute, rootfs, on_phase)
        keep_promise(image, version)
        on_phase("writing the image archive")
        make_labels = own_image_labels if image.own else image_labels
        labels = {**make_labels(image.reference, substitute.title, version, source), RECIPE: recipe_key(substitute)}
        partial = Path(work) / "image.tar"
        write_image_archive(rootfs, image_config(image, labels, architecture), image.reference, partial)
        os.replace(partial, archive)
    for stale in stale_archives(image):
        stale.unlink(missing_ok=True)
    return archive


def keep_promise(image: CatalogueImage, version: str) -> None:
    """Refuse an image whose tag would lie: ``dnlab/node:26`` must hold docker.io 26.x."""
    promised = image.substitute.promised_version
    if promised and not version.startswith(f"{promised}."):
        raise ImageError(f"{image.reference} promises {image.substitute.version_of} {promised}, but Debian "
                         f"{image.substitute.suite} now has {version}, so dnlab did not label it.",
                         "Choose another engine with DNLAB_NODE_ENGINE, or update dnlab (its catalogue names them).")


def build_rootfs(client: docker.DockerClient, substitute: Substitute, out: Path,
                 on_phase: Callable[[str], None]) -> tuple[str, str, str]:
    """Write ``substitute``'s root filesystem tar to ``out``; return its version, source and architecture."""
    if substitute.base not in BASES:
        raise ImageError(f"{substitute.title}: no way to build a {substitute.base!r} image.")
    if substitute.base == "busybox":
        return (*build_busybox_rootfs(substitute, out, on_phase), debian_architecture())
    if substitute.base == "debian" and build_way() == "host":
        return (*build_debian_rootfs(substitute, out, on_phase), debian_architecture())
    architecture = engine_architecture(client)
    if substitute.base == "bootstrap":
        return (*build_bootstrap_rootfs(client, substitute, architecture, out, on_phase), architecture)
    present_builder(client, on_phase)
    return (*build_in_engine(client, BUILDER.reference, substitute, architecture, out, on_phase), architecture)


def present_builder(client: docker.DockerClient, on_phase: Callable[[str], None]) -> None:
    """Make the build container's image present: as it is, from the cache, or bootstrapped."""
    try:
        client.api.inspect_image(BUILDER.reference)
        return
    except ImageNotFound:
        pass
    archive = cached_archive(BUILDER)
    if not archive.exists():
        on_phase(f"bootstrapping {BUILDER.reference}")
        archive = build_archive(client, BUILDER, on_phase)
    load_archive(client, archive)


def _file_name(reference: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", reference)
