"""`docker swarm ...`: one function per verb. Membership (init, join, leave) only ever changes on
a lab machine (``%%dnet --on machine1``), never on the learner's own engine."""
from __future__ import annotations

from dnlab.commands.guard import on_lab_machine
from dnlab.errors import EngineError
from dnlab.lab import Lab
from dnlab.views.results import Output, SwarmInit

SWARM_PORT = 2377
"""The port managers listen on for `swarm join` (and the CLI's default)."""


def manager_address(info: dict) -> tuple[str, int]:
    """This node's manager address (host, port), from ``client.info()``."""
    swarm = info.get("Swarm") or {}
    for manager in swarm.get("RemoteManagers") or []:
        if manager.get("NodeID") == swarm.get("NodeID") and manager.get("Addr"):
            host, _, port = manager["Addr"].rpartition(":")
            return host, int(port)
    return swarm.get("NodeAddr", ""), SWARM_PORT


def with_port(address: str) -> str:
    """``10.210.0.2`` -> ``10.210.0.2:2377``; an address with a port stays as it is."""
    host_part = address.rsplit("]", 1)[-1]  # [IPv6]:port
    if host_part.count(":") == 1:
        return address
    return f"[{address}]:{SWARM_PORT}" if host_part.count(":") > 1 else f"{address}:{SWARM_PORT}"


def listen_address(address: str | None) -> str:
    """``--listen-addr`` as the CLI fills it in: none -> ``0.0.0.0:2377``, ``10.210.0.2`` ->
    ``10.210.0.2:2377``, ``:4000`` -> ``0.0.0.0:4000`` (an interface name, like eth0, works too)."""
    if not address:
        return f"0.0.0.0:{SWARM_PORT}"
    return with_port(f"0.0.0.0{address}" if address.startswith(":") else address)


def init(lab: Lab, advertise_addr: str | None, listen_addr: str | None = None, data_path_port: int | None = None,
         default_addr_pool: list[str] | None = None, subnet_size: int | None = None) -> SwarmInit:
    """Like `docker swarm init`: the lab machine becomes the manager of a new swarm, labelled as the lab's
    (`docker swarm inspect` shows the labels); the result holds ``.join_token`` (for workers) and
    ``.address`` (the manager's, for `swarm join`)."""
    on_lab_machine(lab)
    client = lab.client
    spec = client.api.create_swarm_spec(labels=lab.labels("swarm"))  # so a clean-up knows the swarm is dnlab's
    node_id = client.api.init_swarm(advertise_addr=advertise_addr, listen_addr=listen_address(listen_addr),
                                    swarm_spec=spec, data_path_port=data_path_port or None,
                                    default_addr_pool=default_addr_pool, subnet_size=subnet_size)
    token = client.api.inspect_swarm()["JoinTokens"]["Worker"]
    host, port = manager_address(client.info())
    return SwarmInit(str(node_id), token, host, port)


def join(lab: Lab, join_token: str, remote_addr: str, advertise_addr: str | None = None,
         listen_addr: str | None = None) -> Output:
    """Like `docker swarm join --token TOKEN [--advertise-addr ADDR] ADDR[:2377]`: the lab machine
    joins the manager's swarm."""
    on_lab_machine(lab)
    client = lab.client
    client.api.join_swarm([with_port(remote_addr)], join_token, listen_addr=listen_address(listen_addr),
                          advertise_addr=advertise_addr)
    manager = (client.info().get("Swarm") or {}).get("ControlAvailable")
    return Output(f"This node joined a swarm as a {'manager' if manager else 'worker'}.")


def leave(lab: Lab, force: bool) -> Output:
    """Like `docker swarm leave` (``-f``: a manager too; the last manager takes the swarm with it)."""
    on_lab_machine(lab)
    client = lab.client
    if (client.info().get("Swarm") or {}).get("LocalNodeState", "inactive") == "inactive":
        # docker-py's leave_swarm(force=True) hides the engine's "not part of a swarm": say it, as the CLI does
        raise EngineError("This node is not part of a swarm.", "There is nothing to leave: `info` shows Swarm: inactive.")
    client.api.leave_swarm(force=force)
    return Output("Node left the swarm.")


def join_token(lab: Lab, quiet: bool, role: str) -> Output:
    """Like `docker swarm join-token worker|manager` (``-q``: only the token, as ``.text``)."""
    client = lab.client
    token = client.api.inspect_swarm()["JoinTokens"][role.capitalize()]
    if quiet:
        return Output(token)
    host, port = manager_address(client.info())
    return Output(f"To add a {role} to this swarm, run the following command:\n\n"
                  f"    docker swarm join --token {token} {host}:{port}")
