"""Swarm mode on lab machines (`%%dnet --on machine1`): init, info, nodes, services, clean-up.

Never on the engine the tests run against: swarm membership only changes on dnlab's own lab
machines, which `dnlab.machines` provides.
"""
from __future__ import annotations

import time

import pytest
from IPython.core.interactiveshell import InteractiveShell

import dnlab
from dnlab import lab
from IPython.core.error import UsageError

from dnlab.views.results import ServiceInspect, SwarmInit, SystemInfo

from .conftest import TEST_LAB

OVERLAY = "10.215.0.0/24"


def _leave(name: str) -> None:
    """Take lab machine ``name`` out of any swarm, whatever an earlier run left."""
    client = lab.current().on(name).client
    if client.info()["Swarm"]["LocalNodeState"] != "inactive":
        client.api.leave_swarm(force=True)


@pytest.fixture(scope="module")
def machine1(client):
    """Lab machine machine1, in no swarm; it leaves whatever swarm the tests made."""
    dnlab.machines.up(1)
    _leave("machine1")
    yield "machine1"
    dnlab.machines.down()


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    shell.extension_manager.load_extension("dnlab")
    return shell


@pytest.fixture(scope="module")
def swarm(machine1):
    """machine1 as the manager of a one-node swarm (what `swarm init` returned)."""
    shell = InteractiveShell.instance()
    shell.extension_manager.load_extension("dnlab")
    dnlab.start_lab(TEST_LAB)
    return shell.run_line_magic("dnet", f"--on {machine1} swarm init")


@pytest.fixture
def on1(shell, swarm):
    """Run a %%dnet cell on machine1 (a swarm manager), in the test lab; the lab's things go after."""
    dnlab.start_lab(TEST_LAB)
    yield lambda cell: shell.run_cell_magic("dnet", "--on machine1", cell)
    dnlab.cleanup(lab=TEST_LAB, machine="machine1")


def test_membership_never_changes_on_the_engine_the_notebook_uses(dnet, client):
    before = client.info()["Swarm"]["LocalNodeState"]
    for line in ("swarm init", "swarm join --token SWMTKN-1-x 10.215.0.2:2377", "swarm leave -f"):
        with pytest.raises(UsageError, match="dnlab never initialises, joins or leaves a swarm on your own "
                                            "engine; run it on a lab machine: %%dnet --on machine1"):
            dnet(line)
    assert client.info()["Swarm"]["LocalNodeState"] == before


def test_init_info_node_ls_and_join_token(swarm, shell):
    assert isinstance(swarm, SwarmInit)
    assert repr(swarm).startswith(f"Swarm initialized: current node ({swarm.node_id}) is now a manager.")
    assert swarm.join_token.startswith("SWMTKN-1-") and swarm.address and swarm.port == 2377
    assert f"docker swarm join --token {swarm.join_token} {swarm.address}:2377" in repr(swarm)
    info = shell.run_line_magic("dnet", "--on machine1 info")
    assert isinstance(info, SystemInfo)
    rows = dict(info.df.itertuples(index=False))
    assert (rows["Swarm"], rows["NodeID"], rows["Is Manager"], rows["Nodes"]) == ("active", swarm.node_id, "true", "1")
    assert rows["Node Address"] == swarm.address
    nodes = shell.run_line_magic("dnet", "--on machine1 node ls")
    assert list(nodes.index) == [f"{swarm.node_id} *"]
    assert nodes.iloc[0][["STATUS", "AVAILABILITY", "MANAGER STATUS"]].tolist() == ["Ready", "Active", "Leader"]
    # the notebook's way: token = %dnet --on machine1 swarm join-token -q worker, then {token.text}
    token = shell.run_line_magic("dnet", "--on machine1 swarm join-token -q worker")
    assert token.text == swarm.join_token
    assert "docker swarm join --token SWMTKN-1-" in repr(shell.run_line_magic("dnet", "--on machine1 swarm join-token manager"))


def test_a_second_init_and_a_leave_without_force_are_explained(swarm, shell):
    with pytest.raises(UsageError, match=r"machine1: line 1 .*already part of a swarm.*swarm leave --force"):
        shell.run_line_magic("dnet", "--on machine1 swarm init")
    with pytest.raises(UsageError, match="Use `--force`"):
        shell.run_line_magic("dnet", "--on machine1 swarm leave")


def test_dnsrr_service_converges_and_answers_by_name(on1):
    on1(f"network create -d overlay --attachable --subnet {OVERLAY} ovnet")
    out = repr(on1("service create -t --replicas 2 --name web --network ovnet --endpoint-mode dnsrr alpine:latest"))
    assert out.splitlines()[1:] == ["overall progress: 2 out of 2 tasks", "1/2: running", "2/2: running",
                                    "verify: Service converged"]
    listed = on1("service ls").set_index("NAME")
    assert listed.loc["web", ["MODE", "REPLICAS", "IMAGE"]].tolist() == ["replicated", "2/2", "alpine:latest"]
    tasks = on1("service ps web")
    assert list(tasks["NAME"]) == ["web.1", "web.2"] and set(tasks["DESIRED STATE"]) == {"Running"}
    assert all(tasks["NODE"]) and all(s.startswith("Running") for s in tasks["CURRENT STATE"])
    seen = on1("service inspect web")
    assert isinstance(seen, ServiceInspect) and seen.endpoint_mode == "dnsrr"
    assert seen.df.loc[0, ["NETWORK", "VIRTUAL IP"]].tolist() == ["ovnet", ""]
    assert seen.attrs["Spec"]["Labels"]["dnlab.lab"] == TEST_LAB
    api = lab.current().on("machine1").client.api
    containers = api.containers(filters={"label": "com.docker.swarm.service.name=web"})
    assert len(containers) == 2 and all(c["Labels"]["dnlab.lab"] == TEST_LAB for c in containers)
    task = containers[0]["Names"][0].lstrip("/")
    answer = on1(f"exec {task} nslookup web")
    assert answer.output.count(OVERLAY.rsplit(".", 1)[0]) >= 2, answer.output  # both tasks' own IPs
    assert on1(f"exec {task} ping -c 1 -W 2 web").ok
    assert on1("service rm web").text == "web"
    assert "web" not in set(on1("service ls")["NAME"])


def test_vip_service_has_a_virtual_ip_and_logs(on1):
    on1(f"network create -d overlay --subnet {OVERLAY} ovnet\n"
        "service create --name echo --network ovnet -e WORD=hello alpine:latest sh -c 'echo $WORD; sleep 3600'")
    seen = on1("service inspect echo")
    assert seen.endpoint_mode == "vip"
    network, vip = seen.df.loc[0, ["NETWORK", "VIRTUAL IP"]]
    assert network == "ovnet" and vip.startswith(OVERLAY.rsplit(".", 1)[0])
    deadline = time.monotonic() + 20
    while "hello" not in (logs := on1("service logs echo").text) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert logs.startswith("echo.1.") and logs.endswith("    | hello")


def test_detached_create_and_a_service_that_cannot_run(on1):
    assert len(on1("service create -d --name later alpine:latest sleep 600").text) == 25
    with pytest.raises(UsageError, match=r"service ends: its tasks keep ending, 0/1 running .*sleep 3600"):
        on1("service create --name ends alpine:latest true")
    with pytest.raises(UsageError, match="service nowhere: no node may run its tasks"):
        on1("service create --name nowhere --constraint node.labels.none==here alpine:latest sleep 600")


def test_a_service_dnlab_did_not_make_is_left_alone(on1):
    from docker.types import ContainerSpec, TaskTemplate

    api = lab.current().on("machine1").client.api
    theirs = api.create_service(TaskTemplate(ContainerSpec("alpine:latest", args=["sleep", "600"])), name="theirs")
    try:
        with pytest.raises(UsageError, match="service theirs was not created by dnlab"):
            on1("service rm theirs")
        dnlab.cleanup(lab=TEST_LAB, machine="machine1")
        assert api.inspect_service("theirs")["ID"] == theirs["ID"]
    finally:
        api.remove_service(theirs["ID"])


def test_cleanup_removes_services_before_their_network(on1):
    on1(f"network create -d overlay --subnet {OVERLAY} ovnet\n"
        "service create -t --name web --network ovnet alpine:latest")
    report = dnlab.cleanup(lab=TEST_LAB, machine="machine1")
    assert report.removed["services"] == ["web"] and report.removed["networks"] == ["ovnet"], report
    api = lab.current().on("machine1").client.api
    assert not api.services(filters={"label": f"dnlab.lab={TEST_LAB}"})
    assert not api.networks(filters={"label": f"dnlab.lab={TEST_LAB}"})


def test_a_second_machine_joins_with_the_token_the_notebook_way(swarm, shell):
    """The notebook's cells: the token and address flow from one machine to the next as Python values."""
    dnlab.machines.up(2)
    _leave("machine2")
    try:
        for cell in ("token = %dnet --on machine1 swarm join-token -q worker",
                     f"addr = {swarm.address!r}",
                     "joined = %dnet --on machine2 swarm join --token {token.text} {addr}:2377"):
            shell.run_cell(cell).raise_error()
        assert repr(shell.user_ns["joined"]) == "This node joined a swarm as a worker."
        nodes = shell.run_line_magic("dnet", "--on machine1 node ls")
        assert len(nodes) == 2 and sorted(nodes["MANAGER STATUS"]) == ["", "Leader"]
        with pytest.raises(UsageError, match="machine2 is a worker: run it on the manager"):
            shell.run_line_magic("dnet", "--on machine2 node ls")
    finally:
        _leave("machine2")
