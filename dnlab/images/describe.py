"""What a course image in the engine really is, read from its inspect data and labels."""
from __future__ import annotations

from typing import Any

import docker
from docker.errors import ImageNotFound

TITLE = "org.opencontainers.image.title"
VERSION = "org.opencontainers.image.version"
SOURCE = "org.opencontainers.image.source"


def inspect_or_none(client: docker.DockerClient, reference: str) -> dict[str, Any] | None:
    """Like `docker image inspect REF`, or None when the engine has no such image."""
    try:
        return client.api.inspect_image(reference)
    except ImageNotFound:
        return None


def labels_of(attrs: dict[str, Any]) -> dict[str, str]:
    """An image's labels (an empty dict when it has none)."""
    return (attrs.get("Config") or {}).get("Labels") or {}


def source_of(attrs: dict[str, Any]) -> str:
    """Where an image comes from: its source label, else its registry digest, else "local image"."""
    digests = attrs.get("RepoDigests") or []
    return labels_of(attrs).get(SOURCE) or (digests[0] if digests else "local image")
