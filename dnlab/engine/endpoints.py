"""Where each lab machine's engine answers: a node's unix socket, or a real host from ``DNLAB_MACHINES``.

Like `docker --host URL`; starting and stopping the nodes is ``dnlab.machines``' work. An ``ssh://``
host is reached as the docker CLI reaches one: each connection is the learner's own OpenSSH client
running ``docker system dial-stdio`` there (with their keys, known hosts and ``~/.ssh/config``).
"""
from __future__ import annotations

import functools
import http.client
import shutil
import socket
import subprocess
import urllib.parse
from pathlib import Path

import docker
import requests
import urllib3.connection
import urllib3.connectionpool
from docker.constants import DEFAULT_MAX_POOL_SIZE
from docker.errors import DockerException
from docker.transport.basehttpadapter import BaseHTTPAdapter

from dnlab.errors import DnlabError, EngineUnavailable
from dnlab.settings import settings

API_TIMEOUT_S = 120
SSH_OPTIONS = ("-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-T")
"""No password or host-key question (a kernel has no terminal to answer it), a bounded wait, no TTY."""
DIAL_STDIO = ("docker", "system", "dial-stdio")
SSH_EXIT_TIMEOUT_S = 5
LOGIN_FIX = ("`ssh {dest} docker version` must work in a terminal without a password (key login: "
             "ssh-copy-id {dest}), the host's key in known_hosts.")
NO_CLI_FIX = "Install the docker CLI on that host (Debian and Ubuntu: apt-get install docker-cli, or docker.io)."
ADVERTISE_FIX = "Name its address yourself: swarm init --advertise-addr ADDR."
DIAL_FIX = ("Its engine must run there (systemctl start docker), and the ssh user be in its docker group "
            "(usermod -aG docker USER, then log in again).")


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


def host_address(machine: str) -> str:
    """The IPv4 address real host ``machine`` is reached at: its URL's host (an ``ssh://`` alias as
    ssh's own configuration resolves it). Its swarm advertises that address."""
    url = real_machines()[machine]
    host = urllib.parse.urlsplit(url).hostname
    if host is None:
        raise DnlabError(f"{machine} is reached at {url}, which names no host.", ADVERTISE_FIX)
    if url.startswith("ssh://") and shutil.which("ssh"):
        shown = subprocess.run(["ssh", "-G", host], capture_output=True, text=True, timeout=10).stdout
        host = next((line.split(" ", 1)[1] for line in shown.splitlines() if line.startswith("hostname ")), host)
    try:
        return socket.getaddrinfo(host, None, socket.AF_INET)[0][4][0]
    except (socket.gaierror, UnicodeError):
        raise DnlabError(f"{machine}'s host {host} has no IPv4 address here.", ADVERTISE_FIX) from None


def forget_machines() -> None:
    """Drop cached machine clients (after machines were started or removed)."""
    _client.cache_clear()


@functools.lru_cache(maxsize=16)
def _client(url: str) -> docker.DockerClient:
    if url.startswith("ssh://"):
        return _ssh_client(url)
    return docker.DockerClient(base_url=url, timeout=API_TIMEOUT_S, tls=_tls(url))


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


def ssh_command(url: str) -> list[str]:
    """The OpenSSH command that carries one connection to ``url``'s engine, as the docker CLI runs it."""
    parsed = urllib.parse.urlsplit(url)
    if not parsed.hostname or parsed.path not in ("", "/"):
        raise DnlabError(f"{url} is not an ssh address dnlab can use.", "Write it as ssh://USER@HOST or ssh://USER@HOST:PORT.")
    user = ["-l", parsed.username] if parsed.username else []
    port = ["-p", str(parsed.port)] if parsed.port else []
    return ["ssh", *SSH_OPTIONS, *user, *port, "--", parsed.hostname, *DIAL_STDIO]


def dial_failure(url: str, exit_code: int, said: str) -> EngineUnavailable:
    """Why ``ssh ... docker system dial-stdio`` ended before the engine answered, with the fix: ssh's own
    failure (255), no docker CLI there (127), or dial-stdio's (no engine, no permission)."""
    parsed = urllib.parse.urlsplit(url)
    dest = f"{parsed.username}@{parsed.hostname}" if parsed.username else str(parsed.hostname)
    dest = f"-p {parsed.port} {dest}" if parsed.port else dest
    said = said.strip().rstrip(".")[:200] or f"it exited with {exit_code}"
    if exit_code == 255:
        return EngineUnavailable(f"ssh to {url} failed: {said}.", LOGIN_FIX.format(dest=dest))
    if exit_code == 127:
        return EngineUnavailable(f"{url} has no docker CLI, which dnlab runs there for `docker system dial-stdio` "
                                 f"({said}).", NO_CLI_FIX)
    return EngineUnavailable(f"`docker system dial-stdio` on {url} failed: {said}.", DIAL_FIX)


def _ssh_client(url: str) -> docker.DockerClient:
    if shutil.which("ssh") is None:
        raise EngineUnavailable(f"{url} is reached with ssh, and this machine has no OpenSSH client.",
                                "Install it: apt-get install openssh-client.")
    try:
        return _DialStdioClient(url)
    except DockerException as exc:  # docker-py wraps what the first request (the API version) raised
        if isinstance(exc.__cause__, DnlabError):
            raise exc.__cause__ from None
        raise


class _DialStdioConnection(urllib3.connection.HTTPConnection):
    """One HTTP connection to a remote engine: ``ssh ... docker system dial-stdio``, its standard input
    and output one end of a socket pair, this connection's socket the other (as the docker CLI's
    commandconn), so timeouts, streams and hijacked exec sockets work as over a unix socket. Closing
    the socket ends ssh: it reads the end of its input and passes it on."""

    def __init__(self, url: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._url = url
        self._ssh: subprocess.Popen[bytes] | None = None

    def connect(self) -> None:
        ours, theirs = socket.socketpair()
        with theirs:  # a session of its own: an interrupted kernel does not cut it
            self._ssh = subprocess.Popen(ssh_command(self._url), stdin=theirs, stdout=theirs, stderr=subprocess.PIPE,
                                         start_new_session=True)
        ours.settimeout(self.timeout)
        self.sock = ours

    def getresponse(self) -> urllib3.HTTPResponse:  # type: ignore[override]
        try:
            return super().getresponse()
        except (OSError, http.client.HTTPException):
            failure = self._failure()
            if failure is None:
                raise
            raise failure from None

    def _failure(self) -> EngineUnavailable | None:
        """What ssh said, when it ended with an error (the socket closed because it did)."""
        if self._ssh is None:
            return None
        try:
            code = self._ssh.wait(timeout=SSH_EXIT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return None
        with self._ssh.stderr as stderr:
            said = [line for line in stderr.read().decode(errors="replace").splitlines() if line.strip()]
        return dial_failure(self._url, code, said[-1] if said else "") if code else None


class _DialStdioPool(urllib3.connectionpool.HTTPConnectionPool):
    def __init__(self, url: str, timeout: float, maxsize: int) -> None:
        super().__init__("localhost", timeout=timeout, maxsize=maxsize)
        self._url, self._seconds = url, timeout

    def _new_conn(self) -> _DialStdioConnection:
        return _DialStdioConnection(self._url, self._seconds)


class _DialStdioAdapter(BaseHTTPAdapter):
    def __init__(self, url: str, timeout: float) -> None:
        super().__init__()
        self.pool = _DialStdioPool(url, timeout, DEFAULT_MAX_POOL_SIZE)

    def get_connection(self, url: str, proxies: dict | None = None) -> _DialStdioPool:
        return self.pool

    def request_url(self, request: requests.PreparedRequest, proxies: dict) -> str:
        return request.path_url

    def close(self) -> None:
        super().close()
        self.pool.close()


class _DialStdioAPI(docker.APIClient):
    """docker-py's API client, every request carried by ``ssh HOST docker system dial-stdio``."""

    def __init__(self, url: str) -> None:
        self._dial = _DialStdioAdapter(url, API_TIMEOUT_S)
        super().__init__(base_url="tcp://localhost:2375", timeout=API_TIMEOUT_S)  # never dialled: see get_adapter

    def get_adapter(self, url: str) -> requests.adapters.BaseAdapter:
        return self._dial

    def close(self) -> None:
        super().close()
        self._dial.close()


class _DialStdioClient(docker.DockerClient):
    def __init__(self, url: str) -> None:  # docker.DockerClient.__init__ only makes its APIClient
        self.api = _DialStdioAPI(url)
