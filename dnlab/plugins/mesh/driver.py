"""dnlab/mesh: a Docker network driver plugin in one file. This is what a network plugin is.

Docker's network library (libnetwork) talks to a driver plugin over HTTP on a unix socket:
every call is a POST of a JSON object to a path such as ``/NetworkDriver.Join``, answered
with a JSON object (``{"Err": "..."}`` when it failed). The calls and their order are in
libnetwork's ``docs/remote.md``; the two swarm calls it leaves out are marked below.

What this driver builds on every machine, for each of its networks:

    container ─ ethmesh0 ══ veth ══ mve-<endpoint> ─┐
                                                    ├─ mbr-<network> (a Linux bridge)
    VXLAN mvx-<network>, VNI from the network ID ───┘
        └── UDP port 8472 to a multicast group on the machine's own network segment

The bridge joins the containers on one machine; the VXLAN device carries their Ethernet
frames to the same bridge on the other machines (RFC 7348's "flood and learn": broadcasts
such as ARP go to the multicast group, and each machine learns which machine a MAC lives
on from the frames it receives). Docker's IPAM hands out the addresses; Docker moves the
container's end of the veth into the container and names it ``ethmesh0``.

Nothing is kept in memory: every name derives from an ID that Docker sends with each
call, so the driver can restart at any time. Only the Python standard library and the
``ip`` and ``iptables`` commands are used.
"""
from __future__ import annotations

import hashlib
import http.server
import json
import os
import socketserver
import subprocess
import sys
from typing import Any, Callable

SOCKET = "/run/docker/plugins/mesh.sock"
INTERFACE_PREFIX = "ethmesh"  # containers see ethmesh0, as Weave Net's containers see ethwe0
VXLAN_PORT = "8472"  # not 4789: Docker's own overlay networks use that one on the same machines
MULTICAST_GROUP = "239.1.1.1"  # administratively scoped: routers never carry it off the segment
MTU = "1450"  # 1500 minus the 50 bytes of VXLAN, UDP, IP and outer Ethernet headers
NODE_DISCOVERY = 1  # DiscoverNew's DiscoveryType for "this is a machine's address"

Run = Callable[[list[str]], str]


def run(command: list[str]) -> str:
    """Run ``ip`` or ``iptables``; raise with its error message when it fails."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)}: {done.stderr.strip()}")
    return done.stdout


def bridge_name(network_id: str) -> str:
    return f"mbr-{network_id[:10]}"


def vxlan_name(network_id: str) -> str:
    return f"mvx-{network_id[:10]}"


def veth_name(endpoint_id: str) -> str:
    return f"mve-{endpoint_id[:10]}"


def container_side(endpoint_id: str) -> str:
    return f"mvc-{endpoint_id[:10]}"


def vni(network_id: str) -> int:
    """The VXLAN network identifier: 24 bits of a hash of the network ID, the same on every machine."""
    return int(hashlib.sha256(network_id.encode()).hexdigest()[:6], 16) or 1


class MeshDriver:
    """The handlers, one method per protocol call; ``run`` carries out ``ip``/``iptables`` commands."""

    def __init__(self, run: Run = run) -> None:
        self.run = run
        self.own_address = ""  # this machine's address in the swarm, once DiscoverNew tells it

    # Handshake and capabilities
    def activate(self, request: dict) -> dict:
        return {"Implements": ["NetworkDriver"]}

    def get_capabilities(self, request: dict) -> dict:
        # "global": one network spans all machines, so swarm services can use it.
        return {"Scope": "global", "ConnectivityScope": "global"}

    # Swarm's network allocation on the manager: not in remote.md, but without an answer
    # here every task of a service on this network stays in state "New" forever.
    def allocate_network(self, request: dict) -> dict:
        return {"Options": {}}

    def free_network(self, request: dict) -> dict:
        return {}

    # Networks: called on each machine when it first needs the network
    def create_network(self, request: dict) -> dict:
        network_id = request["NetworkID"]
        try:
            self.make_network(network_id)
        except RuntimeError:
            self.delete_network(request)  # all or nothing
            raise
        return {}

    def make_network(self, network_id: str) -> None:
        bridge, vxlan = bridge_name(network_id), vxlan_name(network_id)
        if not self.exists(bridge):
            self.run(["ip", "link", "add", bridge, "mtu", MTU, "type", "bridge"])
        if not self.exists(vxlan):
            self.run(["ip", "link", "add", vxlan, "mtu", MTU, "type", "vxlan", "id", str(vni(network_id)),
                      "group", MULTICAST_GROUP, "ttl", "1", "dev", self.underlay_device(), "dstport", VXLAN_PORT])
        self.run(["ip", "link", "set", vxlan, "master", bridge, "up"])
        self.run(["ip", "link", "set", bridge, "up"])
        self.allow_forwarding(bridge)

    def delete_network(self, request: dict) -> dict:
        network_id = request["NetworkID"]
        bridge = bridge_name(network_id)
        self.forbid_forwarding(bridge)
        for link in (vxlan_name(network_id), bridge):
            if self.exists(link):
                self.run(["ip", "link", "del", link])
        return {}

    # Endpoints: Docker's IPAM already chose the address, so the answer adds nothing to it
    def create_endpoint(self, request: dict) -> dict:
        return {"Interface": {}}

    def delete_endpoint(self, request: dict) -> dict:
        self.remove_veth(request["EndpointID"])
        return {}

    def endpoint_oper_info(self, request: dict) -> dict:
        endpoint_id = request["EndpointID"]
        return {"Value": {"veth": veth_name(endpoint_id), "bridge": bridge_name(request["NetworkID"])}}

    # Join: a veth pair, one end on the bridge; Docker moves the other into the container
    def join(self, request: dict) -> dict:
        endpoint_id, bridge = request["EndpointID"], bridge_name(request["NetworkID"])
        host_side, inside = veth_name(endpoint_id), container_side(endpoint_id)
        self.remove_veth(endpoint_id)  # a leftover of an interrupted Join
        self.run(["ip", "link", "add", host_side, "mtu", MTU, "type", "veth", "peer", "name", inside, "mtu", MTU])
        self.run(["ip", "link", "set", host_side, "master", bridge, "up"])
        # No "Gateway": Docker then also joins the container to docker_gwbridge for its way out.
        return {"InterfaceName": {"SrcName": inside, "DstPrefix": INTERFACE_PREFIX}}

    def leave(self, request: dict) -> dict:
        self.remove_veth(request["EndpointID"])
        return {}

    # Discovery: Docker tells a global-scope driver this machine's address
    def discover_new(self, request: dict) -> dict:
        data = request.get("DiscoveryData") or {}
        if request.get("DiscoveryType") == NODE_DISCOVERY and data.get("Self"):
            self.own_address = data.get("Address", "")
        return {}

    def discover_delete(self, request: dict) -> dict:
        return {}

    # Helpers
    def exists(self, link: str) -> bool:
        return any(entry["ifname"] == link for entry in json.loads(self.run(["ip", "-j", "link", "show"]) or "[]"))

    def remove_veth(self, endpoint_id: str) -> None:
        if self.exists(veth_name(endpoint_id)):
            self.run(["ip", "link", "del", veth_name(endpoint_id)])  # takes its peer with it

    def underlay_device(self) -> str:
        """The interface that holds this machine's swarm address (else the default route's)."""
        if self.own_address:
            for entry in json.loads(self.run(["ip", "-j", "-4", "addr", "show"])):
                if any(address["local"] == self.own_address for address in entry["addr_info"]):
                    return entry["ifname"]
        return json.loads(self.run(["ip", "-j", "route", "show", "default"]))[0]["dev"]

    def forwarding_rule(self, bridge: str) -> list[str]:
        # Docker's hosts filter bridged traffic through iptables' FORWARD chain, whose policy
        # is DROP; like Docker's own bridges, ours lets traffic between its ports through.
        return ["FORWARD", "-i", bridge, "-o", bridge, "-m", "comment", "--comment", "dnlab/mesh", "-j", "ACCEPT"]

    def allow_forwarding(self, bridge: str) -> None:
        if not self.has_rule(bridge):
            self.run(["iptables", "-I", *self.forwarding_rule(bridge)])

    def forbid_forwarding(self, bridge: str) -> None:
        while self.has_rule(bridge):
            self.run(["iptables", "-D", *self.forwarding_rule(bridge)])

    def has_rule(self, bridge: str) -> bool:
        try:
            self.run(["iptables", "-C", *self.forwarding_rule(bridge)])
        except RuntimeError:
            return False
        return True

    @property
    def routes(self) -> dict[str, Callable[[dict], dict]]:
        return {
            "/Plugin.Activate": self.activate,
            "/NetworkDriver.GetCapabilities": self.get_capabilities,
            "/NetworkDriver.AllocateNetwork": self.allocate_network,
            "/NetworkDriver.FreeNetwork": self.free_network,
            "/NetworkDriver.CreateNetwork": self.create_network,
            "/NetworkDriver.DeleteNetwork": self.delete_network,
            "/NetworkDriver.CreateEndpoint": self.create_endpoint,
            "/NetworkDriver.DeleteEndpoint": self.delete_endpoint,
            "/NetworkDriver.EndpointOperInfo": self.endpoint_oper_info,
            "/NetworkDriver.Join": self.join,
            "/NetworkDriver.Leave": self.leave,
            "/NetworkDriver.DiscoverNew": self.discover_new,
            "/NetworkDriver.DiscoverDelete": self.discover_delete,
        }

    def handle(self, path: str, request: dict) -> tuple[int, dict]:
        """The HTTP status and JSON answer for one call; 404 for a call this driver does not know."""
        handler = self.routes.get(path)
        if handler is None:
            return 404, {"Err": f"dnlab/mesh does not implement {path}"}
        try:
            return 200, handler(request)
        except KeyError as exc:
            return 500, {"Err": f"dnlab/mesh {path}: the request has no {exc.args[0]}"}
        except (RuntimeError, ValueError, IndexError) as exc:
            return 500, {"Err": f"dnlab/mesh {path}: {exc}"}


class Handler(http.server.BaseHTTPRequestHandler):
    """One POST per call; every call and its answer is logged as a JSON line (dockerd's log shows it)."""

    driver: MeshDriver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        request = json.loads(body or b"{}")
        status, answer = self.driver.handle(self.path, request)
        print(json.dumps({"call": self.path, "request": request, "status": status, "answer": answer}), flush=True)
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/vnd.docker.plugins.v1.2+json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def address_string(self) -> str:
        return "docker"  # a unix socket has no client address

    def log_message(self, format: str, *args: Any) -> None:
        pass  # do_POST logs each call as JSON instead


def serve(path: str = SOCKET) -> None:
    """Listen on the plugin socket that Docker expects (config.json's ``interface.socket``)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        os.unlink(path)
    Handler.driver = MeshDriver()
    with socketserver.UnixStreamServer(path, Handler) as server:  # one call at a time: no races
        print(f"dnlab/mesh listening on {path}", file=sys.stderr, flush=True)
        server.serve_forever()


if __name__ == "__main__":
    serve()
