"""Real hosts as lab machines, without an engine or a network: the ssh transport (each connection an
`ssh HOST docker system dial-stdio`) against a stand-in `ssh` that answers as an engine or fails as ssh
does, the errors a learner reads, and the node image's optional ssh server."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from dnlab.cleanup import CleanupReport
from dnlab.engine import endpoints
from dnlab.errors import DnlabError, EngineUnavailable
from dnlab.images.catalogue import NODE_PACKAGES, NODES
from dnlab.images.entrypoints import NODE_ENTRYPOINT
from dnlab.labels import lab_labels
from dnlab.machines import nodes

ENGINE = r'''
import json, sys
# The request lines ssh would carry to `docker system dial-stdio`, answered as an engine does.
log = open(sys.argv[0] + ".calls", "a")
print(" ".join(sys.argv[1:]), file=log, flush=True)
if sys.argv[1] == "-G":
    print("user me\nhostname 10.9.8.7\nport 22")
    sys.exit(0)
while True:
    line = sys.stdin.buffer.readline()
    if not line:
        break
    path = line.split()[1].decode()
    length = 0
    while (header := sys.stdin.buffer.readline()) not in (b"\r\n", b""):
        if header.lower().startswith(b"content-length:"):
            length = int(header.split(b":")[1])
    sys.stdin.buffer.read(length)
    body = b"OK" if path.endswith("/_ping") else json.dumps({"ApiVersion": "1.45", "Version": "26.1.5"}).encode()
    sys.stdout.buffer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nApi-Version: 1.45\r\n"
                            b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    sys.stdout.buffer.flush()
'''


def stand_in_ssh(directory: Path, program: str) -> Path:
    """An `ssh` first on PATH that runs ``program`` (Python) instead of connecting anywhere."""
    ssh = directory / "ssh"
    ssh.write_text(f"#!{sys.executable}\n{program}")
    ssh.chmod(0o755)
    return ssh


@pytest.fixture
def machines(monkeypatch, tmp_path):
    """machine1 is an ssh:// host; the `ssh` this kernel finds is the test's."""
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    monkeypatch.setenv("DNLAB_MACHINES", "machine1=ssh://root@vm1:2222")
    monkeypatch.setenv("DNLAB_MACHINES_DIR", str(tmp_path / "machines"))
    endpoints.forget_machines()
    yield tmp_path
    endpoints.forget_machines()


def test_the_ssh_command_is_the_docker_clis():
    assert endpoints.ssh_command("ssh://root@10.212.0.11") == [
        "ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-T", "-l", "root", "--", "10.212.0.11",
        "docker", "system", "dial-stdio"]
    assert endpoints.ssh_command("ssh://vm1:2222")[6:] == ["-p", "2222", "--", "vm1", "docker", "system", "dial-stdio"]
    with pytest.raises(DnlabError, match=r"^ssh://me@vm1/var/run is not an ssh address .* ssh://USER@HOST"):
        endpoints.ssh_command("ssh://me@vm1/var/run")


def test_an_ssh_host_is_reached_through_dial_stdio(machines):
    stand_in_ssh(machines, ENGINE)
    client = endpoints.client_for("machine1")
    assert client.ping() and client.version()["Version"] == "26.1.5"
    assert client.api.api_version == "1.45"
    calls = (machines / "ssh.calls").read_text().splitlines()
    assert calls == ["-o BatchMode=yes -o ConnectTimeout=10 -T -l root -p 2222 -- vm1 docker system dial-stdio"], \
        "one connection, kept alive for every request"


@pytest.mark.parametrize(("exit_code", "said", "message", "fix"), [
    (255, "ssh: connect to host vm1 port 2222: No route to host",
     "ssh to ssh://root@vm1:2222 failed: ssh: connect to host vm1 port 2222: No route to host.",
     "`ssh -p 2222 root@vm1 docker version` must work in a terminal without a password "
     "(key login: ssh-copy-id -p 2222 root@vm1)"),
    (255, "root@vm1: Permission denied (publickey).",
     "ssh to ssh://root@vm1:2222 failed: root@vm1: Permission denied (publickey).", "ssh-copy-id -p 2222 root@vm1"),
    (127, "bash: line 1: docker: command not found",
     "ssh://root@vm1:2222 has no docker CLI, which dnlab runs there for `docker system dial-stdio` "
     "(bash: line 1: docker: command not found).", "apt-get install docker-cli"),
    (1, "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock",
     "`docker system dial-stdio` on ssh://root@vm1:2222 failed: permission denied while trying to connect",
     "usermod -aG docker USER"),
])
def test_a_failed_dial_is_one_line_with_the_fix(machines, exit_code, said, message, fix):
    stand_in_ssh(machines, f"import sys\nsys.stdin.buffer.read(1)\nprint('Warning: a line before', file=sys.stderr)\n"
                           f"print({said!r}, file=sys.stderr)\nsys.exit({exit_code})")
    with pytest.raises(EngineUnavailable) as raised:
        endpoints.client_for("machine1")
    text = str(raised.value)
    assert raised.value.message.startswith(message) and fix in raised.value.fix and "\n" not in text, text


def test_without_an_openssh_client_it_says_so(machines, monkeypatch):
    monkeypatch.setenv("PATH", str(machines / "nowhere"))
    with pytest.raises(EngineUnavailable, match=r"no OpenSSH client\. Install it: apt-get install openssh-client"):
        endpoints.client_for("machine1")


def test_a_real_hosts_address_is_the_one_its_url_names(machines, monkeypatch):
    stand_in_ssh(machines, ENGINE)  # `ssh -G vm1` resolves the alias to 10.9.8.7
    assert endpoints.host_address("machine1") == "10.9.8.7"
    monkeypatch.setenv("DNLAB_MACHINES", "machine2=tcp://10.1.2.3:2376,machine3=unix:///run/x.sock")
    assert endpoints.host_address("machine2") == "10.1.2.3"
    with pytest.raises(DnlabError, match=r"machine3 is reached at unix:///run/x.sock, which names no host.*advertise"):
        endpoints.host_address("machine3")


# The node image's ssh server

def test_nodes_carry_dropbear_not_openssh_server():
    assert "dropbear-bin" in NODE_PACKAGES and "openssh-server" not in NODE_PACKAGES
    assert all("dropbear-bin" in node.substitute.packages for node in NODES)


def test_the_ssh_server_starts_only_with_a_key_on_the_underlay_address_by_key_only():
    text = NODE_ENTRYPOINT
    assert subprocess.run(["sh", "-n"], input=text, text=True).returncode == 0
    assert 'if [ -n "${DNLAB_NODE_AUTHORIZED_KEY:-}" ]; then start_ssh_server; fi' in text
    assert text.count("start_ssh_server") == 2 and text.index("start_ssh_server; fi") < text.index("exec dockerd")
    (server,) = [line.strip() for line in text.splitlines() if line.strip().startswith("dropbear ")]
    flags = server.split()
    assert {"-s", "-j", "-k"} <= set(flags) and "-w" not in flags and "-B" not in flags  # root, by key only
    assert server.endswith('-p "$address:22" &')  # that address only, in the background of dockerd
    assert "(umask 077 && printf '%s\\n' \"$DNLAB_NODE_AUTHORIZED_KEY\" > /root/.ssh/authorized_keys)" in text


@pytest.mark.parametrize(("route", "address", "expected"), [
    ("default via 10.212.0.1 dev eth0",
     "2: eth0    inet 10.212.0.11/24 brd 10.212.0.255 scope global eth0\\  valid_lft forever", "10.212.0.11"),
    ("", "", ""),  # no default route: no address, and so no ssh server
])
def test_the_underlay_address_is_that_of_the_default_route(tmp_path, route, address, expected):
    functions = re.search(r"^underlay_address\(\) \{\n.*?^\}\n", NODE_ENTRYPOINT, re.MULTILINE | re.DOTALL).group(0)
    ip = tmp_path / "ip"
    ip.write_text(f"""#!/bin/sh
case "$*" in
    *route*) echo '{route}' ;;
    *'addr show dev eth0'*) echo '{address}' ;;
esac
""")
    ip.chmod(0o755)
    done = subprocess.run(["sh", "-c", f"{functions}underlay_address"], capture_output=True, text=True,
                          env={"PATH": f"{tmp_path}:/usr/bin:/bin"})
    assert done.stdout.strip() == expected


# Taking real hosts down

class _Host:
    """A real host's engine, as `down` sees it: its swarm state, and what it is asked to do."""

    def __init__(self, swarm: dict, spec_labels: dict | None = None, members: tuple[str, ...] = ()) -> None:
        self.api = self
        self.swarm, self.spec_labels, self.members, self.left = swarm, spec_labels, members, False

    def info(self) -> dict:
        return {"Swarm": self.swarm}

    def inspect_swarm(self) -> dict:
        return {"Spec": {"Labels": self.spec_labels}}

    def nodes(self) -> list[dict]:
        return [{"ID": node_id} for node_id in self.members]

    def leave_swarm(self, force: bool) -> None:
        self.left = force


@pytest.mark.parametrize(("spec_labels", "leaves"), [
    (lab_labels("exercise-6.04", "s1", "swarm"), True),  # dnlab's `swarm init` made it
    ({"team": "prod"}, False),  # the learner's own swarm: it stays
])
def test_real_hosts_leave_only_a_swarm_dnlab_made(monkeypatch, spec_labels, leaves):
    manager = _Host({"LocalNodeState": "active", "ControlAvailable": True, "NodeID": "m"}, spec_labels, ("m", "w"))
    hosts = {"machine1": manager, "machine2": _Host({"LocalNodeState": "active", "NodeID": "w"}),
             "machine3": _Host({"LocalNodeState": "inactive", "NodeID": ""})}
    cleaned = []
    monkeypatch.setattr(nodes, "real_machines", lambda: {name: f"ssh://root@{name}" for name in hosts})
    monkeypatch.setattr(nodes, "client_for", hosts.__getitem__)
    monkeypatch.setattr(nodes, "cleanup", lambda machine: cleaned.append(machine) or CleanupReport())
    assert nodes.down() == []
    assert cleaned == ["machine1", "machine2", "machine3"]  # the manager first
    assert [hosts[name].left for name in hosts] == [leaves, leaves, False]
