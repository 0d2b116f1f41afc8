"""Build a course image's offline substitute into the cache, keyed by its recipe."""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from dnlab.images.archive import image_config, write_image_archive
from dnlab.images.busybox import build_busybox_rootfs
from dnlab.images.catalogue import CatalogueImage, Substitute
from dnlab.images.debian import MMDEBSTRAP_OPTIONS, build_debian_rootfs
from dnlab.images.packages import debian_architecture
from dnlab.images.store import cache_dir
from dnlab.labels import RECIPE, image_labels, own_image_labels

RootfsBuilder = Callable[[Substitute, Path, Callable[[str], None]], tuple[str, str]]
BUILDERS: dict[str, RootfsBuilder] = {"busybox": build_busybox_rootfs, "debian": build_debian_rootfs}
BUILDER_OPTIONS: dict[str, tuple[str, ...]] = {"debian": MMDEBSTRAP_OPTIONS}
LATER_FIELDS = ("entrypoint", "remove")
"""Substitute fields added after the first images were cached: left out of the key while empty."""


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


def build_archive(image: CatalogueImage, on_phase: Callable[[str], None]) -> Path:
    """Build ``image``'s substitute and cache it as a `docker load` archive; return the archive."""
    substitute = image.substitute
    archive = cached_archive(image)
    with tempfile.TemporaryDirectory(dir=archive.parent, prefix="build-") as work:
        rootfs = Path(work) / "rootfs.tar"
        version, source = BUILDERS[substitute.base](substitute, rootfs, on_phase)
        on_phase("writing the image archive")
        make_labels = own_image_labels if image.own else image_labels
        labels = {**make_labels(image.reference, substitute.title, version, source), RECIPE: recipe_key(substitute)}
        partial = Path(work) / "image.tar"
        write_image_archive(rootfs, image_config(image, labels, debian_architecture()), image.reference, partial)
        os.replace(partial, archive)
    for stale in stale_archives(image):
        stale.unlink(missing_ok=True)
    return archive


def _file_name(reference: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "-", reference)

