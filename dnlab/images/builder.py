"""mmdebstrap in a build container on the engine: how an account that cannot run it here builds images.

The engine runs as root, so a container allowed to mount does what mmdebstrap needs (chroot,
mounts, any file owner), with the same recipe and options as on the host. The container has no
network: dnlab reads the mirror here and copies in a local repository of the checked .debs the
build needs, so it works wherever the engine is (a learner's sidecar, a VM, an engine whose
containers reach nothing). The root filesystem tar is then copied out.
"""
from __future__ import annotations

import shlex
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

import docker
from docker.errors import APIError

from dnlab.errors import ImageError
from dnlab.images import debian_archive
from dnlab.images.apt_sources import debian_mirror_lines
from dnlab.images.catalogue import Substitute
from dnlab.images.debian import complaint, customize_hooks, dpkg_status, mmdebstrap_options
from dnlab.images.packages import installed_version, package_url
from dnlab.images.store import debs_dir
from dnlab.labels import build_labels

INSIDE = "/tmp/rootfs.tar"
MOUNTS_ALLOWED = {"cap_add": ["SYS_ADMIN"], "security_opt": ["apparmor=unconfined"]}
"""All mmdebstrap needs beyond a plain container: to mount /proc, /sys and /dev in its chroot."""
BUILD_S = 1800
SOURCES_SEPARATOR = "\n\n"
"""As mmdebstrap writes the mirrors into the image's /etc/apt/sources.list when it reads them itself."""


def build_in_engine(client: docker.DockerClient, builder: str, substitute: Substitute, architecture: str,
                    out: Path, on_phase: Callable[[str], None]) -> tuple[str, str]:
    """Write ``substitute``'s root filesystem tar to ``out`` by mmdebstrap in a ``builder`` container."""
    mirrors = debian_mirror_lines(substitute.suite)
    on_phase("reading the Debian mirror's signed index")
    index = debian_archive.package_index(tuple(mirrors), architecture)
    packages = debian_archive.closure(index, ("apt", *substitute.packages))
    debs = debian_archive.download(packages, debs_dir(), on_phase)
    local = f"deb [trusted=yes] copy:///{debian_archive.REPOSITORY} ./"
    real_sources = f'printf %s {shlex.quote(SOURCES_SEPARATOR.join(mirrors) + chr(10))} > "$1"/etc/apt/sources.list'
    command = ["mmdebstrap", *mmdebstrap_options(substitute), *customize_hooks(substitute), f"--customize-hook={real_sources}", substitute.suite, INSIDE, local]
    api = client.api
    container = create_build_container(api, builder, command, **MOUNTS_ALLOWED)
    try:
        copy_in(api, container, packages, debs, out.parent)
        api.start(container)
        errors = follow_phases(api, container, on_phase)
        code = api.wait(container, timeout=BUILD_S).get("StatusCode")
        if code != 0:
            raise ImageError(f"mmdebstrap failed in the build container: {complaint(errors) or f'exit code {code}'}")
        on_phase("copying the root filesystem out of the build container")
        copy_out(api, container, out)
    except APIError as exc:
        raise ImageError(f"The engine could not run the build container: {exc.explanation or exc}") from None
    finally:
        api.remove_container(container, force=True, v=True)
    version = installed_version(dpkg_status(out), substitute.version_of)
    return version, package_url("debian", substitute.suite, substitute.version_of, version, architecture)


def create_build_container(api: docker.APIClient, image: str, command: list[str], **host: object) -> dict:
    """A build's scratch container: no network, and dnlab's build labels, so a clean-up finds one an
    interrupted build left (images are below the lab layer, whose ``Lab.api`` stamps the others)."""
    host_config = api.create_host_config(**host)  # type: ignore[arg-type]
    return api.create_container(image, command, labels=build_labels(), host_config=host_config, network_disabled=True)


def copy_in(api: docker.APIClient, container: dict, packages: list[debian_archive.Package], debs: list[Path], work: Path) -> None:
    """Put the local repository of ``debs`` into the (not yet started) build container."""
    with tempfile.TemporaryDirectory(dir=work, prefix="repository-") as scratch:
        repository = Path(scratch) / "repository.tar"
        debian_archive.write_repository(packages, debs, repository)
        with repository.open("rb") as data:
            api.put_archive(container, "/", data)


def follow_phases(api: docker.APIClient, container: dict, on_phase: Callable[[str], None]) -> list[str]:
    """Show mmdebstrap's ``I:`` steps as phases until it ends; return its ``E:`` lines."""
    errors: list[str] = []
    pending = ""
    for chunk in api.logs(container, stream=True, follow=True, stdout=False, stderr=True):
        *lines, pending = (pending + chunk.decode(errors="replace")).split("\n")
        for line in lines:
            if line.startswith("I: "):
                on_phase(line[3:].split(":", 1)[0].strip()[:60])
            elif line.startswith("E: "):
                errors.append(line)
    return errors


def copy_out(api: docker.APIClient, container: dict, out: Path) -> None:
    """Copy the root filesystem tar out of the build container to ``out``."""
    wrapped = out.with_name(f"{out.name}.copy")
    stream, _stat = api.get_archive(container, INSIDE)
    with wrapped.open("wb") as written:
        for chunk in stream:
            written.write(chunk)
    with tarfile.open(wrapped) as copy, out.open("wb") as written:
        member = copy.extractfile(Path(INSIDE).name)
        if member is None:
            raise ImageError("The build container wrote no root filesystem.")
        while block := member.read(1 << 20):
            written.write(block)
    wrapped.unlink()
