"""Facts about Debian packages on this machine: its architecture, its distribution, package URLs."""
from __future__ import annotations

import platform
import subprocess
from urllib.parse import quote

import docker

from dnlab.errors import ImageError

ENGINE_ARCHITECTURES = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "armhf", "ppc64le": "ppc64el",
                        "s390x": "s390x", "i686": "i386", "riscv64": "riscv64"}


def debian_architecture() -> str:
    """This machine's Debian architecture name (``amd64``, ``arm64`` ...)."""
    return run_tool(["dpkg", "--print-architecture"]).strip()


def engine_architecture(client: docker.DockerClient) -> str:
    """The Debian architecture name of the engine's machine (it may not be this one)."""
    machine = client.info().get("Architecture", "")
    if machine not in ENGINE_ARCHITECTURES:
        raise ImageError(f"The engine runs on {machine or 'an unknown machine'}, for which Debian has no build here.")
    return ENGINE_ARCHITECTURES[machine]


def host_distribution() -> tuple[str, str]:
    """This machine's distribution and release codename, e.g. ``("debian", "bookworm")``."""
    release = platform.freedesktop_os_release()
    return release.get("ID", "debian"), release.get("VERSION_CODENAME", "")


def package_url(distribution: str, codename: str, name: str, version: str, arch: str) -> str:
    """The package URL (purl) of one Debian package, e.g. ``pkg:deb/debian/curl@7.88.1-10?...``."""
    return f"pkg:deb/{distribution}/{name}@{quote(version, safe=':~')}?arch={arch}&distro={codename}"


def installed_version(status: str, package: str) -> str:
    """The version of ``package`` in the text of a dpkg status file, when it is installed."""
    for stanza in status.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in stanza.splitlines() if ": " in line and not line[0].isspace())
        if fields.get("Package") == package and fields.get("Status", "").endswith(" installed"):
            return fields["Version"]
    raise ImageError(f"{package} is not installed in the image that was just built.")


def run_tool(command: list[str], cwd: str | None = None) -> str:
    """Run a host build tool and return its output, or raise ImageError with its complaint."""
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        fix = "Build the course images on Debian or Ubuntu."
        raise ImageError(f"{command[0]} is not installed here.", fix) from None
    if done.returncode != 0:
        complaint = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        raise ImageError(f"`{' '.join(command)}` failed: {complaint}")
    return done.stdout
