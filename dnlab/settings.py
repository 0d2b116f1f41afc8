"""Every setting dnlab reads from the environment (``DNLAB_*``, ``DOCKER_*``, XDG), read here only.

``settings()`` reads them afresh on each call, so a changed variable (a test's, or a learner's
``%env``) takes effect at once; the names live in ``VARIABLES`` so messages can cite them.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SOCKET = "unix:///var/run/docker.sock"

DOCKER_HOST = "DOCKER_HOST"
DOCKER_CERT_PATH = "DOCKER_CERT_PATH"
DOCKER_CONTEXT = "DOCKER_CONTEXT"
REGISTRY = "DNLAB_REGISTRY"
DEBIAN_MIRROR = "DNLAB_DEBIAN_MIRROR"
CACHE = "DNLAB_CACHE"
BUILD = "DNLAB_BUILD"
ENGINE_DIR = "DNLAB_ENGINE_DIR"
MACHINES = "DNLAB_MACHINES"
MACHINES_DIR = "DNLAB_MACHINES_DIR"
UNDERLAY_SUBNET = "DNLAB_UNDERLAY_SUBNET"
REAL_PARENT = "DNLAB_REAL_PARENT"
NODE_ENGINE = "DNLAB_NODE_ENGINE"


@dataclass(frozen=True)
class Settings:
    """What the environment asks of dnlab now."""

    docker_host: str | None
    """``DOCKER_HOST``: the engine to reach (None: the default socket)."""
    docker_cert_path: Path
    docker_context: str | None
    """``DOCKER_CONTEXT``: the docker CLI context to use when DOCKER_HOST is unset (None: the CLI's current one)."""
    registry: str
    """``DNLAB_REGISTRY``: ``auto`` (pull where a registry answers) or ``off``."""
    debian_mirror: str | None
    build: str
    """``DNLAB_BUILD``: where Debian images are built: ``auto``, ``host`` (mmdebstrap here) or ``engine``."""
    cache_root: Path
    state_root: Path
    engine_dir: Path
    machines: dict[str, str]
    """``DNLAB_MACHINES``: real hosts to use as lab machines, name to engine URL."""
    machines_dir: Path
    underlay_subnet: str
    real_parent: str | None
    """``DNLAB_REAL_PARENT``: a real network card the learner allows as a macvlan parent."""
    on_binder: bool
    node_engine: str | None
    """``DNLAB_NODE_ENGINE``: the Docker version lab machines run (``20.10``, ``26`` or ``28``; None: the default)."""

    @property
    def engine_url(self) -> str:
        return self.docker_host or DEFAULT_SOCKET


def settings() -> Settings:
    """The settings as the environment has them now."""
    env = os.environ
    home = Path.home()
    cache = env.get(CACHE) or str(Path(env.get("XDG_CACHE_HOME") or home / ".cache") / "dnlab")
    return Settings(
        docker_host=env.get(DOCKER_HOST) or None,
        docker_cert_path=Path(env.get(DOCKER_CERT_PATH) or home / ".docker"),
        docker_context=env.get(DOCKER_CONTEXT) or None,
        registry=env.get(REGISTRY, "auto").strip().lower() or "auto",
        debian_mirror=env.get(DEBIAN_MIRROR) or None,
        build=env.get(BUILD, "auto").strip().lower() or "auto",
        cache_root=Path(cache),
        state_root=Path(env.get("XDG_STATE_HOME") or home / ".local" / "state") / "dnlab",
        engine_dir=Path(env.get(ENGINE_DIR, "/var/lib/dnlab/engine")),
        machines=_machines(env.get(MACHINES, "")),
        machines_dir=Path(env.get(MACHINES_DIR, "/var/lib/dnlab/machines")),
        underlay_subnet=env.get(UNDERLAY_SUBNET, "10.210.0.0/24"),
        real_parent=env.get(REAL_PARENT) or None,
        on_binder="BINDER_SERVICE_HOST" in env or "BINDER_REQUEST" in env,
        node_engine=env.get(NODE_ENGINE, "").strip().lower() or None,
    )


def _machines(text: str) -> dict[str, str]:
    pairs = [item.split("=", 1) for item in text.split(",") if "=" in item]
    return {name.strip(): url.strip() for name, url in pairs}
