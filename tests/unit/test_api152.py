"""Docker 29's answers (Engine API 1.52) replayed through every table, check and view: the answers in
recorded/api-1.52 have no top-level ``NetworkSettings.IPAddress``, ``Gateway``, ``MacAddress`` ... and
no ``Config.MacAddress`` (removed in 1.52), and network inspect carries ``Status`` (added in 1.52).

Every answer comes from a stand-in engine whose dicts record any read of a removed field (``[key]``,
``.get``, ``in``); each test ends by asserting that nothing read one, so code that still reads the old
fields fails here even where it would fall back to an empty cell."""
from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import docker
import pytest
import requests
from docker.errors import NotFound

import dnlab.lab
from dnlab import checks
from dnlab.checks import activities
from dnlab.checks import facts as check_facts
from dnlab.checks.reach import HttpGet, Ping
from dnlab.commands import container, network, node, service, swarm, system
from dnlab.engine import facts
from dnlab.errors import DnlabError
from dnlab.host.probe import ProbeRun
from dnlab.lab import Lab
from dnlab.parser import parse_cell
from dnlab.views import formats, panel, tables, topology
from dnlab.views.results import (ContainerInspect, Inspections, NetworkInspect, NodeInspect, ServiceInspect,
                                 SystemInfo)

RECORDED = Path(__file__).parent / "recorded" / "api-1.52"
# api/docs/CHANGELOG.md, "v1.52 API changes": gone from GET /containers/{id}/json and GET /info.
REMOVED_NETWORK_SETTINGS = frozenset({
    "Bridge", "HairpinMode", "LinkLocalIPv6Address", "LinkLocalIPv6PrefixLen", "SecondaryIPAddresses",
    "SecondaryIPv6Addresses", "EndpointID", "Gateway", "GlobalIPv6Address", "GlobalIPv6PrefixLen", "IPAddress",
    "IPPrefixLen", "IPv6Gateway", "MacAddress"})
REMOVED = {"NetworkSettings": REMOVED_NETWORK_SETTINGS, "Config": frozenset({"MacAddress"}),
           "HostConfig": frozenset({"KernelMemoryTCP"}),
           "info": frozenset({"KernelMemoryTCP", "BridgeNfIptables", "BridgeNfIp6tables"})}  # the last two since 1.50
RECNET = "nlg9wzcotpeo9kios0e090rpl"
M1, M2 = "gguml4psi5pi3lzf47seuatn7", "p0kpd0by00ftn9dma9if389km"
VIPSVC_TASK, TREK_TASK = "vipsvc.1.ze9kf2qh4y6qfpy4ams7oslu2", "trekking-app.1.55ayld8uqe28vdojbjfbbdbj6"
NOW = facts.parse_time("2026-12-04T11:03:40Z")  # machine1's SystemTime in its GET /info


def recorded(name: str) -> Any:
    return json.loads((RECORDED / f"{name}.json").read_text())


def _values(given: str | list[str] | None) -> list[str]:
    """A filter's values: docker-py takes one string or a list."""
    return [given] if isinstance(given, str) else list(given or [])


class Guarded(dict):
    """A part of an answer that notes, in ``reads``, every read of a key API 1.52 no longer sends."""

    def __init__(self, data: dict, where: str, removed: frozenset[str], reads: list[str]) -> None:
        super().__init__(data)
        self.where, self.removed, self.reads = where, removed, reads

    def _note(self, key: object) -> None:
        if key in self.removed:
            self.reads.append(f"{self.where}.{key}")

    def __getitem__(self, key: object) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self._note(key)
        return super().__contains__(key)

    def get(self, key: object, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def pop(self, key: object, *default: Any) -> Any:
        self._note(key)
        return super().pop(key, *default)

    def setdefault(self, key: object, default: Any = None) -> Any:
        self._note(key)
        return super().setdefault(key, default)


class Engine:
    """One engine's recorded answers, served the way docker-py's ``APIClient`` serves them: each call
    gets a fresh copy, its containers' ``NetworkSettings``, ``Config`` and ``HostConfig`` guarded."""

    _version = "1.52"

    def __init__(self, name: str, reads: list[str]) -> None:
        self.name, self.reads = name, reads
        self._containers = recorded(f"containers_list_{name}")
        self._inspected = recorded(f"container_inspect_{name}")
        self._networks = recorded(f"networks_list_{name}")
        self._network_inspected = recorded(f"network_inspect_{name}")
        self.waited: list[str] = []

    def _guard(self, container: dict) -> dict:
        out = copy.deepcopy(container)
        for key in ("NetworkSettings", "Config", "HostConfig"):
            if isinstance(out.get(key), dict):
                out[key] = Guarded(out[key], key, REMOVED[key], self.reads)
        return out

    def containers(self, all: bool = False, filters: dict | None = None, **_: Any) -> list[dict]:
        wanted = dict(filters or {})
        labels = _values(wanted.pop("label", None))
        assert not wanted, f"the stand-in engine knows no filter {wanted}"
        found = [c for c in self._containers if all or c["State"] == "running"]
        for label in labels:
            key, _, value = label.partition("=")
            found = [c for c in found if key in c["Labels"] and (not value or c["Labels"][key] == value)]
        return [self._guard(c) for c in found]

    def inspect_container(self, name: str) -> dict:
        for c in self._inspected:
            if name in (c["Id"], c["Name"].lstrip("/")) or (len(name) >= 12 and c["Id"].startswith(name)):
                return self._guard(c)
        raise NotFound(f"No such container: {name}")

    def wait(self, container: str, timeout: float | None = None) -> dict:
        self.waited.append(container)
        return {"StatusCode": 0}

    def networks(self, names: list[str] | None = None, ids: list[str] | None = None,
                 filters: dict | None = None) -> list[dict]:
        wanted = dict(filters or {})
        drivers = _values(wanted.pop("driver", None))
        assert not wanted and not names and not ids, "the stand-in engine knows only the driver filter"
        return copy.deepcopy([n for n in self._networks if not drivers or n["Driver"] in drivers])

    def inspect_network(self, net_id: str, verbose: bool | None = None, scope: str | None = None) -> dict:
        for n in self._network_inspected:
            if net_id in (n["Id"], n["Name"]):
                return copy.deepcopy(n)
        raise NotFound(f"network {net_id} not found")


class Manager(Engine):
    """machine1, the swarm's manager: its services, tasks and nodes, and its GET /info."""

    def __init__(self, reads: list[str]) -> None:
        super().__init__("machine1", reads)
        self._services = recorded("services_list")
        self._tasks = recorded("tasks_list")
        self._nodes = recorded("nodes_list")

    def services(self, filters: dict | None = None, status: bool | None = None) -> list[dict]:
        names = _values((filters or {}).get("name"))
        found = [s for s in self._services if not names or any(n in s["Spec"]["Name"] for n in names)]
        return [s if status else {k: v for k, v in s.items() if k != "ServiceStatus"} for s in copy.deepcopy(found)]

    def inspect_service(self, name: str) -> dict:
        if name in ("vipsvc", "4a9nf16zm2k3tzmi3u34pzsyb"):
            return recorded("service_inspect_vipsvc")
        found = [s for s in self.services() if name in (s["ID"], s["Spec"]["Name"])]
        if not found:
            raise NotFound(f"service {name} not found")
        return found[0]

    def tasks(self, filters: dict | None = None) -> list[dict]:
        wanted = dict(filters or {})
        ids = {s["Spec"]["Name"]: s["ID"] for s in self._services}
        services = {ids.get(name, name) for name in _values(wanted.pop("service", None))}
        desired = _values(wanted.pop("desired-state", None))
        assert not wanted, f"the stand-in engine knows no filter {wanted}"
        return copy.deepcopy([t for t in self._tasks if (not services or t["ServiceID"] in services)
                              and (not desired or t["DesiredState"] in desired)])

    def nodes(self, filters: dict | None = None) -> list[dict]:
        assert not filters, "the stand-in engine knows no node filter"
        return copy.deepcopy(self._nodes)

    def inspect_node(self, node_id: str) -> dict:
        found = [n for n in self._nodes if node_id in (n["ID"], n["Description"]["Hostname"])]
        if not found:
            raise NotFound(f"node {node_id} not found")
        return copy.deepcopy(found[0])

    def version(self) -> dict:
        return recorded("version")

    def info(self) -> dict:
        return Guarded(recorded("info_machine1"), "info", REMOVED["info"], self.reads)


class Client:
    """docker-py's ``DockerClient``, as far as dnlab uses it: ``.api`` and ``.info()``."""

    def __init__(self, api: Engine) -> None:
        self.api = api

    def info(self) -> dict:
        assert isinstance(self.api, Manager), f"no GET /info recorded for the {self.api.name} engine"
        return self.api.info()


class StandInLab:
    """The lab `current()` gives: lab ``recording`` on the local engine, and lab machine machine1."""

    def __init__(self, engines: dict[str | None, Engine], name: str = "recording", machine: str | None = None) -> None:
        self.engines, self.name, self.machine = engines, name, machine

    @property
    def client(self) -> Client:
        return Client(self.engines[self.machine])

    @property
    def api(self) -> Engine:
        return self.engines[self.machine]

    def on(self, machine: str | None) -> StandInLab:
        return StandInLab(self.engines, self.name, machine)


@pytest.fixture
def reads() -> list[str]:
    """The removed fields read during a test: none, checked when it ends."""
    found: list[str] = []
    yield found
    assert found == [], f"read fields API 1.52 no longer sends: {found}"


@pytest.fixture
def lab(monkeypatch, reads) -> StandInLab:
    engines: dict[str | None, Engine] = {None: Engine("local", reads), "machine1": Manager(reads)}
    stand_in = StandInLab(engines)
    for module in (check_facts, activities, topology, panel):
        monkeypatch.setattr(module, "current", lambda: stand_in)
    return stand_in


def manager(lab: StandInLab) -> StandInLab:
    return lab.on("machine1")


# The answers themselves: 1.52's shapes

def test_the_answers_have_no_removed_field_and_networks_have_a_status():
    for engine in ("local", "machine1"):
        for c in recorded(f"container_inspect_{engine}") + recorded(f"containers_list_{engine}"):
            assert not REMOVED_NETWORK_SETTINGS & set(c["NetworkSettings"]), c["Id"]
            assert set(c["NetworkSettings"]) <= {"SandboxID", "SandboxKey", "Ports", "Networks"}
            assert "MacAddress" not in c.get("Config", {}) and "KernelMemoryTCP" not in c.get("HostConfig", {})
        for n in recorded(f"network_inspect_{engine}"):
            assert "IPAM" in n["Status"], n["Name"]
        for n in recorded(f"networks_list_{engine}"):
            assert not {"Containers", "Services", "Status"} & set(n), n["Name"]  # a list shows the Network only
    assert not REMOVED["info"] & set(recorded("info_machine1"))
    assert (recorded("version")["ApiVersion"], recorded("version")["MinAPIVersion"]) == ("1.52", "1.44")


def test_the_guard_notes_a_read_of_a_removed_field(lab, reads):
    attrs = lab.api.inspect_container("webserver2")
    with pytest.raises(DnlabError, match="no field .NetworkSettings.IPAddress") as err:
        formats.render_each("{{.NetworkSettings.IPAddress}}", [attrs])
    assert "Networks" in err.value.fix  # the learner is shown where the addresses are now
    assert attrs["Config"].get("MacAddress") is None
    assert reads == ["NetworkSettings.IPAddress", "Config.MacAddress"]
    reads.clear()


# Tables

def test_ps_from_a_1_52_list(lab):
    df = tables.containers_table(lab.api.containers(all=True))
    rows = df.set_index("NAMES")
    assert list(df.columns) == ["IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
    assert sorted(rows.index) == ["alpinedns1", "hostnet1", "nonenet", "webserver1", "webserver2"]
    assert rows.loc["webserver2", "PORTS"] == "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp"
    assert rows.loc["webserver1", "PORTS"] == "80/tcp"  # not published: its "IP" is "" in 1.52
    assert rows.loc["webserver1", "COMMAND"] == '"nginx -g \'daemon of\u2026"'
    assert list(df["NAMES"]) == ["hostnet1", "nonenet", "alpinedns1", "webserver2", "webserver1"]  # newest first


def test_network_ls_from_1_52_lists(lab):
    local = tables.networks_table(lab.api.networks())
    assert local.values.tolist() == [["bridge", "bridge", "local"], ["dnsnet", "bridge", "local"],
                                     ["host", "host", "local"], ["none", "null", "local"]]
    swarm_side = tables.networks_table(manager(lab).api.networks()).set_index("NAME")
    assert swarm_side.loc["recnet"].tolist() == ["overlay", "swarm"]
    assert swarm_side.loc["ingress"].tolist() == ["overlay", "swarm"]


def test_a_container_on_two_networks_has_each_address_from_its_endpoint(lab):
    df = tables.container_networks_table(lab.api.inspect_container("webserver1")).set_index("NETWORK")
    assert df.loc["dnsnet"].tolist() == ["ef742e6f9dde", "192.168.54.3", "/24", "192.168.54.1", "f6:2d:8b:04:e1:93", ""]
    assert df.loc["bridge"].tolist() == ["ed7c53ac4af8", "172.17.0.2", "/16", "172.17.0.1", "9e:3f:51:c2:7a:10", ""]


def test_a_container_on_the_default_bridge(lab):
    attrs = lab.api.inspect_container("webserver2")
    [row] = tables.container_networks_table(attrs).values.tolist()
    endpoint = recorded("container_inspect_local")[1]["NetworkSettings"]["Networks"]["bridge"]
    assert row == ["bridge", "ed7c53ac4af8", endpoint["IPAddress"], "/16", endpoint["Gateway"], endpoint["MacAddress"],
                   ""]
    assert row[2:6] == ["172.17.0.3", "/16", "172.17.0.1", "ca:7b:19:55:02:3e"]
    assert tables.container_ports_table(attrs).values.tolist() == [["80/tcp", "0.0.0.0", "8080"],
                                                                   ["80/tcp", "::", "8080"]]
    assert tables.container_ports_table(lab.api.inspect_container("webserver1")).values.tolist() == [
        ["80/tcp", "", "(not published)"]]


def test_aliases_and_containers_with_no_address(lab):
    [alias_row] = tables.container_networks_table(lab.api.inspect_container("alpinedns1")).values.tolist()
    assert alias_row[0] == "dnsnet" and alias_row[-1] == "alpinedns1" and alias_row[2] == "192.168.54.2"
    for name, net in (("hostnet1", "host"), ("nonenet", "none")):
        [row] = tables.container_networks_table(lab.api.inspect_container(name)).values.tolist()
        assert row[0] == net and row[2:6] == ["", "", "", ""]


def test_network_inspect_with_its_status(lab):
    for name, subnet, gateway in (("bridge", "172.17.0.0/16", "172.17.0.1"),
                                  ("dnsnet", "192.168.54.0/24", "192.168.54.1")):
        attrs = lab.api.inspect_network(name)
        assert "Status" in attrs
        assert tables.network_summary_table(attrs).loc[0, ["SUBNET", "GATEWAY"]].tolist() == [subnet, gateway]
    members = tables.network_containers_table(lab.api.inspect_network("dnsnet"))
    assert members.values.tolist() == [["alpinedns1", "682d99214bdc", "192.168.54.2/24", "3a:d4:6e:8f:21:b7"],
                                       ["webserver1", "b08cf9781267", "192.168.54.3/24", "f6:2d:8b:04:e1:93"]]
    host = lab.api.inspect_network("host")
    assert host["Status"] == {"IPAM": {}}
    assert tables.network_summary_table(host).loc[0, ["SUBNET", "GATEWAY"]].tolist() == ["", ""]


def test_ipam_config_fields_without_a_value_are_empty_strings(lab):
    """Docker 29 writes an unset IPAMConfig field as "" (moby/moby#51890): a subnet without a gateway
    still gets the subnet's first address, as the engine then uses, and is no sign of chosen addressing."""
    attrs = lab.api.inspect_network("dnsnet")
    assert attrs["IPAM"]["Config"] == [{"Subnet": "192.168.54.0/24", "IPRange": "", "Gateway": "192.168.54.1"}]
    attrs["IPAM"]["Config"][0]["Gateway"] = ""
    assert tables.network_summary_table(attrs).loc[0, "GATEWAY"] == "192.168.54.1"
    assert activities._chosen_addressing(attrs) is None


def test_an_overlay_with_status_peers_and_its_load_balancer(lab):
    attrs = manager(lab).api.inspect_network("recnet")
    assert attrs["Status"]["IPAM"]["Subnets"]["10.213.0.0/24"] == {"IPsInUse": 10, "DynamicIPsAvailable": 246}
    assert tables.network_summary_table(attrs).values.tolist() == [
        ["recnet", RECNET[:12], "overlay", "swarm", "10.213.0.0/24", "10.213.0.1", False]]
    members = tables.network_containers_table(attrs).values.tolist()
    assert members == [["recnet-endpoint", "lb-recnet", "10.213.0.2/24", "02:42:0a:d5:00:02"],
                       [TREK_TASK, "49d8dce9dbd9", "10.213.0.9/24", "02:42:0a:d5:00:09"],
                       [VIPSVC_TASK, "5c31edef9a14", "10.213.0.6/24", "02:42:0a:d5:00:06"]]


def test_swarm_info_nodes_services_and_tasks(lab):
    api = manager(lab).api
    rows = dict(tables.swarm_rows(api.info()))
    assert (rows["Swarm"], rows["NodeID"], rows["Is Manager"], rows["Managers"], rows["Nodes"]) == (
        "active", M1, "true", "1", "2")
    assert (rows["Default Address Pool"], rows["Node Address"], rows["Manager Addresses"]) == (
        "10.0.0.0/8", "10.210.0.2", "10.210.0.2:2377")
    assert swarm.manager_address(api.info()) == ("10.210.0.2", 2377)
    nodes = tables.nodes_table(api.nodes(), self_id=M1)
    assert nodes.values.tolist() == [["machine1", "Ready", "Active", "Leader", "29.0.0"],
                                     ["machine2", "Ready", "Active", "", "29.0.0"]]
    assert list(nodes.index) == [f"{M1} *", M2]
    services = tables.services_table(api.services(status=True)).set_index("NAME")
    assert services.values.tolist() == [["replicated", "1/1", "postgres:12", ""],
                                        ["replicated", "1/1", "alpine:latest", ""],
                                        ["replicated", "1/1", "alpine:latest", ""]]
    assert list(services.index) == ["database-app", "trekking-app", "vipsvc"]
    names = {s["ID"]: s["Spec"]["Name"] for s in api.services()}
    hosts = {n["ID"]: n["Description"]["Hostname"] for n in api.nodes()}
    tasks = tables.tasks_table(api.tasks(), names, hosts, now=NOW).set_index("NAME")
    assert tasks[["NODE", "CURRENT STATE"]].values.tolist() == [
        ["machine2", "Running 29 seconds ago"], ["machine1", "Running 37 seconds ago"],
        ["machine1", "Running about a minute ago"]]


def test_service_inspect_and_node_inspect(lab):
    api = manager(lab).api
    vip = ServiceInspect(api.inspect_service("vipsvc"), {RECNET: "recnet"})
    assert vip.df.loc[0, ["NAME", "ENDPOINT MODE", "NETWORK", "VIRTUAL IP"]].tolist() == [
        "vipsvc", "vip", "recnet", "10.213.0.5/24"]
    database = ServiceInspect(api.inspect_service("database-app"), {RECNET: "recnet"})
    assert database.endpoint_mode == "dnsrr" and database.df.loc[0, "VIRTUAL IP"] == ""
    seen = NodeInspect(api.inspect_node("machine2"), pretty=True)
    lines = seen.pretty_lines()
    assert any(line.startswith("Engine Version:") and line.endswith(" 29.0.0") for line in lines)
    assert any(line.strip().startswith("Address:") and line.endswith(" 10.210.0.3") for line in lines)
    assert tables.node_summary_table(api.inspect_node(M1)).loc[0, ["ROLE", "ADDRESS", "MANAGER STATUS"]].tolist() == [
        "Manager", "10.210.0.2", "Leader"]


# Results, --format and the other views

def test_container_inspect_result(lab):
    seen = ContainerInspect(lab.api.inspect_container("webserver1"))
    assert seen.headline == "container webserver1: running, image nginx:latest"
    text, page = repr(seen), seen._repr_html_()
    for expected in ("192.168.54.3", "f6:2d:8b:04:e1:93", "172.17.0.2", "9e:3f:51:c2:7a:10"):
        assert expected in text and expected in page


def test_network_inspect_results_show_a_network_with_a_status(lab):
    seen = NetworkInspect(manager(lab).api.inspect_network("recnet"))
    assert "10.213.0.9/24" in repr(seen) and "<table" in seen._repr_html_()
    both = Inspections([NetworkInspect(lab.api.inspect_network("bridge")), seen])
    assert "network bridge" in repr(both) and "network recnet" in both._repr_html_()


def test_system_info_of_a_docker_29_manager(lab):
    seen = SystemInfo(manager(lab).api.info())
    assert repr(seen).startswith("Server: machine1, Docker 29.0.0\n Swarm: active\n  NodeID: " + M1)
    assert seen.swarm == "active"


def test_format_templates_on_1_52_answers(lab):
    webserver1 = lab.api.inspect_container("webserver1")
    assert formats.render_each("{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", [webserver1]).text == \
        "172.17.0.2 192.168.54.3 "
    assert formats.render_each("{{.NetworkSettings.Networks.dnsnet.MacAddress}}", [webserver1]).text == \
        "f6:2d:8b:04:e1:93"
    assert formats.render_each("{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.Gateway}};{{end}}",
                               [webserver1]).text == "bridge=172.17.0.1;dnsnet=192.168.54.1;"
    recnet = manager(lab).api.inspect_network("recnet")
    assert formats.render_each("{{json .Status}}", [recnet]).text == \
        '{"IPAM":{"Subnets":{"10.213.0.0/24":{"IPsInUse":10,"DynamicIPsAvailable":246}}}}'
    assert formats.render_each("{{range $s, $u := .Status.IPAM.Subnets}}{{$s}}: {{$u.IPsInUse}} in use{{end}}",
                               [recnet]).text == "10.213.0.0/24: 10 in use"


def test_ls_fields_from_1_52_lists(lab):
    rows = {r["Names"]: r for r in (formats.container_fields(c) for c in lab.api.containers(all=True))}
    assert rows["webserver1"]["Networks"] == "bridge,dnsnet" and rows["webserver2"]["Networks"] == "bridge"
    assert rows["webserver2"]["Ports"] == "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp"
    table = formats.render_each("table {{.Names}}\\t{{.Networks}}",
                                [formats.container_fields(c) for c in lab.api.containers(all=True)], listing=True)
    assert table.text.splitlines()[0].split() == ["NAMES", "NETWORKS"] and "webserver1   bridge,dnsnet" in table.text
    recnet = next(formats.network_fields(n) for n in manager(lab).api.networks() if n["Name"] == "recnet")
    assert (recnet["ID"], recnet["Driver"], recnet["Scope"], recnet["IPv6"]) == (
        RECNET[:12], "overlay", "swarm", "false")
    [m1] = [formats.node_fields(n, M1) for n in manager(lab).api.nodes() if n["ID"] == M1]
    assert (m1["Self"], m1["ManagerStatus"], m1["EngineVersion"]) == (True, "Leader", "29.0.0")


def test_the_panel_shows_the_lab_and_a_containers_addresses(lab):
    shown = panel.LabPanel()
    assert "dnsnet" in shown.networks.value and "webserver2" in shown.containers.value
    assert list(shown.picker.options) == ["alpinedns1", "hostnet1", "nonenet", "webserver1", "webserver2"]
    assert "192.168.54.2" in shown.detail.value and "3a:d4:6e:8f:21:b7" in shown.detail.value
    shown.picker.value = "webserver1"
    assert "192.168.54.3" in shown.detail.value and "172.17.0.2" in shown.detail.value


# The topology

def test_the_topology_of_a_1_52_lab(lab):
    picture = topology.Topology.from_attrs([lab.api.inspect_container(c["Id"]) for c in lab.api.containers(all=True)],
                                           [lab.api.inspect_network(n["Id"]) for n in lab.api.networks()], "recording")
    assert [b.name for b in picture.buses] == ["bridge", "dnsnet", "none"]
    found = {(a.container, a.network): (a.ip, a.mac) for a in picture.attachments}
    assert found[("webserver1", "dnsnet")] == ("192.168.54.3", "f6:2d:8b:04:e1:93")
    assert found[("webserver1", "bridge")] == ("172.17.0.2", "9e:3f:51:c2:7a:10")
    assert found[("webserver2", "bridge")] == ("172.17.0.3", "ca:7b:19:55:02:3e")
    assert found[("nonenet", "none")] == ("", "")
    assert not any(a.container == "hostnet1" for a in picture.attachments)
    words = [t.text for t in ET.fromstring(picture._repr_svg_()).iter("{http://www.w3.org/2000/svg}text")]
    for expected in ("192.168.54.2", "3a:d4:6e:8f:21:b7", "0.0.0.0:8080->80/tcp", "docker0", "no address"):
        assert expected in words, expected
    assert ("dnsnet \u00b7 bridge \u00b7 192.168.54.0/24  gw 192.168.54.1: alpinedns1 192.168.54.2, "
            "webserver1 192.168.54.3") in repr(picture)


def test_the_topology_across_the_engine_and_a_swarm_machine(lab, monkeypatch):
    monkeypatch.setattr(topology, "running_machines", lambda: ["machine1"])
    picture = topology.topology(everything=True)
    assert picture.machines == ["machine1"]
    buses = {b.name: b for b in picture.buses}
    assert buses["recnet"].caption == "recnet \u00b7 overlay \u00b7 10.213.0.0/24  gw 10.213.0.1"
    found = {(a.container, a.network): (a.ip, a.mac) for a in picture.attachments}
    assert found[("vipsvc.1 @ machine1", "recnet")] == ("10.213.0.6", "02:42:0a:d5:00:06")
    assert found[("trekking-app.1 @ machine1", "recnet")] == ("10.213.0.9", "02:42:0a:d5:00:09")
    assert found[("webserver1", "dnsnet")] == ("192.168.54.3", "f6:2d:8b:04:e1:93")


# Checks

def test_address_facts_come_from_each_networks_endpoint(lab):
    assert checks.ip("webserver1", "dnsnet") == "192.168.54.3" and checks.ip("webserver1", "bridge") == "172.17.0.2"
    assert checks.gateway("webserver1", "dnsnet") == "192.168.54.1"
    assert checks.mac("webserver1", "dnsnet") == "f6:2d:8b:04:e1:93"
    assert (checks.ip("webserver2"), checks.gateway("webserver2"), checks.mac("webserver2")) == (
        "172.17.0.3", "172.17.0.1", "ca:7b:19:55:02:3e")
    assert checks.networks("webserver1") == ["bridge", "dnsnet"]
    assert (checks.ip("hostnet1"), checks.mac("nonenet"), checks.gateway("nonenet")) == ("", "", "")
    with pytest.raises(DnlabError, match="webserver1 is on 2 networks"):
        checks.ip("webserver1")
    assert checks.endpoints("alpinedns1")["dnsnet"]["DNSNames"] == ["alpinedns1", "682d99214bdc"]


def test_network_and_state_facts(lab):
    assert (checks.subnet("dnsnet"), checks.network_gateway("dnsnet")) == ("192.168.54.0/24", "192.168.54.1")
    assert (checks.subnet("bridge"), checks.network_gateway("bridge")) == ("172.17.0.0/16", "172.17.0.1")
    assert (checks.subnet("host"), checks.network_gateway("none")) == ("", "")
    assert checks.state("webserver2")["Status"] == "running"
    assert checks.wait_for_exit("nonenet")["Running"] is True and lab.api.waited == ["nonenet"]


def test_swarm_facts_on_a_lab_machine(lab):
    assert checks.ip(VIPSVC_TASK, "recnet", on="machine1") == "10.213.0.6"
    assert checks.gateway(VIPSVC_TASK, "recnet", on="machine1") == ""  # an overlay's way out is docker_gwbridge
    assert checks.mac(VIPSVC_TASK, on="machine1") == "02:42:0a:d5:00:06"
    assert checks.task_container("trekking-app", on="machine1") == TREK_TASK
    assert checks.task_container("database-app", on="machine1") is None  # its task runs on machine2
    assert {"Network/overlay", "Volume/local"} <= set(checks.node_plugins("machine2", on="machine1"))


def test_activity_6_01_reads_the_web_servers_address_on_its_custom_bridge(lab, monkeypatch):
    fetched: list[tuple[str, str]] = []

    def http_get(source: str, url: str) -> HttpGet:
        fetched.append((source, url))
        return HttpGet(source, url, True, "<html><title>Welcome to nginx!</title></html>")

    monkeypatch.setattr(activities, "http_get", http_get)
    report = checks.activity_6_01("webserver1")
    seen = {r.text: (r.met, r.seen) for r in report.requirements}
    assert seen["webserver1 runs NGINX"] == (True, "running, nginx:latest")
    assert seen["webserver1 is on a custom bridge network with its own subnet and gateway"] == (
        True, "dnsnet: 192.168.54.0/24 via 192.168.54.1")
    assert seen["webserver1 publishes container port 80 on host port 8080"] == (False, "port 80 not published")
    assert seen["an Alpine monitor container runs in host network mode"] == (True, "hostnet1: network host")
    assert seen["from the monitor, the web server's own IP on port 80 returns the NGINX page"] == (
        True, "192.168.54.3: Welcome to nginx!")
    assert fetched == [("hostnet1", "http://localhost:8080/"), ("hostnet1", "http://192.168.54.3:80/")]
    assert report.unmet() == ["webserver1 publishes container port 80 on host port 8080"]


def test_activity_6_01_on_the_default_bridge_only(lab, monkeypatch):
    monkeypatch.setattr(activities, "http_get", lambda source, url: HttpGet(source, url, False, "refused"))
    seen = {r.text: (r.met, r.seen) for r in checks.activity_6_01("webserver2", monitor="hostnet1").requirements}
    assert seen["webserver2 is on a custom bridge network with its own subnet and gateway"] == (False, "only bridge")
    assert seen["webserver2 publishes container port 80 on host port 8080"] == (True, "8080")
    assert seen["from the monitor, the web server's own IP on port 80 returns the NGINX page"] == (
        False, "no address on a custom bridge")


def test_activity_6_02_on_a_docker_29_swarm(lab, monkeypatch):
    tasks = manager(lab).api.tasks()
    addresses = {manager(lab).api.inspect_service(t["ServiceID"])["Spec"]["Name"]:
                 t["NetworksAttachments"][0]["Addresses"][0].split("/")[0] for t in tasks}
    asked: list[tuple] = []

    def ping(source: str, target: str, count: int = 1, on: str | None = None) -> Ping:
        asked.append(("ping", source, target, on))
        return Ping(source, target, True, addresses[target], "3 packets transmitted, 3 received")

    def probe(target: str, command: list[str], on: str | None = None, image: str = "", environment=None) -> ProbeRun:
        asked.append(("probe", target, command[2], on, image, environment))
        return ProbeRun(0, "1\n")

    monkeypatch.setattr(activities, "ping", ping)
    monkeypatch.setattr(activities, "probe", probe)
    report = checks.activity_6_02()
    assert report.ok, repr(report)
    seen = {r.text: r.seen for r in report.requirements}
    assert seen["an overlay network with its own subnet and gateway"] == "recnet: 10.213.0.0/24 via 10.213.0.1"
    assert seen["they run on different machines"] == "trekking-app on machine1, database-app on machine2"
    assert seen["trekking-app pings database-app by name over the overlay"] == "database-app -> 10.213.0.11, replies"
    assert asked == [("ping", TREK_TASK, "database-app", "machine1"),
                     ("probe", TREK_TASK, "database-app", "machine1", "postgres:12", {"PGPASSWORD": "trekking"})]


# Commands, on the stand-in lab

def test_container_commands(lab):
    out = container.ls(lab, all=True, filters=None, quiet=False, no_trunc=False, format="{{.Names}} {{.Networks}}")
    assert "webserver1 bridge,dnsnet" in out.text.splitlines()
    found = container.inspect(lab, ["webserver1", "dnsnet"], None)
    assert isinstance(found, Inspections) and isinstance(found[1], NetworkInspect)
    assert container.inspect(lab, ["webserver2"], "{{range .NetworkSettings.Networks}}{{.MacAddress}}{{end}}").text == \
        "ca:7b:19:55:02:3e"
    assert container.port(lab, "webserver2", None).text == "80/tcp -> 0.0.0.0:8080\n80/tcp -> [::]:8080"
    assert network.ls(lab, None, False, False, "{{.Name}}").text == "bridge\ndnsnet\nhost\nnone"
    assert network.inspect(manager(lab), ["recnet"], False, None).df.loc[0, "SUBNET"] == "10.213.0.0/24"


def test_swarm_commands(lab):
    on = manager(lab)
    by_name = sorted(on.api.services(), key=lambda s: s["Spec"]["Name"])
    assert list(service.ls(on).index) == [s["ID"][:12] for s in by_name]
    assert service.ps(on, "trekking-app")["NODE"].tolist() == ["machine1"]
    assert service.inspect(on, ["vipsvc"]).df.loc[0, ["NETWORK", "VIRTUAL IP"]].tolist() == ["recnet", "10.213.0.5/24"]
    assert list(node.ls(on, None, False, None).index) == [f"{M1} *", M2]
    assert node.inspect(on, False, None, ["self"]).headline == \
        "node machine1 (this node): manager (the leader), active, ready, at 10.210.0.2"
    assert system.info(on).df.set_index("FIELD").loc["Nodes", "VALUE"] == "2"
    assert system.version(on, None).text.splitlines()[1] == (
        "Server: Docker Engine 29.0.0 (API 1.52, minimum 1.44), linux/amd64, kernel 6.12.48+deb13-amd64")
    assert system.version(on, "{{.Server.MinAPIVersion}} {{.Client.ApiVersion}}").text == "1.44 1.52"


def test_create_on_api_1_52_puts_the_mac_on_the_endpoint_not_in_config(monkeypatch):
    """1.52 ignores ``Config.MacAddress``: ``--mac-address`` must reach the first network's endpoint."""
    sent: list[requests.PreparedRequest] = []

    def answer(self, request, *args, **kwargs):
        sent.append(request)
        response = requests.Response()
        response.status_code, response.url, response.request = 201, request.url, request
        response.headers["Content-Type"] = "application/json"
        response._content = json.dumps({"Id": "c" * 64, "Warnings": []}).encode()
        return response

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", answer)
    client = docker.DockerClient(base_url="unix:///nonexistent/dnlab-api152.sock", version="1.52")
    monkeypatch.setattr(dnlab.lab, "connect", lambda: client)
    monkeypatch.setattr(container, "ensure", lambda client, image: None)
    [invocation] = parse_cell("create --network dnsnet --network webnet --mac-address 02:42:c0:a8:36:09 "
                              "--name webserver3 nginx:latest")
    assert container.create(Lab("recording"), **invocation.kwargs).text == "c" * 64
    [request] = sent
    assert request.method == "POST" and "/v1.52/containers/create" in request.url
    body = json.loads(request.body)
    assert "MacAddress" not in body
    endpoints = body["NetworkingConfig"]["EndpointsConfig"]
    assert set(endpoints) == {"dnsnet", "webnet"} and body["HostConfig"]["NetworkMode"] == "dnsnet"
    assert endpoints["dnsnet"]["MacAddress"] == "02:42:c0:a8:36:09" and "MacAddress" not in endpoints["webnet"]
