"""dnlab/mesh, the course's own network driver plugin, on two real lab machines in a swarm:
installed through `%dnet`, networks and endpoints made and removed again and again, traffic
across the machines, and nothing left behind on either machine."""
from __future__ import annotations

import json

import pytest
from IPython.core.interactiveshell import InteractiveShell

import dnlab
from dnlab import checks, lab
from dnlab.machines import container_name, underlay_ip
from IPython.core.error import UsageError

from dnlab.plugins import MESH
from dnlab.views.results import PluginInspect, PluginInstall

from .conftest import TEST_LAB

MACHINES = ("machine1", "machine2")
SUBNET = "10.216.0.0/24"


def on_machine(machine: str, command: str):
    shell = InteractiveShell.instance()
    shell.extension_manager.load_extension("dnlab")
    return shell.run_line_magic("dnet", f"--on {machine} {command}")


def leftovers(machine: str) -> dict[str, list[str]]:
    """What dnlab/mesh builds on a machine: its links (bridges, VXLAN devices, veths) and iptables rules."""
    node = lab.current().on(None).client.containers.get(container_name(machine))
    links = json.loads(node.exec_run(["ip", "-j", "link", "show"]).output)
    rules = node.exec_run(["iptables", "-S", "FORWARD"]).output.decode().splitlines()
    return {"links": [link["ifname"] for link in links if link["ifname"].startswith(("mbr-", "mvx-", "mve-"))],
            "rules": [rule for rule in rules if "dnlab/mesh" in rule]}


@pytest.fixture(scope="module")
def mesh_swarm(client):
    """machine1 (manager) and machine2 (worker), fresh, with dnlab/mesh installed on both."""
    dnlab.machines.down()
    dnlab.machines.up(2)
    dnlab.start_lab(TEST_LAB)
    on_machine("machine1", f"swarm init --advertise-addr {underlay_ip('machine1')}")
    token = on_machine("machine1", "swarm join-token -q worker").text
    on_machine("machine2", f"swarm join --token {token} {underlay_ip('machine1')}:2377")
    for machine in MACHINES:
        on_machine(machine, f"plugin install --grant-all-permissions {MESH.reference}")
    assert checks.eventually(lambda: f"Network/{MESH.reference}" in checks.node_plugins("machine2", on="machine1"),
                             timeout_s=60)
    yield
    dnlab.machines.down()


def test_plugins_are_never_changed_on_the_engine_the_notebook_uses(dnet, client):
    before = client.api.plugins()
    for line in (f"plugin install --grant-all-permissions {MESH.reference}", "plugin create x /tmp",
                 "plugin enable x", "plugin disable x", "plugin rm x"):
        with pytest.raises(UsageError, match="plugins on your own engine: plugins carry no labels"):
            dnet(line)
    assert client.api.plugins() == before
    assert list(dnet("plugin ls").columns) == ["ID", "NAME", "DESCRIPTION", "ENABLED"]


def test_install_lists_the_privileges_and_needs_them_granted(mesh_swarm):
    with pytest.raises(UsageError, match=r"asks for these privileges: network: \[host\]; capabilities: "
                                        r"\[CAP_NET_ADMIN\]\..*--grant-all-permissions"):
        on_machine("machine1", f"plugin install --alias other/mesh {MESH.reference}")
    names = set(on_machine("machine1", "plugin ls")["NAME"])
    assert names == {MESH.reference}


def test_offline_weave_net_explains_the_course_driver(mesh_swarm):
    with pytest.raises(UsageError, match=f"No registry answered.*plugin install --grant-all-permissions {MESH.reference}"):
        on_machine("machine1", "plugin install --grant-all-permissions weaveworks/net-plugin:latest_release")


def test_installed_plugin_is_listed_and_inspected_on_both_machines(mesh_swarm):
    for machine in MACHINES:
        listed = on_machine(machine, "plugin ls").set_index("NAME")
        assert bool(listed.loc[MESH.reference, "ENABLED"]) is True
        about = on_machine(machine, f"plugin inspect {MESH.reference}")
        assert isinstance(about, PluginInspect)
        settings = dict(about.df.itertuples(index=False))
        assert settings["Implements"] == "docker.networkdriver/1.0" and settings["Network"] == "host"
        assert settings["Capabilities"] == "CAP_NET_ADMIN" and settings["Socket"].endswith("mesh.sock")


def test_networks_and_endpoints_come_and_go_leaving_nothing_behind(mesh_swarm):
    for round_ in range(3):
        on_machine("machine1", f"network create -d {MESH.reference} --attachable --subnet {SUBNET} meshtest")
        names = [f"mesh-{machine}-{round_}" for machine in MACHINES]
        for machine, name in zip(MACHINES, names):
            on_machine(machine, f"run -d -t --name {name} --network meshtest alpine:latest")
        address2 = checks.ip(names[1], "meshtest", on="machine2")
        across = checks.ping(names[0], address2, on="machine1")
        assert across.ok, across
        seen = checks.interfaces(names[0], on="machine1").set_index("INTERFACE")
        assert seen.loc["ethmesh0", "IPV4"].startswith("10.216.0."), seen
        assert all(leftovers(machine)["links"] for machine in MACHINES), "the driver built nothing?"
        for machine, name in zip(MACHINES, names):
            on_machine(machine, f"rm -f {name}")
        assert checks.eventually(lambda: _gone_after_tasks("meshtest"), timeout_s=60)
        assert checks.eventually(lambda: all(leftovers(m) == {"links": [], "rules": []} for m in MACHINES),
                                 timeout_s=30), {m: leftovers(m) for m in MACHINES}


def test_a_task_on_each_machine_pings_the_other_by_name(mesh_swarm):
    on_machine("machine1", f"network create -d {MESH.reference} --subnet {SUBNET} meshsvc")
    try:
        for index, machine in enumerate(MACHINES, start=1):
            on_machine("machine1", f"service create -t --network meshsvc --endpoint-mode dnsrr "
                                   f"--constraint node.hostname=={machine} --name mesh{index} alpine:latest")
        task1 = checks.task_container("mesh1", on="machine1")
        task2 = checks.task_container("mesh2", on="machine2")
        assert checks.ping(task1, "mesh2", on="machine1").ok and checks.ping(task2, task1, on="machine2").ok
    finally:
        on_machine("machine1", "service rm mesh1 mesh2")
        assert checks.eventually(lambda: _gone_after_tasks("meshsvc"), timeout_s=60)
    assert checks.eventually(lambda: all(leftovers(m) == {"links": [], "rules": []} for m in MACHINES),
                             timeout_s=30), {m: leftovers(m) for m in MACHINES}


def _gone_after_tasks(network: str) -> bool:
    try:
        on_machine("machine1", f"network rm {network}")
    except UsageError:
        return False
    return True


def test_disable_and_remove_on_both_machines(mesh_swarm):
    for machine in MACHINES:
        assert repr(on_machine(machine, f"plugin disable {MESH.reference}")) == MESH.reference
        assert repr(on_machine(machine, f"plugin rm {MESH.reference}")) == MESH.reference
        assert on_machine(machine, "plugin ls").empty
    reinstalled = on_machine("machine1", f"plugin install --grant-all-permissions {MESH.reference}")
    assert isinstance(reinstalled, PluginInstall) and reinstalled.enabled
