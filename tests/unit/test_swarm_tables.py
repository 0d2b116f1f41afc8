"""Swarm tables and results from a real single-node swarm's answers (Docker 20.10), recorded once:
services web (2 replicas, -t, dnsrr), vipsvc (vip), exits (its command ends), nowhere and
nowhere2 (constraints no node meets) and bridged, on the overlay network recnet."""
import json
from pathlib import Path

import pytest

from dnlab.commands.service import _latest_per_slot, _log_line, _not_converged
from dnlab.commands.swarm import manager_address, with_port
from dnlab.engine import facts
from dnlab.views import tables
from dnlab.views.results import CommandHeader, ServiceInspect, SwarmInit, SystemInfo

RECORDED = Path(__file__).parent / "recorded"
RECNET = "nlg9wzcotpeo9kios0e090rpl"
NOW = facts.parse_time("2026-11-27T20:14:13Z")  # ten seconds after the last recorded task change


def recorded(name: str):
    return json.loads((RECORDED / f"{name}.json").read_text())


def test_info_shows_the_swarm_part_like_the_cli():
    seen = SystemInfo(recorded("swarm_info_manager"))
    rows = dict(seen.df.itertuples(index=False))
    assert list(seen.df.columns) == ["FIELD", "VALUE"]
    assert list(rows)[:9] == ["Swarm", "NodeID", "Is Manager", "ClusterID", "Managers", "Nodes",
                              "Default Address Pool", "SubnetSize", "Data Path Port"]
    assert (rows["Swarm"], rows["Is Manager"], rows["Managers"], rows["Nodes"]) == ("active", "true", "1", "1")
    assert (rows["Default Address Pool"], rows["SubnetSize"], rows["Data Path Port"]) == ("10.0.0.0/8", "24", "4789")
    assert rows["NodeID"] == "gguml4psi5pi3lzf47seuatn7" and rows["Node Address"] == "192.0.2.2"
    assert seen.swarm == "active" and seen.attrs["Swarm"]["Cluster"]["ID"] == rows["ClusterID"]
    assert "\n Swarm: active\n  NodeID: gguml4psi5pi3lzf47seuatn7\n  Is Manager: true" in repr(seen)
    assert "<table" in seen._repr_html_()


def test_info_of_an_engine_in_no_swarm_has_one_row():
    seen = SystemInfo(recorded("swarm_info_inactive"))
    assert seen.df.values.tolist() == [["Swarm", "inactive"]] and seen.swarm == "inactive"


def test_a_worker_shows_no_cluster_fields():
    info = recorded("swarm_info_manager")
    info["Swarm"].update(ControlAvailable=False, Cluster=None)
    rows = dict(tables.swarm_rows(info))
    assert rows["Is Manager"] == "false" and "ClusterID" not in rows and "Managers" not in rows


def test_node_ls_marks_this_node_and_names_the_leader():
    df = tables.nodes_table(recorded("swarm_nodes"), self_id="gguml4psi5pi3lzf47seuatn7")
    assert df.index.name == "ID"
    assert list(df.columns) == ["HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"]
    assert df.loc["gguml4psi5pi3lzf47seuatn7 *"].tolist() == ["vm", "Ready", "Active", "Leader", "20.10.24+dfsg1"]
    assert list(tables.nodes_table(recorded("swarm_nodes")).index) == ["gguml4psi5pi3lzf47seuatn7"]


def test_node_ls_of_a_worker_and_a_reachable_manager():
    [node] = recorded("swarm_nodes")
    worker = {**node, "ID": "w" * 25, "ManagerStatus": None, "Description": {**node["Description"], "Hostname": "m2"}}
    other = {**node, "ID": "r" * 25, "ManagerStatus": {"Reachability": "reachable"},
             "Description": {**node["Description"], "Hostname": "m3"}}
    df = tables.nodes_table([other, worker, node])
    assert list(df["HOSTNAME"]) == ["m2", "m3", "vm"]
    assert list(df["MANAGER STATUS"]) == ["", "Reachable", "Leader"]


def test_service_ls_counts_replicas_like_the_cli():
    df = tables.services_table(recorded("swarm_services"))
    assert df.index.name == "ID" and list(df.columns) == ["NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"]
    assert list(df["NAME"]) == sorted(df["NAME"])
    rows = df.set_index("NAME")
    assert rows.loc["web"].tolist() == ["replicated", "2/2", "alpine:latest", ""]
    assert rows.loc["exits", "REPLICAS"] == "0/1" and rows.loc["nowhere", "REPLICAS"] == "0/1"
    assert all(len(i) == 12 for i in df.index)


def test_service_ls_without_the_engines_counts_counts_the_tasks():
    services = [{k: v for k, v in s.items() if k != "ServiceStatus"} for s in recorded("swarm_services")]
    rows = tables.services_table(services, recorded("swarm_tasks")).set_index("NAME")
    assert (rows.loc["web", "REPLICAS"], rows.loc["exits", "REPLICAS"]) == ("2/2", "0/1")


def test_service_ports_column():
    service = {"Endpoint": {"Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080}]}}
    assert tables.format_service_ports(service) == "*:8080->80/tcp"


def _names():
    return {s["ID"]: s["Spec"]["Name"] for s in recorded("swarm_services")}


def test_service_ps_has_the_clis_columns_and_history():
    nodes = {"gguml4psi5pi3lzf47seuatn7": "vm"}
    df = tables.tasks_table(recorded("swarm_tasks"), _names(), nodes, now=NOW)
    assert df.index.name == "ID"
    assert list(df.columns) == ["NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR"]
    exits = df[df["NAME"].str.endswith("exits.1")]
    assert list(exits["NAME"]) == ["exits.1"] + [" \\_ exits.1"] * 4  # newest first, history indented
    assert exits.iloc[0].tolist()[1:5] == ["alpine:latest", "vm", "Running", "Ready 8 seconds ago"]
    assert set(exits.iloc[1:]["DESIRED STATE"]) == {"Shutdown"}
    assert exits.iloc[1]["CURRENT STATE"] == "Complete 9 seconds ago"
    web = df[df["NAME"].str.startswith("web.")]
    assert list(web["NAME"]) == ["web.1", "web.2"] and set(web["CURRENT STATE"]) == {"Running 44 seconds ago"}
    pending = df[df["NAME"] == "nowhere.1"].iloc[0]
    assert pending["NODE"] == "" and pending["ERROR"] == '"no suitable node (scheduling constraints not satisfied on 1 node)"'


def test_engine_times_with_nanoseconds_and_the_zero_time():
    assert facts.parse_time("2026-11-27T20:13:28.587021839Z") == pytest.approx(facts.parse_time("2026-11-27T20:13:28Z") + 0.587021)
    assert facts.parse_time("0001-01-01T00:00:00Z") is None


def test_service_inspect_of_a_dnsrr_service_has_no_virtual_ip():
    seen = ServiceInspect(recorded("service_inspect_web"), {RECNET: "recnet"})
    assert seen.endpoint_mode == "dnsrr"
    assert seen.df.loc[0, ["NAME", "MODE", "REPLICAS", "IMAGE", "ENDPOINT MODE", "NETWORK", "VIRTUAL IP"]].tolist() == [
        "web", "replicated", 2, "alpine:latest", "dnsrr", "recnet", ""]
    assert "no virtual IP" in seen.headline
    assert seen.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]["TTY"] is True
    assert seen.attrs["Spec"]["TaskTemplate"]["ContainerSpec"]["Labels"]["dnlab.lab"] == "swarm-record"


def test_service_inspect_of_a_vip_service_has_one_per_network():
    seen = ServiceInspect(recorded("service_inspect_vipsvc"), {RECNET: "recnet"})
    assert seen.endpoint_mode == "vip"
    assert seen.df.loc[0, ["NETWORK", "VIRTUAL IP"]].tolist() == ["recnet", "10.213.0.5/24"]
    assert "10.213.0.5/24" in repr(seen) and "<table" in seen._repr_html_()
    assert ServiceInspect(recorded("service_inspect_vipsvc")).df.loc[0, "NETWORK"] == RECNET[:12]


def test_swarm_init_prints_like_the_cli():
    seen = SwarmInit("gguml4psi5pi3lzf47seuatn7", "SWMTKN-1-abc", "10.210.0.2")
    text = repr(seen)
    assert text.startswith("Swarm initialized: current node (gguml4psi5pi3lzf47seuatn7) is now a manager.")
    assert "    docker swarm join --token SWMTKN-1-abc 10.210.0.2:2377\n" in text
    assert (seen.join_token, seen.address) == ("SWMTKN-1-abc", "10.210.0.2")


def test_the_managers_address_comes_from_info():
    assert manager_address(recorded("swarm_info_manager")) == ("192.0.2.2", 2377)
    assert with_port("10.210.0.2") == "10.210.0.2:2377" and with_port("10.210.0.2:4000") == "10.210.0.2:4000"
    assert with_port("fd00::2") == "[fd00::2]:2377" and with_port("[fd00::2]:2377") == "[fd00::2]:2377"


def test_a_service_that_does_not_converge_says_why_in_one_line():
    tasks = [t for t in recorded("swarm_tasks") if _names()[t["ServiceID"]] == "exits"]
    assert len(_latest_per_slot(tasks)) == 1
    err = _not_converged("exits", tasks, 0, 1, "its tasks keep ending")
    assert str(err).startswith("service exits: its tasks keep ending, 0/1 running (exits.1: ready).")
    assert "sleep 3600" in str(err) and "\n" not in str(err)
    pending = [t for t in recorded("swarm_tasks") if _names()[t["ServiceID"]] == "nowhere"]
    assert "nowhere.1: pending (no suitable node" in str(_not_converged("nowhere", pending, 0, 1, "x"))


def test_service_logs_lines_name_their_task_and_node():
    tasks = {"ze9kf2qh4y6qabcdefghijklm": {"Slot": 1}}
    line = ("com.docker.swarm.node.id=gguml4psi5pi3lzf47seuatn7,com.docker.swarm.service.id=4a9n,"
            "com.docker.swarm.task.id=ze9kf2qh4y6qabcdefghijklm hello world")
    assert _log_line(line, "vipsvc", tasks, {"gguml4psi5pi3lzf47seuatn7": "vm"}) == \
        "vipsvc.1.ze9kf2qh4y6q@vm    | hello world"
    assert _log_line("no details here", "vipsvc", tasks, {}) == "no details here"


def test_headers_name_the_machine():
    assert repr(CommandHeader("swarm init", "machine1")) == "machine1 $ docker swarm init"
    assert repr(CommandHeader("ps")) == "$ docker ps"
