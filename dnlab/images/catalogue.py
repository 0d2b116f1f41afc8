"""The course's images, as data: what each is used for and how to build its offline stand-in.

Adding an image is one ``CatalogueImage(...)`` entry in ``CATALOGUE``.
"""
from __future__ import annotations

from dataclasses import dataclass

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

    ``base`` is ``"busybox"`` (one static busybox binary and its applet links) or
    ``"debian"`` (a Debian ``suite`` root filesystem from mmdebstrap with ``packages``).
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


@dataclass(frozen=True)
class CatalogueImage:
    """One image the course runs: its reference, what it is for, and its offline substitute."""

    reference: str
    used_for: str
    substitute: Substitute


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

CATALOGUE: tuple[CatalogueImage, ...] = (ALPINE, NGINX)


def find(reference: str) -> CatalogueImage | None:
    """The catalogue entry for ``reference``, or None when the course does not use that image.

    Spelled as `docker pull` accepts it: ``nginx``, ``nginx:latest`` and
    ``docker.io/library/nginx:latest`` all find ``nginx:latest``.
    """
    name = reference.removeprefix("docker.io/").removeprefix("library/")
    wanted = name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"
    return next((image for image in CATALOGUE if image.reference == wanted), None)
