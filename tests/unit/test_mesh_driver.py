"""dnlab/mesh's handlers, replayed on the calls a real engine made (recorded from two lab machines),
against a pretend host that keeps the links and iptables rules the driver's commands make."""
from __future__ import annotations

import http.client
import json
import socket
import threading
from pathlib import Path

import pytest

from dnlab.plugins.mesh import driver as mesh

RECORDED = json.loads((Path(__file__).parent / "recorded" / "mesh_driver_calls.json").read_text())
UNDERLAY = {"machine1": "10.210.0.11", "machine2": "10.210.0.12"}


class PretendHost:
    """Just enough of `ip` and `iptables` to follow what the driver builds and removes."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.links: dict[str, dict] = {"lo": {}, "eth0": {}}
        self.rules: list[list[str]] = []
        self.commands: list[list[str]] = []

    def run(self, command: list[str]) -> str:
        self.commands.append(command)
        if command[:4] == ["ip", "-j", "link", "show"]:
            return json.dumps([{"ifname": name} for name in self.links])
        if command[:5] == ["ip", "-j", "-4", "addr", "show"]:
            return json.dumps([{"ifname": "lo", "addr_info": [{"local": "127.0.0.1"}]},
                               {"ifname": "eth0", "addr_info": [{"local": self.address}]}])
        if command[:5] == ["ip", "-j", "route", "show", "default"]:
            return json.dumps([{"dst": "default", "dev": "eth0"}])
        if command[:3] == ["ip", "link", "add"]:
            name = command[3]
            kind = command[command.index("type") + 1]
            if name in self.links:
                raise RuntimeError(f"{name}: File exists")
            self.links[name] = {"type": kind, "args": command}
            if kind == "veth":
                self.links[command[command.index("name") + 1]] = {"type": "veth", "peer": name}
            return ""
        if command[:3] == ["ip", "link", "set"]:
            if command[3] not in self.links or ("master" in command and command[command.index("master") + 1]
                                                not in self.links):
                raise RuntimeError("Cannot find device")
            return ""
        if command[:3] == ["ip", "link", "del"]:
            gone = self.links.pop(command[3])
            for name, link in list(self.links.items()):
                if link.get("peer") == command[3] or gone.get("peer") == name:
                    del self.links[name]
            return ""
        if command[0] == "iptables":
            action, rule = command[1], command[2:]
            if action == "-C" and rule not in self.rules:
                raise RuntimeError("iptables: Bad rule")
            if action == "-I":
                self.rules.insert(0, rule)
            if action == "-D":
                self.rules.remove(rule)
            return ""
        raise AssertionError(f"unexpected command {command}")

    def built(self) -> list[str]:
        return sorted(name for name in self.links if name not in ("lo", "eth0"))


@pytest.mark.parametrize("machine", sorted(RECORDED))
def test_replaying_a_real_engine_gives_its_answers_and_leaves_nothing(machine):
    host = PretendHost(UNDERLAY[machine])
    driver = mesh.MeshDriver(run=host.run)
    for call in RECORDED[machine]:
        assert driver.handle(call["call"], call["request"]) == (call["status"], call["answer"]), call["call"]
        if call["call"].endswith("Join"):
            network_id, endpoint_id = call["request"]["NetworkID"], call["request"]["EndpointID"]
            assert host.built() == sorted([mesh.bridge_name(network_id), mesh.vxlan_name(network_id),
                                           mesh.veth_name(endpoint_id), mesh.container_side(endpoint_id)])
            assert host.rules and "dnlab/mesh" in host.rules[0]
    assert host.built() == [] and host.rules == []


def test_the_vxlan_device_rides_on_the_interface_holding_the_machines_swarm_address():
    host = PretendHost("10.210.0.12")
    driver = mesh.MeshDriver(run=host.run)
    calls = {call["call"]: call["request"] for call in RECORDED["machine2"]}
    driver.handle("/NetworkDriver.DiscoverNew", calls["/NetworkDriver.DiscoverNew"])
    assert driver.own_address == "10.210.0.12"
    driver.handle("/NetworkDriver.CreateNetwork", calls["/NetworkDriver.CreateNetwork"])
    network_id = calls["/NetworkDriver.CreateNetwork"]["NetworkID"]
    vxlan = host.links[mesh.vxlan_name(network_id)]["args"]
    assert vxlan[vxlan.index("dev") + 1] == "eth0" and vxlan[vxlan.index("id") + 1] == str(mesh.vni(network_id))
    assert vxlan[vxlan.index("dstport") + 1] == "8472" and vxlan[vxlan.index("ttl") + 1] == "1"


def test_every_machine_derives_the_same_names_and_vni_from_an_id_and_names_fit_the_kernel():
    for ident in ("zubds4b1j1erpcmevk05ncc3k", "f" * 64, "0" * 64):
        names = (mesh.bridge_name(ident), mesh.vxlan_name(ident), mesh.veth_name(ident), mesh.container_side(ident))
        assert all(len(name) <= 15 for name in names)  # IFNAMSIZ - 1
        assert 1 <= mesh.vni(ident) < 2 ** 24 and mesh.vni(ident) == mesh.vni(ident)


def test_a_failed_create_network_leaves_nothing_half_built():
    host = PretendHost("10.210.0.11")

    def failing(command: list[str]) -> str:
        if "vxlan" in command:
            raise RuntimeError("RTNETLINK answers: Operation not supported")
        return host.run(command)

    driver = mesh.MeshDriver(run=failing)
    status, answer = driver.handle("/NetworkDriver.CreateNetwork", {"NetworkID": "abc123def456"})
    assert status == 500 and "Operation not supported" in answer["Err"]
    assert host.built() == [] and host.rules == []


def test_unknown_calls_get_404_and_missing_fields_an_error_answer():
    driver = mesh.MeshDriver(run=PretendHost("10.0.0.1").run)
    assert driver.handle("/NetworkDriver.ProgramExternalConnectivity", {})[0] == 404
    assert driver.handle("/IpamDriver.RequestPool", {})[0] == 404
    status, answer = driver.handle("/NetworkDriver.Join", {})
    assert (status, answer) == (500, {"Err": "dnlab/mesh /NetworkDriver.Join: the request has no EndpointID"})


def test_the_handshake_and_capabilities():
    driver = mesh.MeshDriver(run=PretendHost("10.0.0.1").run)
    assert driver.handle("/Plugin.Activate", {}) == (200, {"Implements": ["NetworkDriver"]})
    assert driver.handle("/NetworkDriver.GetCapabilities", {}) == (
        200, {"Scope": "global", "ConnectivityScope": "global"})


def test_the_http_server_speaks_the_protocol_on_a_unix_socket(tmp_path, monkeypatch):
    host = PretendHost("10.0.0.1")
    monkeypatch.setattr(mesh, "run", host.run)
    path = str(tmp_path / "mesh.sock")
    server = threading.Thread(target=mesh.serve, args=(path,), daemon=True)
    server.start()
    for _ in range(100):
        if Path(path).exists():
            break
        threading.Event().wait(0.02)

    def post(call: str, body: dict) -> tuple[int, dict, str]:
        connection = UnixConnection(path)
        connection.request("POST", call, json.dumps(body), {"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read()), response.getheader("Content-Type")

    status, answer, kind = post("/NetworkDriver.GetCapabilities", {})
    assert (status, answer, kind) == (200, {"Scope": "global", "ConnectivityScope": "global"},
                                      "application/vnd.docker.plugins.v1.2+json")
    assert post("/NetworkDriver.Nope", {})[0] == 404


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=5)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.path)
