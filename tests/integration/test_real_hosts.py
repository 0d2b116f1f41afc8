"""Lab machines that are real hosts, reached over ssh and nothing else: two lab-machine containers that
also run an ssh server (dropbear, root by a key this test makes, on their own bridge address only), named
in DNLAB_MACHINES as ssh:// URLs. Exercise 6.04 runs on them to its end through nbclient, every assert
passing; an `exec -it` terminal works over the same connection; then an unreachable host and a host
without a docker CLI each give their one line. The ssh client uses only what the test gives it (its key,
the host keys it read from the containers through the engine, no agent), and no engine socket of the
hosts is mounted anywhere. Everything the test made is removed, and the engine is left as it was."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import docker
import nbformat
import pytest
from docker.errors import APIError, NotFound
from nbclient import NotebookClient

import dnlab
from dnlab import images, labels
from dnlab.commands.shell import starter
from dnlab.engine import endpoints
from dnlab.errors import DnlabError, EngineUnavailable
from dnlab.lab import begin
from dnlab.machines.nodes import SECURE_ENOUGH, UNMASKED, node_image

from .dind import snapshot

pytestmark = [pytest.mark.engine, pytest.mark.timeout(1800)]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "exercise-6.04-defining-overlay-networks.ipynb"
NETWORK = "dnlab-sshhosts"
SUBNET = "10.212.0.0/24"
HOSTS = {"machine1": ("dnlab-sshhost1", "10.212.0.11"), "machine2": ("dnlab-sshhost2", "10.212.0.12")}
MACHINES = ",".join(f"{machine}=ssh://root@{address}" for machine, (_, address) in HOSTS.items())
UNREACHABLE = "10.212.0.99"  # on the test's bridge, where nothing answers
HOST_LABELS = labels.lab_labels("real-hosts-test", "tests", role="real-host")
HOST_KEY = "/etc/dropbear/dropbear_ed25519_host_key.pub"
READY_TIMEOUT_S = 90


def remove_leftovers(api: docker.APIClient) -> None:
    """What an earlier run of this test left (by its names, and only when it carries the test's labels)."""
    for name, _ in HOSTS.values():
        try:
            if labels.is_lab_owned(api.inspect_container(name)["Config"]["Labels"], "real-hosts-test"):
                api.remove_container(name, force=True, v=True)
        except NotFound:
            pass
    for network in api.networks(names=[NETWORK]):
        if network["Name"] == NETWORK and labels.is_lab_owned(network.get("Labels"), "real-hosts-test"):
            api.remove_network(network["Id"])


def start_host(api: docker.APIClient, name: str, hostname: str, address: str, public_key: str) -> None:
    """A lab-machine container playing a real host: its own engine (storage in a labelled volume, no
    socket of it mounted out) and an ssh server for ``public_key``; plain --privileged where it works."""
    storage = [{"Type": "volume", "Target": "/var/lib/docker", "VolumeOptions": {"Labels": HOST_LABELS}}]
    networking = api.create_networking_config({NETWORK: api.create_endpoint_config(ipv4_address=address)})
    for extra in ({"privileged": True}, SECURE_ENOUGH):
        host_config = api.create_host_config(network_mode=NETWORK, **extra)
        host_config.update({"Mounts": storage, **({} if "privileged" in extra else UNMASKED)})
        container = api.create_container(node_image(), name=name, hostname=hostname, labels=HOST_LABELS,
                                         environment={"DNLAB_NODE_AUTHORIZED_KEY": public_key},
                                         host_config=host_config, networking_config=networking)
        try:
            api.start(container)
            return
        except APIError:
            api.remove_container(container, force=True, v=True)
    raise AssertionError("no lab-machine container could start here")


def host_key(api: docker.APIClient, name: str) -> str:
    """The host's ssh public key, read through the engine (not over ssh, so nothing is trusted on first use)."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        run = api.exec_create(name, ["cat", HOST_KEY])
        key = api.exec_start(run["Id"]).decode().strip()
        if api.exec_inspect(run["Id"])["ExitCode"] == 0 and key.startswith("ssh-ed25519 "):
            return key
        time.sleep(0.5)
    raise AssertionError(f"{name} made no host key: {api.logs(name).decode()[-2000:]}")


def make_key(directory: Path) -> str:
    """A key pair for root's login on the hosts, in the test's own directory; its public half."""
    key = directory / "id_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dnlab-real-hosts-test", "-f", str(key)],
                   check=True)
    return key.with_suffix(".pub").read_text().strip()


def ssh_environment(directory: Path, api: docker.APIClient) -> dict[str, str]:
    """The hosts' keys, and an `ssh` first on PATH that reads only the test's configuration (OpenSSH
    reads ~/.ssh from the password database, not $HOME); the environment that uses them, with no agent."""
    key = directory / "id_ed25519"
    known = directory / "known_hosts"
    known.write_text("".join(f"{address} {host_key(api, name)}\n" for name, address in HOSTS.values()))
    config = directory / "ssh_config"
    config.write_text(f"Host 10.212.0.*\n  User root\n  IdentityFile {key}\n  IdentitiesOnly yes\n"
                      f"  UserKnownHostsFile {known}\n  GlobalKnownHostsFile /dev/null\n  StrictHostKeyChecking yes\n"
                      "  UpdateHostKeys no\n  PasswordAuthentication no\n  KbdInteractiveAuthentication no\n")
    wrapper = directory / "bin" / "ssh"
    wrapper.parent.mkdir()
    wrapper.write_text(f"#!/bin/sh\nexec {shutil.which('ssh')} -F {config} \"$@\"\n")
    wrapper.chmod(0o700)
    (directory / "machines").mkdir()  # no node sockets there: a fall-back to a local node would fail
    env = {k: v for k, v in os.environ.items() if k not in ("SSH_AUTH_SOCK", "DOCKER_HOST")}
    return {**env, "PATH": f"{wrapper.parent}:{env['PATH']}", "DNLAB_MACHINES": MACHINES,
            "DNLAB_MACHINES_DIR": str(directory / "machines"), "DNLAB_REGISTRY": "off"}


@contextmanager
def environment(env: dict[str, str]) -> Iterator[pytest.MonkeyPatch]:
    """This process with ``env`` (dnlab reads its settings afresh), and its machine clients forgotten."""
    with pytest.MonkeyPatch.context() as patch:
        for name in set(os.environ) - set(env):
            patch.delenv(name)
        for name, value in env.items():
            patch.setenv(name, value)
        endpoints.forget_machines()
        yield patch
    endpoints.forget_machines()


def wait_for_engines() -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    for machine in HOSTS:
        while True:
            try:
                endpoints.forget_machines()
                assert endpoints.client_for(machine).ping()
                break
            except (DnlabError, docker.errors.DockerException):
                assert time.monotonic() < deadline, f"{machine} did not answer over ssh"
                time.sleep(1)


def hosts_hold_nothing_of_dnlabs() -> None:
    for machine in HOSTS:
        api = endpoints.client_for(machine).api
        assert api.info()["Swarm"]["LocalNodeState"] == "inactive", machine
        where = labels.lab_filter()
        assert not api.containers(all=True, filters=where), machine
        assert not api.networks(filters=where) and not api.volumes(filters=where).get("Volumes"), machine
        assert "alpine:latest" in {tag for image in api.images() for tag in image.get("RepoTags") or []}, machine


def terminal_over_ssh(machine: str) -> None:
    """`exec -it`'s terminal on a host: the exec's hijacked socket, carried by dial-stdio like any request."""
    lab = begin("real-hosts-test").on(machine)
    shell = lab.api.create_container("alpine:latest", "sh", name="shell-over-ssh", tty=True, stdin_open=True)
    lab.api.start(shell["Id"])
    try:
        session = starter(lab, "shell-over-ssh", ["/bin/sh"], None, None)(24, 80)
        session.sock.sendall(b"echo over-$((6*7))\nexit 3\n")
        seen = session.early
        while b"over-42" not in seen and (data := session.sock.recv(4096)):
            seen += data
        assert b"over-42" in seen and session.exit_code() == 3, seen
        session.sock.close()
    finally:
        dnlab.cleanup(lab="real-hosts-test", machine=machine)


def listening_on_22(api: docker.APIClient, name: str) -> list[str]:
    """The addresses the host listens on port 22 at, from its /proc/net/tcp and tcp6."""
    run = api.exec_create(name, ["sh", "-c", "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null"])
    found = []
    for line in api.exec_start(run["Id"]).decode().splitlines()[1:]:
        fields = line.split()
        if len(fields) > 3 and fields[3] == "0A" and fields[1].endswith(":0016"):  # LISTEN, port 22
            raw = fields[1].split(":")[0]
            found.append(".".join(str(int(raw[i:i + 2], 16)) for i in (6, 4, 2, 0)) if len(raw) == 8 else raw)
    return found


@pytest.fixture(scope="module")
def prepared(client):
    """The lab-machine image and alpine:latest on the engine (a first build reads the Debian mirror,
    before the test and its egress watch start)."""
    images.prepare(client, [node_image(), "alpine:latest"], progress=False)
    return client


def test_exercise_6_04_runs_on_two_real_hosts_reached_over_ssh(prepared):
    api = prepared.api
    started = time.monotonic()
    remove_leftovers(api)
    before = snapshot(api)
    directory = Path(tempfile.mkdtemp(prefix="dnlab-ssh-"))  # 0700, root's
    assert (directory.stat().st_mode & 0o777) == 0o700
    try:
        ipam = docker.types.IPAMConfig(pool_configs=[docker.types.IPAMPool(subnet=SUBNET, gateway="10.212.0.1")])
        api.create_network(NETWORK, driver="bridge", ipam=ipam, labels=HOST_LABELS)
        public_key = make_key(directory)
        for machine, (name, address) in HOSTS.items():
            start_host(api, name, machine, address, public_key)
        env = ssh_environment(directory, api)
        with environment(env) as patch:
            wait_for_engines()
            for machine, (name, address) in HOSTS.items():
                attrs = api.inspect_container(name)
                assert [(m["Type"], m["Destination"]) for m in attrs["Mounts"]] == [("volume", "/var/lib/docker")]
                assert listening_on_22(api, name) == [address], "the ssh server listens on the host's address only"
            refused = subprocess.run(["ssh", "-o", "BatchMode=yes", "-o", "PreferredAuthentications=password",
                                      "-o", "PasswordAuthentication=yes", "root@10.212.0.11", "true"],
                                     capture_output=True, text=True, env=env)
            assert refused.returncode == 255 and "Permission denied (publickey)" in refused.stderr, refused.stderr

            notebook = nbformat.read(NOTEBOOK, as_version=4)
            NotebookClient(notebook, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute(env=env)
            terminal_over_ssh("machine2")
            hosts_hold_nothing_of_dnlabs()

            with pytest.raises(DnlabError, match=r"^DNLAB_MACHINES names no machine3 \(it lists machine1, machine2\)"):
                dnlab.machines.up(3)
            patch.setenv("DNLAB_MACHINES", f"{MACHINES},machine9=ssh://root@{UNREACHABLE}")
            with pytest.raises(EngineUnavailable) as unreachable:
                endpoints.client_for("machine9")
            said = f"ssh to ssh://root@{UNREACHABLE} failed: ssh: connect to host {UNREACHABLE} port 22: "
            assert str(unreachable.value).startswith(said), unreachable.value
            assert "\n" not in str(unreachable.value) and "ssh-copy-id root@10.212.0.99" in unreachable.value.fix
            name2 = HOSTS["machine2"][0]
            moved = api.exec_create(name2, ["mv", "/usr/bin/docker", "/usr/bin/docker.away"])["Id"]
            api.exec_start(moved)
            assert api.exec_inspect(moved)["ExitCode"] == 0
            endpoints.forget_machines()
            with pytest.raises(EngineUnavailable, match=r"^ssh://root@10.212.0.12 has no docker CLI, which dnlab "
                                                         r"runs there for `docker system dial-stdio` \(.*not found\)\."):
                endpoints.client_for("machine2")
    finally:
        remove_leftovers(api)
        shutil.rmtree(directory, ignore_errors=True)
    print(f"\ndnlab: Exercise 6.04 on two real hosts over ssh, in {time.monotonic() - started:.0f} s")
    after = snapshot(api)
    assert after == before, {key: sorted(set(after[key]) ^ set(before[key])) for key in before if after[key] != before[key]}
