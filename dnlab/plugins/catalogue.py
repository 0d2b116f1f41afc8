"""The network plugins of Exercise 6.05, as data: the book's Weave Net, and dnlab's own stand-in."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import docker

from dnlab.images.catalogue import MESH_ROOTFS
from dnlab.images.preparation import Registry, registry_mode

SOURCES = Path(__file__).parent


@dataclass(frozen=True)
class CataloguePlugin:
    """A plugin the course installs. An ``own`` plugin is never pulled: dnlab makes it here with
    `docker plugin create` from ``source`` (config.json and driver.py) on ``rootfs`` (an image)."""

    reference: str
    about: str
    own: bool = False
    source: Path | None = None
    rootfs: str = ""
    interface_prefix: str = ""


WEAVE = CataloguePlugin(
    reference="weaveworks/net-plugin:latest_release",
    about=("Weave Net, the book's plugin. The book's store/weaveworks/net-plugin:2.5.2 is no longer "
           "published; weaveworks/net-plugin:latest_release is (Weave Net is no longer maintained)."),
    interface_prefix="ethwe",
)

MESH = CataloguePlugin(
    reference="dnlab/mesh:latest",
    about=("dnlab/mesh, the course's own network driver: one short Python file speaking libnetwork's "
           "remote driver protocol, with kernel VXLAN between machines."),
    own=True,
    source=SOURCES / "mesh",
    rootfs=MESH_ROOTFS.reference,
    interface_prefix="ethmesh",
)

PLUGINS: tuple[CataloguePlugin, ...] = (WEAVE, MESH)


def find(reference: str) -> CataloguePlugin | None:
    """The catalogue entry for ``reference`` (``:latest`` may be left out), or None."""
    wanted = reference if ":" in reference.rsplit("/", 1)[-1] else f"{reference}:latest"
    return next((plugin for plugin in PLUGINS if plugin.reference == wanted), None)


def choose(client: docker.DockerClient) -> CataloguePlugin:
    """The book's Weave Net where a registry answers for it (through ``client``'s engine), else
    dnlab/mesh; with ``DNLAB_REGISTRY=off``, dnlab/mesh without asking any registry."""
    return WEAVE if Registry(client, registry_mode()).answers(WEAVE.reference) else MESH
