"""pandas DataFrames built from the engine's raw answers, with the docker CLI's columns."""
from __future__ import annotations

import time
from typing import Any

import pandas as pd

from dnlab.engine.facts import (desired_replicas, effective_gateway, endpoint_mode,
                                human_duration, human_size, parse_time, running_tasks, service_image,
                                service_mode, short_id)

Attrs = dict[str, Any]


def _ago(created: float) -> str:
    return f"{human_duration(time.time() - created)} ago"


def networks_table(networks: list[Attrs], full: bool = False) -> pd.DataFrame:
    """Like `docker network ls`, from ``client.api.networks()`` (``full``: whole IDs, ``--no-trunc``)."""
    rows = sorted(({"NETWORK ID": n["Id"] if full else short_id(n["Id"]), "NAME": n["Name"], "DRIVER": n["Driver"],
                    "SCOPE": n["Scope"]} for n in networks), key=lambda row: row["NAME"])
    return pd.DataFrame(rows, columns=["NETWORK ID", "NAME", "DRIVER", "SCOPE"]).set_index("NETWORK ID")


def format_ports(ports: list[Attrs]) -> str:
    """The PORTS column: ``0.0.0.0:8080->80/tcp`` for published ports, ``80/tcp`` otherwise."""
    seen: list[str] = []
    for port in sorted(ports, key=lambda p: (p.get("PrivatePort", 0), p.get("IP", ""))):
        if port.get("PublicPort"):
            ip = port.get("IP", "0.0.0.0")
            host = f"[{ip}]" if ":" in ip else ip
            text = f"{host}:{port['PublicPort']}->{port['PrivatePort']}/{port['Type']}"
        else:
            text = f"{port['PrivatePort']}/{port['Type']}"
        if text not in seen:
            seen.append(text)
    return ", ".join(seen)


def _command(container: Attrs, full: bool = False) -> str:
    command = container.get("Command", "")
    return '"' + (command if full or len(command) <= 20 else command[:19] + "\u2026") + '"'


def _names(container: Attrs) -> str:
    return ",".join(n.lstrip("/") for n in container.get("Names", []) if n.count("/") == 1)


def containers_table(containers: list[Attrs], full: bool = False) -> pd.DataFrame:
    """Like `docker ps`, from ``client.api.containers()`` (newest first, as the CLI shows them;
    ``full``: whole IDs and commands, ``--no-trunc``)."""
    rows = [{"CONTAINER ID": c["Id"] if full else short_id(c["Id"]), "IMAGE": c["Image"], "COMMAND": _command(c, full),
             "CREATED": _ago(c["Created"]), "STATUS": c["Status"], "PORTS": format_ports(c.get("Ports") or []),
             "NAMES": _names(c)} for c in sorted(containers, key=lambda c: -c["Created"])]
    columns = ["CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
    return pd.DataFrame(rows, columns=columns).set_index("CONTAINER ID")


def images_table(images: list[Attrs]) -> pd.DataFrame:
    """Like `docker images`, from ``client.api.images()``."""
    rows = []
    for image in sorted(images, key=lambda i: -i["Created"]):
        for tag in image.get("RepoTags") or ["<none>:<none>"]:
            repo, _, name = tag.rpartition(":")
            rows.append({"REPOSITORY": repo, "TAG": name, "IMAGE ID": short_id(image["Id"]),
                         "CREATED": _ago(image["Created"]), "SIZE": human_size(image["Size"])})
    return pd.DataFrame(rows, columns=["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"])


def container_networks_table(attrs: Attrs) -> pd.DataFrame:
    """One row per network a container is attached to, from ``docker inspect`` output."""
    networks = attrs.get("NetworkSettings", {}).get("Networks") or {}
    rows = [{"NETWORK": name, "NETWORK ID": short_id(ep.get("NetworkID") or ""),
             "IP ADDRESS": ep.get("IPAddress") or "",
             "PREFIX": f"/{ep['IPPrefixLen']}" if ep.get("IPPrefixLen") else "",
             "GATEWAY": ep.get("Gateway") or "", "MAC ADDRESS": ep.get("MacAddress") or "",
             "ALIASES": ", ".join(a for a in ep.get("Aliases") or [] if a != attrs["Id"][:12])}
            for name, ep in networks.items()]
    columns = ["NETWORK", "NETWORK ID", "IP ADDRESS", "PREFIX", "GATEWAY", "MAC ADDRESS", "ALIASES"]
    return pd.DataFrame(rows, columns=columns)


def container_ports_table(attrs: Attrs) -> pd.DataFrame:
    """A container's ports from ``docker inspect``: exposed, and where each is published."""
    ports = attrs.get("NetworkSettings", {}).get("Ports") or {}
    rows = []
    for container_port, bindings in sorted(ports.items()):
        for binding in bindings or [None]:
            rows.append({"CONTAINER PORT": container_port,
                         "HOST IP": binding["HostIp"] if binding else "",
                         "HOST PORT": binding["HostPort"] if binding else "(not published)"})
    return pd.DataFrame(rows, columns=["CONTAINER PORT", "HOST IP", "HOST PORT"])


def network_summary_table(attrs: Attrs) -> pd.DataFrame:
    """A network's identity and addressing from ``docker network inspect``: a row per subnet."""
    configs = (attrs.get("IPAM") or {}).get("Config") or [{}]
    rows = [{"NAME": attrs["Name"], "NETWORK ID": short_id(attrs["Id"]), "DRIVER": attrs["Driver"],
             "SCOPE": attrs["Scope"], "SUBNET": cfg.get("Subnet", ""), "GATEWAY": effective_gateway(cfg),
             "INTERNAL": bool(attrs.get("Internal"))} for cfg in configs]
    return pd.DataFrame(rows, columns=["NAME", "NETWORK ID", "DRIVER", "SCOPE", "SUBNET", "GATEWAY", "INTERNAL"])


def network_containers_table(attrs: Attrs) -> pd.DataFrame:
    """The containers a network holds, with their addresses on it."""
    rows = sorted(({"CONTAINER": c.get("Name", ""), "CONTAINER ID": short_id(cid),
                    "IPV4 ADDRESS": c.get("IPv4Address", ""), "MAC ADDRESS": c.get("MacAddress", "")}
                   for cid, c in (attrs.get("Containers") or {}).items()), key=lambda r: r["CONTAINER"])
    return pd.DataFrame(rows, columns=["CONTAINER", "CONTAINER ID", "IPV4 ADDRESS", "MAC ADDRESS"])


# Swarm mode: `docker info` (its swarm part), `node ls`, `service ls`, `service ps`, `service inspect`.

def _title(word: str) -> str:
    """The CLI's way of printing a state: ``running`` -> ``Running``."""
    return word[:1].upper() + word[1:]


def swarm_rows(info: Attrs) -> list[tuple[str, str]]:
    """The swarm part of `docker info`, as (field, value) pairs in the CLI's order and words."""
    swarm = info.get("Swarm") or {}
    state = swarm.get("LocalNodeState") or "inactive"
    rows = [("Swarm", state)]
    if state not in ("active", "pending", "error", "locked"):
        return rows
    if swarm.get("Error"):
        rows.append(("Error", swarm["Error"]))
    rows += [("NodeID", swarm.get("NodeID", "")), ("Is Manager", str(bool(swarm.get("ControlAvailable"))).lower())]
    cluster = swarm.get("Cluster") or {}
    if swarm.get("ControlAvailable") and cluster:
        rows += [("ClusterID", cluster.get("ID", "")), ("Managers", str(swarm.get("Managers", ""))),
                 ("Nodes", str(swarm.get("Nodes", ""))),
                 ("Default Address Pool", " ".join(cluster.get("DefaultAddrPool") or [])),
                 ("SubnetSize", str(cluster.get("SubnetSize", ""))),
                 ("Data Path Port", str(cluster.get("DataPathPort", "")))]
    rows.append(("Node Address", swarm.get("NodeAddr", "")))
    managers = ", ".join(m.get("Addr", "") for m in swarm.get("RemoteManagers") or [])
    if managers:
        rows.append(("Manager Addresses", managers))
    return rows


def swarm_info_table(info: Attrs) -> pd.DataFrame:
    """The swarm part of `docker info` from ``client.info()``: one row per field."""
    return pd.DataFrame(swarm_rows(info), columns=["FIELD", "VALUE"])


def nodes_table(nodes: list[Attrs], self_id: str = "") -> pd.DataFrame:
    """Like `docker node ls`, from ``client.api.nodes()``; ``self_id`` (this engine's node) gets `` *``."""
    rows = []
    for node in sorted(nodes, key=lambda n: (n.get("Description") or {}).get("Hostname", "")):
        manager = node.get("ManagerStatus") or {}
        role = "Leader" if manager.get("Leader") else _title(manager.get("Reachability", ""))
        description = node.get("Description") or {}
        rows.append({"ID": node["ID"] + (" *" if node["ID"] == self_id else ""),
                     "HOSTNAME": description.get("Hostname", ""),
                     "STATUS": _title((node.get("Status") or {}).get("State", "")),
                     "AVAILABILITY": _title((node.get("Spec") or {}).get("Availability", "")),
                     "MANAGER STATUS": role,
                     "ENGINE VERSION": (description.get("Engine") or {}).get("EngineVersion", "")})
    columns = ["ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"]
    return pd.DataFrame(rows, columns=columns).set_index("ID")


def format_service_ports(service: Attrs) -> str:
    """The PORTS column of `service ls`: ``*:8080->80/tcp``, the routing mesh's (ingress) ports only,
    as the CLI lists them (a port published in host mode is the task's machine's, not the service's)."""
    ports = (service.get("Endpoint") or {}).get("Ports") or []
    return ", ".join(f"*:{p['PublishedPort']}->{p['TargetPort']}/{p.get('Protocol', 'tcp')}"
                     for p in ports if p.get("PublishedPort") and p.get("PublishMode", "ingress") == "ingress")


def services_table(services: list[Attrs], tasks: list[Attrs] | None = None) -> pd.DataFrame:
    """Like `docker service ls`, from ``client.api.services(status=True)``; without the engine's
    ``ServiceStatus`` (before API 1.41) REPLICAS is counted from ``tasks``."""
    rows = []
    for service in sorted(services, key=lambda s: s["Spec"]["Name"]):
        spec, status = service["Spec"], service.get("ServiceStatus")
        if status:
            replicas = f"{status.get('RunningTasks', 0)}/{status.get('DesiredTasks', 0)}"
        else:
            desired = desired_replicas(spec)
            replicas = f"{running_tasks(tasks or [], service['ID'])}/{'' if desired is None else desired}"
        rows.append({"ID": short_id(service["ID"]), "NAME": spec["Name"], "MODE": service_mode(spec),
                     "REPLICAS": replicas,
                     "IMAGE": service_image(spec["TaskTemplate"]["ContainerSpec"]["Image"]),
                     "PORTS": format_service_ports(service)})
    return pd.DataFrame(rows, columns=["ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS"]).set_index("ID")


def task_name(task: Attrs, service_names: dict[str, str]) -> str:
    """``web.1`` (replicated: service name and slot) or ``web.NODEID`` (global), as the CLI names tasks."""
    service = service_names.get(task.get("ServiceID", ""), short_id(task.get("ServiceID", "")))
    return f"{service}.{task['Slot']}" if task.get("Slot") else f"{service}.{task.get('NodeID', '')}"


def task_state(task: Attrs, now: float | None = None) -> str:
    """The CURRENT STATE column: ``Running 12 seconds ago``."""
    status = task.get("Status") or {}
    since = parse_time(status.get("Timestamp", ""))
    age = "" if since is None else f" {human_duration((now or time.time()) - since).lower()} ago"
    return _title(status.get("State", "")) + age


def tasks_table(tasks: list[Attrs], service_names: dict[str, str], node_names: dict[str, str],
                now: float | None = None) -> pd.DataFrame:
    """Like `docker service ps`, from ``client.api.tasks()``: by task name, newest first within a
    slot, older tasks of a slot indented with ``\\_`` as the CLI does."""
    def created(task: Attrs) -> float:
        return parse_time((task.get("CreatedAt") or "")) or 0.0

    ordered = sorted(tasks, key=lambda t: (task_name(t, service_names), -created(t)))
    rows, previous = [], None
    for task in ordered:
        name = task_name(task, service_names)
        error = (task.get("Status") or {}).get("Err", "")
        rows.append({"ID": short_id(task["ID"]), "NAME": name if name != previous else f" \\_ {name}",
                     "IMAGE": service_image(task["Spec"]["ContainerSpec"]["Image"]),
                     "NODE": node_names.get(task.get("NodeID", ""), ""),
                     "DESIRED STATE": _title(task.get("DesiredState", "")),
                     "CURRENT STATE": task_state(task, now), "ERROR": f'"{error}"' if error else ""})
        previous = name
    columns = ["ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR"]
    return pd.DataFrame(rows, columns=columns).set_index("ID")


def service_summary_table(service: Attrs, network_names: dict[str, str]) -> pd.DataFrame:
    """A service's essentials from ``docker service inspect``: a row per network it is on, with
    its virtual IP there (none in ``dnsrr`` mode: the name resolves to the tasks' own IPs)."""
    spec = service["Spec"]
    desired = desired_replicas(spec)
    vips = {v.get("NetworkID", ""): v.get("Addr", "") for v in (service.get("Endpoint") or {}).get("VirtualIPs") or []}
    attached = [n.get("Target", "") for n in (spec.get("TaskTemplate") or {}).get("Networks") or spec.get("Networks") or []]
    networks = list(dict.fromkeys([*attached, *vips])) or [""]
    base = {"NAME": spec["Name"], "SERVICE ID": short_id(service["ID"]), "MODE": service_mode(spec),
            "REPLICAS": "" if desired is None else desired,
            "IMAGE": service_image(spec["TaskTemplate"]["ContainerSpec"]["Image"]),
            "ENDPOINT MODE": endpoint_mode(service)}
    rows = [{**base, "NETWORK": network_names.get(net, short_id(net)), "VIRTUAL IP": vips.get(net, "")}
            for net in networks]
    columns = ["NAME", "SERVICE ID", "MODE", "REPLICAS", "IMAGE", "ENDPOINT MODE", "NETWORK", "VIRTUAL IP"]
    return pd.DataFrame(rows, columns=columns)


def plugins_table(plugins: list[Attrs]) -> pd.DataFrame:
    """Like `docker plugin ls`, from ``client.api.plugins()``."""
    rows = sorted(({"ID": short_id(p["Id"]), "NAME": p["Name"], "DESCRIPTION": p["Config"].get("Description", ""),
                    "ENABLED": p["Enabled"]} for p in plugins), key=lambda row: row["NAME"])
    return pd.DataFrame(rows, columns=["ID", "NAME", "DESCRIPTION", "ENABLED"])


def privileges_table(privileges: list[Attrs]) -> pd.DataFrame:
    """What a plugin asks for, a row per privilege, as `docker plugin install` lists it."""
    rows = [{"PRIVILEGE": p["Name"], "VALUE": " ".join(p.get("Value") or []), "WHAT IT MEANS": p.get("Description", "")}
            for p in privileges]
    return pd.DataFrame(rows, columns=["PRIVILEGE", "VALUE", "WHAT IT MEANS"])


def plugin_summary_table(plugin: Attrs) -> pd.DataFrame:
    """The settings of `docker plugin inspect` that say what a plugin is and how it runs."""
    config = plugin["Config"]
    linux, interface = config.get("Linux") or {}, config.get("Interface") or {}
    rows = [
        ("Name", plugin["Name"]),
        ("Enabled", plugin["Enabled"]),
        ("Description", config.get("Description", "")),
        ("Implements", ", ".join(interface.get("Types") or [])),
        ("Socket", f"/run/docker/plugins/{interface.get('Socket', '')}" if interface.get("Socket") else ""),
        ("Entrypoint", " ".join(config.get("Entrypoint") or [])),
        ("Network", (config.get("Network") or {}).get("Type", "")),
        ("Capabilities", ", ".join(linux.get("Capabilities") or [])),
        ("Mounts", ", ".join(m.get("Source") or m.get("Destination", "") for m in config.get("Mounts") or [])),
        ("Documentation", config.get("Documentation", "")),
    ]
    return pd.DataFrame(rows, columns=["SETTING", "VALUE"])


def node_labels(labels: dict[str, str] | None) -> str:
    """A node's labels as the CLI lists them: ``zone=a, ssd`` (a label without a value is its key)."""
    return ", ".join(f"{k}={v}" if v else k for k, v in sorted((labels or {}).items()))


def node_summary_table(node: Attrs) -> pd.DataFrame:
    """A node's essentials from ``docker node inspect``, one row, in `node ls`'s words: its role,
    availability, state, address, manager status, engine version and labels (the node's own, ``Spec.Labels``)."""
    spec, description = node.get("Spec") or {}, node.get("Description") or {}
    status, manager = node.get("Status") or {}, node.get("ManagerStatus") or {}
    row = {"HOSTNAME": description.get("Hostname", ""), "NODE ID": node["ID"],
           "ROLE": _title(spec.get("Role", "")), "AVAILABILITY": _title(spec.get("Availability", "")),
           "STATE": _title(status.get("State", "")), "ADDRESS": status.get("Addr", ""),
           "MANAGER STATUS": "Leader" if manager.get("Leader") else _title(manager.get("Reachability", "")),
           "ENGINE VERSION": (description.get("Engine") or {}).get("EngineVersion", ""),
           "LABELS": node_labels(spec.get("Labels"))}
    return pd.DataFrame([row], columns=list(row))
