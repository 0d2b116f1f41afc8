"""The swarm CLI's further forms on a real two-machine swarm: `swarm init --listen-addr
--default-addr-pool`, `swarm join --advertise-addr`, `node ls`/`node inspect` (--filter, -q, --format),
`service create -p`, `service update` and `service scale`.

One swarm for the whole module: machine1 (the manager) and machine2 (a worker), joined with the
addresses the notebook gives them. Never on the engine the tests run against.
"""
from __future__ import annotations

import ipaddress
from types import SimpleNamespace

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

import dnlab
from dnlab import lab
from dnlab.host import HOST, has_ipvs, probe
from dnlab.machines import underlay_ip
from dnlab.views.results import NodeInspect

from .conftest import TEST_LAB
from .test_swarm import _leave

OVERLAYS = ("10.218.0.0/24", "10.219.0.0/24")
POOL = "10.230.0.0/16"  # the swarm's own default address pool: ingress and overlays without --subnet
# busybox httpd answers "hello" on port 80; the shell ends at once on SIGTERM (an update stops tasks).
# (This busybox's wget crashes with -T, so `timeout` bounds it.)
SERVE = "sh -c 'echo hello > /tmp/index.html; trap \"exit 0\" TERM; httpd -p 80 -h /tmp; while sleep 1; do :; done'"


@pytest.fixture(scope="module")
def swarm2(client):
    """machine1 manages a swarm that machine2 joined as a worker, both at their underlay addresses."""
    dnlab.machines.up(2)
    for machine in ("machine1", "machine2"):
        _leave(machine)
    shell = InteractiveShell.instance()
    shell.extension_manager.load_extension("dnlab")
    dnlab.start_lab(TEST_LAB)
    a1, a2 = underlay_ip("machine1"), underlay_ip("machine2")
    init = shell.run_line_magic("dnet", f"--on machine1 swarm init --advertise-addr {a1} --listen-addr {a1}:2377 "
                                        f"--default-addr-pool {POOL} --default-addr-pool-mask-length 26")
    # the flags before the manager's address, in the order Docker's docs write them
    joined = shell.run_line_magic("dnet", f"--on machine2 swarm join --token {init.join_token} "
                                          f"--advertise-addr {a2} {a1}:2377")
    yield SimpleNamespace(shell=shell, init=init, joined=joined, a1=a1, a2=a2)
    for machine in ("machine2", "machine1"):
        _leave(machine)
    dnlab.machines.down()


@pytest.fixture
def on1(swarm2):
    """Run a %%dnet cell on machine1, the manager, in the test lab; the lab's things go after."""
    dnlab.start_lab(TEST_LAB)
    yield lambda cell: swarm2.shell.run_cell_magic("dnet", "--on machine1", cell)
    dnlab.cleanup(lab=TEST_LAB, machine="machine1")


def test_join_with_advertise_addr_and_node_inspect(swarm2):
    assert repr(swarm2.joined) == "This node joined a swarm as a worker."
    dnet = swarm2.shell.run_line_magic
    assert len(dnet("dnet", "--on machine1 node ls")) == 2
    me = dnet("dnet", "--on machine1 node inspect self")
    assert isinstance(me, NodeInspect) and me.attrs["ID"] == swarm2.init.node_id
    assert (me.role, me.availability, me.state, me.address) == ("manager", "active", "ready", swarm2.a1)
    assert me.df.loc[0, ["HOSTNAME", "ROLE", "MANAGER STATUS"]].tolist() == ["machine1", "Manager", "Leader"]
    assert me.attrs["ManagerStatus"]["Addr"] == f"{swarm2.a1}:2377"  # --listen-addr and --advertise-addr
    worker = dnet("dnet", "--on machine1 node inspect --pretty machine2")
    lines = repr(worker).splitlines()
    assert f" Address:               {swarm2.a2}" in lines and "Manager Status:" not in lines
    assert worker.role == "worker" and lines[1] == "Hostname:               machine2"
    with pytest.raises(UsageError, match="machine2 is a worker: run it on the manager"):
        dnet("dnet", "--on machine2 node inspect self")


def test_node_ls_and_inspect_as_dockers_docs_write_them(swarm2):
    dnet = swarm2.shell.run_line_magic
    managers = dnet("dnet", "--on machine1 node ls --filter role=manager")
    assert managers["HOSTNAME"].tolist() == ["machine1"]
    assert dnet("dnet", "--on machine1 node ls -f role=worker -q").text == \
        lab.current().on("machine2").client.info()["Swarm"]["NodeID"]
    listed = dnet("dnet", "--on machine1 node ls --format '{{.Hostname}} {{.ManagerStatus}} {{.Self}}'")
    assert listed.text.splitlines() == ["machine1 Leader true", "machine2  false"]
    assert dnet("dnet", "--on machine1 node inspect --format '{{ .ManagerStatus.Leader }}' self").text == "true"
    pretty = dnet("dnet", "--on machine1 node inspect --format=pretty self")
    assert isinstance(pretty, NodeInspect) and repr(pretty).splitlines()[1] == "Hostname:               machine1"


def test_swarm_init_default_addr_pool(swarm2):
    api = lab.current().on("machine1").client.api
    seen = api.inspect_swarm()
    assert (seen["DefaultAddrPool"], seen["SubnetSize"]) == ([POOL], 26)
    [ingress] = [n for n in api.networks() if n.get("Ingress")]
    [config] = api.inspect_network(ingress["Id"])["IPAM"]["Config"]
    assert ipaddress.ip_network(config["Subnet"]).subnet_of(ipaddress.ip_network(POOL))


def test_publish_update_and_scale(on1, swarm2):
    on1(f"network create -d overlay --subnet {OVERLAYS[0]} ovA\nnetwork create -d overlay --subnet {OVERLAYS[1]} ovB")
    out = repr(on1(f"service create --name web --network ovA -p 8080:80 --replicas 2 alpine:latest {SERVE}"))
    note = [line for line in out.splitlines() if "IPVS" in line]
    if has_ipvs() is False:  # the create happens, and says in one line what will not answer
        assert len(note) == 1 and "routing mesh" in note[0] and "mode=host" in note[0]
    else:
        assert note == []
    assert out.endswith("verify: Service converged")
    assert on1("service ls").set_index("NAME").loc["web", "PORTS"] == "*:8080->80/tcp"
    api = lab.current().on("machine1").client.api
    ov_b = api.inspect_network("ovB")["Id"]

    out = repr(on1("service update --network-add ovB --network-rm ovA --publish-add published=8081,target=80 "
                   "--publish-rm 80 --env-add WORD=bye --replicas 3 web"))
    assert out.splitlines()[0] == "web"
    assert out.splitlines()[-5:] == ["overall progress: 3 out of 3 tasks", "1/3: running", "2/3: running",
                                     "3/3: running", "verify: Service converged"]
    spec = on1("service inspect web").attrs["Spec"]
    assert spec["EndpointSpec"]["Ports"] == [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8081,
                                              "PublishMode": "ingress"}]
    assert [n["Target"] for n in spec["TaskTemplate"]["Networks"]] == [ov_b]
    assert "WORD=bye" in spec["TaskTemplate"]["ContainerSpec"]["Env"] and spec["Mode"]["Replicated"]["Replicas"] == 3
    assert spec["Labels"]["dnlab.lab"] == TEST_LAB == spec["TaskTemplate"]["ContainerSpec"]["Labels"]["dnlab.lab"]
    tasks = on1("service ps web")
    running = tasks[tasks["DESIRED STATE"] == "Running"]
    assert len(running) == 3 and set(running["NODE"]) == {"machine1", "machine2"}

    assert on1("service scale web=1").text == "web scaled to 1"
    assert on1("service ls").set_index("NAME").loc["web", "REPLICAS"] == "1/1"
    assert on1("service update -d --env-add X=1 web").text == "web"


def test_a_port_published_in_host_mode_answers_on_the_tasks_machine(on1, swarm2):
    out = repr(on1("service create --name hweb --constraint node.hostname==machine2 "
                   f"-p published=8082,target=80,mode=host alpine:latest {SERVE}"))
    assert "IPVS" not in out  # host mode needs no routing mesh
    assert on1("service ls").set_index("NAME").loc["hweb", "PORTS"] == ""  # as the CLI: only the mesh's ports
    answer = probe(HOST, ["timeout", "5", "wget", "-qO-", f"http://{swarm2.a2}:8082/"], on="machine2")
    assert (answer.exit_code, answer.output) == (0, "hello\n")


def test_update_and_scale_refusals(on1):
    from docker.types import ContainerSpec, TaskTemplate

    on1(f"network create -d overlay --subnet {OVERLAYS[0]} ovA\n"
        "service create -d --name mine --network ovA alpine:latest sleep 600")
    with pytest.raises(UsageError, match="service is already attached to network ovA"):
        on1("service update --network-add ovA mine")
    with pytest.raises(UsageError, match="'mine' is not SERVICE=REPLICAS"):
        on1("service scale mine")
    with pytest.raises(UsageError, match="line 1: --publish-add: '8080:http' is not a port"):
        on1("service update --publish-add 8080:http mine")
    with pytest.raises(UsageError, match="line 2: services: 'mine=two': the number of replicas is a whole number"):
        on1("service update --env-add X=1 mine\nservice scale mine=two")  # so the first line does not run either
    api = lab.current().on("machine1").client.api
    assert "X=1" not in (api.inspect_service("mine")["Spec"]["TaskTemplate"]["ContainerSpec"].get("Env") or [])
    with pytest.raises(UsageError, match=r"service nosuch not found.*`service ls` lists"):
        on1("service scale nosuch=2")
    theirs = api.create_service(TaskTemplate(ContainerSpec("alpine:latest", args=["sleep", "600"])), name="theirs")
    try:
        for line in ("service update --replicas 2 theirs", "service scale mine=2 theirs=2"):
            with pytest.raises(UsageError, match="service theirs was not created by dnlab"):
                on1(line)
        assert api.inspect_service("theirs")["Version"] == api.inspect_service(theirs["ID"])["Version"]
        assert api.inspect_service("mine")["Spec"]["Mode"]["Replicated"]["Replicas"] == 1  # checked before any change
    finally:
        api.remove_service(theirs["ID"])
