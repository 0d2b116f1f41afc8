"""Where each lab machine's engine answers: a node's unix socket, or a real host from ``DNLAB_MACHINES``.

Like `docker --host URL`; starting and stopping the nodes is ``dnlab.machines``' work.
"""
from __future__ import annotations

import functools
from pathlib import Path

import docker

from dnlab.errors import DnlabError
from dnlab.settings import settings

API_TIMEOUT_S = 120


def container_name(machine: str) -> str:
    """The local container that is lab machine ``machine``."""
    return f"dnlab-{machine}"


def socket_path(machine: str) -> Path:
    """The unix socket of a node's engine, in a host directory (never TCP)."""
    return settings().machines_dir / machine / "docker.sock"


def real_machines() -> dict[str, str]:
    """Machines the learner listed by engine URL in ``DNLAB_MACHINES``."""
    return settings().machines


def client_for(machine: str) -> docker.DockerClient:
    """Like `docker --host URL`: a client for lab machine ``machine``."""
    url = real_machines().get(machine)
    if url is None:
        if not socket_path(machine).exists():
            raise DnlabError(f"there is no lab machine {machine}.", "Start the machines: %dnet machines up 2")
        url = f"unix://{socket_path(machine)}"
    return _client(url)


def forget_machines() -> None:
    """Drop cached machine clients (after machines were started or removed)."""
    _client.cache_clear()


@functools.lru_cache(maxsize=16)
def _client(url: str) -> docker.DockerClient:
    return docker.DockerClient(base_url=url, timeout=API_TIMEOUT_S, tls=_tls(url),
                               use_ssh_client=url.startswith("ssh://"))


def _tls(url: str) -> docker.tls.TLSConfig | bool:
    """TLS for ``tcp://`` machines, from ``DOCKER_CERT_PATH`` as the docker CLI has it: dnlab never
    talks to an engine over unauthenticated TCP."""
    if not url.startswith("tcp://"):
        return False
    certs = settings().docker_cert_path
    files = [certs / name for name in ("ca.pem", "cert.pem", "key.pem")]
    if not all(f.exists() for f in files):
        raise DnlabError(f"{url} is TCP: dnlab reaches it only with TLS client certificates.",
                         f"Put ca.pem, cert.pem and key.pem in {certs} (or set DOCKER_CERT_PATH), or use ssh://.")
    return docker.tls.TLSConfig(client_cert=(str(files[1]), str(files[2])), ca_cert=str(files[0]), verify=True)
