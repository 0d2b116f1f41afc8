"""The course's images, as data: what each is used for and how to build its offline stand-in.

Adding an image is one ``CatalogueImage(...)`` entry in ``CATALOGUE``.
"""
from __future__ import annotations

from dataclasses import dataclass

from dnlab.errors import ImageError
from dnlab.images.entrypoints import NODE_ENTRYPOINT, POSTGRES_ENTRYPOINT
from dnlab.settings import NODE_ENGINE, settings

DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True)
class File:
    """A text file written into a substitute's root filesystem."""

    path: str
    content: str
    mode: int = 0o644


@dataclass(frozen=True)
class Link:
    """A symbolic link in a substitute's root filesystem, replacing whatever was at ``path``."""

    path: str
    target: str


@dataclass(frozen=True)
class Substitute:
    """How to build an offline stand-in for a course image from Debian packages.

    ``base`` is ``"busybox"`` (one static busybox binary and its applet links),
    ``"debian"`` (a Debian ``suite`` root filesystem from mmdebstrap with ``packages``), or
    ``"bootstrap"`` (``packages`` and the required ones, installed from .debs without mmdebstrap).
    ``remove`` lists paths deleted once the packages are installed (Debian only).
    For dnlab's own images (``CatalogueImage.own``) this is the recipe of the image itself.
    """

    base: str
    title: str
    packages: tuple[str, ...]
    version_of: str
    cmd: tuple[str, ...]
    suite: str = "bookworm"
    files: tuple[File, ...] = ()
    links: tuple[Link, ...] = ()
    env: tuple[str, ...] = (DEFAULT_PATH,)
    expose: tuple[str, ...] = ()
    stop_signal: str = ""
    entrypoint: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    promised_version: str = ""
    """The version the image's tag promises (``26`` for ``dnlab/node:26``): a build of another fails."""
    apt_options: tuple[str, ...] = ()
    """Extra apt options for mmdebstrap (``--aptopt``), as a suite of this mirror needs."""


@dataclass(frozen=True)
class CatalogueImage:
    """One image the course runs: its reference, what it is for, and its offline substitute.

    ``everyday`` images are prepared by default (``prepare(client)``); the others only when
    a lab or the learner names them, or everything is asked for (they take minutes to build).
    An ``own`` image is dnlab's, not a stand-in for a registry image: it is never pulled, and
    ``substitute`` is its recipe.
    """

    reference: str
    used_for: str
    substitute: Substitute
    everyday: bool = True
    own: bool = False


ALPINE = CatalogueImage(
    reference="alpine:latest",
    used_for="small client containers: ping, ip, ifconfig, arping, nslookup, wget",
    substitute=Substitute(
        base="busybox",
        title="BusyBox (Debian busybox-static)",
        packages=("busybox-static",),
        version_of="busybox-static",
        cmd=("/bin/sh",),
        files=(
            File("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
            File("etc/group", "root:x:0:\nnogroup:x:65534:\n"),
        ),
    ),
)

NGINX = CatalogueImage(
    reference="nginx:latest",
    used_for="a web server to reach across networks, publish with -p, and clash on port 80",
    substitute=Substitute(
        base="debian",
        title="nginx (Debian bookworm nginx-light)",
        packages=("nginx-light", "curl", "iproute2", "iputils-ping"),
        version_of="nginx-light",
        cmd=("nginx", "-g", "daemon off;"),
        links=(
            Link("var/log/nginx/access.log", "/dev/stdout"),
            Link("var/log/nginx/error.log", "/dev/stderr"),
            Link("var/www/html", "/usr/share/nginx/html"),
        ),
        expose=("80/tcp",),
        stop_signal="SIGQUIT",
    ),
)

POSTGRES_MAJOR = "15"  # Debian bookworm's PostgreSQL
POSTGRES_BIN = f"/usr/lib/postgresql/{POSTGRES_MAJOR}/bin"

POSTGRES = CatalogueImage(
    reference="postgres:12",
    used_for="Activity 6.02: the database-app service that trekking-app reaches over an overlay network",
    substitute=Substitute(
        base="debian",
        title=f"PostgreSQL {POSTGRES_MAJOR} (Debian bookworm postgresql)",
        packages=(f"postgresql-{POSTGRES_MAJOR}", f"postgresql-client-{POSTGRES_MAJOR}", "iproute2", "iputils-ping"),
        version_of=f"postgresql-{POSTGRES_MAJOR}",
        entrypoint=("docker-entrypoint.sh",),
        cmd=("postgres",),
        files=(File("usr/local/bin/docker-entrypoint.sh", POSTGRES_ENTRYPOINT, 0o755),),
        remove=(f"etc/postgresql/{POSTGRES_MAJOR}", f"var/lib/postgresql/{POSTGRES_MAJOR}"),  # Debian's own cluster
        env=(
            f"PATH={POSTGRES_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            f"PG_MAJOR={POSTGRES_MAJOR}",
            "PGDATA=/var/lib/postgresql/data",
            "LANG=C.UTF-8",
        ),
        expose=("5432/tcp",),
        stop_signal="SIGINT",
    ),
    everyday=False,
)

NODE_PACKAGES = ("docker.io", "apparmor", "mount", "util-linux", "iproute2", "iptables", "iputils-ping", "procps",
                 "ca-certificates", "dropbear-bin")
"""A lab machine's packages: its engine and what the entrypoint needs (``mount`` and ``util-linux``, which
newer suites no longer pull in, to remount /sys and the cgroups; ``dropbear-bin``, an ssh server of 2 MB
without PAM, systemd or host keys baked in, for a node that plays a real host)."""


@dataclass(frozen=True)
class NodeEngine:
    """A Docker engine that Debian packages: the ``suite`` it comes from and the ``version`` its tag promises."""

    version: str
    suite: str
    debian: str
    extra_packages: tuple[str, ...] = ()
    apt_options: tuple[str, ...] = ()


NODE_ENGINES: tuple[NodeEngine, ...] = (
    NodeEngine("20.10", "bookworm", "Debian 12"),
    NodeEngine("26", "trixie", "Debian 13", extra_packages=("docker-cli",)),
    NodeEngine("28", "sid", "Debian sid", extra_packages=("docker-cli",),
               apt_options=('Acquire::Check-Valid-Until "false"',)),  # this mirror's sid Release is past its date
)
"""The engines lab machines can run; ``DNLAB_NODE_ENGINE`` chooses one by its version."""
DEFAULT_NODE_ENGINE = "26"
"""The current stable Debian's engine (trixie's 26.1), so the swarm exercises show a current one."""


def node_image(engine: NodeEngine) -> CatalogueImage:
    """The lab-machine image of ``engine``: ``dnlab/node:VERSION``, built from its Debian suite."""
    return CatalogueImage(
        reference=f"dnlab/node:{engine.version}",
        used_for=f"lab machines with Docker {engine.version} ({engine.debian}): an engine in a container, "
                 "for swarms of several hosts",
        substitute=Substitute(
            base="debian",
            title=f"dnlab lab machine: Debian {engine.suite} with docker.io",
            packages=(*NODE_PACKAGES, *engine.extra_packages),
            version_of="docker.io",
            suite=engine.suite,
            entrypoint=("/usr/local/bin/dnlab-node",),
            cmd=(),
            files=(File("usr/local/bin/dnlab-node", NODE_ENTRYPOINT, 0o755),),
            promised_version=engine.version,
            apt_options=engine.apt_options,
        ),
        everyday=False,
        own=True,
    )


NODES: tuple[CatalogueImage, ...] = tuple(node_image(engine) for engine in NODE_ENGINES)

MESH_ROOTFS = CatalogueImage(
    reference="dnlab/mesh-rootfs:latest",
    used_for="Exercise 6.05: the root filesystem of dnlab/mesh, the course's own network driver plugin",
    substitute=Substitute(
        base="debian",
        title="dnlab/mesh plugin root filesystem: Debian bookworm python3, iproute2, iptables",
        packages=("python3", "iproute2", "iptables"),
        version_of="python3",
        cmd=("python3",),
    ),
    everyday=False,
    own=True,
)

BUILDER = CatalogueImage(
    reference="dnlab/builder:bookworm",
    used_for="building the Debian images inside the engine, for an account that cannot run mmdebstrap here",
    substitute=Substitute(
        base="bootstrap",
        title="dnlab build container: Debian bookworm with mmdebstrap",
        packages=("apt", "mmdebstrap", "mount", "gpgv", "debian-archive-keyring"),
        version_of="mmdebstrap",
        cmd=("mmdebstrap", "--help"),
    ),
    everyday=False,
    own=True,
)
"""Not a course image (so not in ``CATALOGUE``): the tool that builds them where the host cannot."""

CATALOGUE: tuple[CatalogueImage, ...] = (ALPINE, NGINX, POSTGRES, *NODES, MESH_ROOTFS)
EVERYDAY: tuple[CatalogueImage, ...] = tuple(image for image in CATALOGUE if image.everyday)


def chosen_node_engine() -> NodeEngine:
    """The engine lab machines run: ``DNLAB_NODE_ENGINE``'s, else the current stable Debian's."""
    wanted = settings().node_engine or DEFAULT_NODE_ENGINE
    for engine in NODE_ENGINES:
        if wanted in (engine.version, engine.suite):
            return engine
    known = ", ".join(engine.version for engine in NODE_ENGINES)
    raise ImageError(f"{NODE_ENGINE}={wanted} is not an engine dnlab builds lab machines from.",
                     f"Set it to one of: {known} (or unset it for {DEFAULT_NODE_ENGINE}).")


def chosen_node() -> CatalogueImage:
    """The lab-machine image in use: ``dnlab/node:26`` unless ``DNLAB_NODE_ENGINE`` chooses another."""
    return NODES[NODE_ENGINES.index(chosen_node_engine())]


def course(engine: NodeEngine | None = None) -> tuple[CatalogueImage, ...]:
    """The images the course runs: the catalogue with one lab-machine image, ``engine``'s or the chosen one."""
    node = NODES[NODE_ENGINES.index(engine)] if engine else chosen_node()
    return tuple(image for image in CATALOGUE if image not in NODES or image is node)


def find(reference: str) -> CatalogueImage | None:
    """The catalogue entry for ``reference``, or None when the course does not use that image.

    Spelled as `docker pull` accepts it: ``nginx``, ``nginx:latest`` and
    ``docker.io/library/nginx:latest`` all find ``nginx:latest``; ``dnlab/node`` finds the chosen lab machine.
    """
    name = reference.removeprefix("docker.io/").removeprefix("library/")
    wanted = name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"
    if wanted == "dnlab/node:latest":
        return chosen_node()
    return next((image for image in CATALOGUE if image.reference == wanted), None)
