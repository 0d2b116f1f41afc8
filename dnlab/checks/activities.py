"""Checkers for the chapter's activities: each requirement met or not, with a hint when not."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd
from docker.errors import NotFound

from dnlab import labels
from dnlab.checks.facts import task_container
from dnlab.checks.reach import http_get, ping
from dnlab.host import probe
from dnlab.lab import current

Attrs = dict[str, Any]


@dataclass(frozen=True)
class Requirement:
    """One thing the activity asks for: met or not, what was seen, and a hint when not."""

    text: str
    met: bool
    seen: str
    hint: str = ""


@dataclass
class ActivityReport:
    """Every requirement of an activity; ``.ok`` when all are met."""

    title: str
    requirements: list[Requirement] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.met for r in self.requirements)

    def unmet(self) -> list[str]:
        return [r.text for r in self.requirements if not r.met]

    @property
    def df(self) -> pd.DataFrame:
        return pd.DataFrame([{"": "\u2713" if r.met else "\u2717", "REQUIREMENT": r.text, "SEEN": r.seen,
                              "HINT": "" if r.met else r.hint} for r in self.requirements])

    def __repr__(self) -> str:
        verdict = "all requirements met" if self.ok else f"{len(self.unmet())} requirement(s) not met yet"
        lines = [f"{self.title}: {verdict}"]
        for r in self.requirements:
            lines.append(f"  [{'x' if r.met else ' '}] {r.text}: {r.seen}" + ("" if r.met else f"\n      hint: {r.hint}"))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.ok else "#b00"
        verdict = "all requirements met" if self.ok else f"{len(self.unmet())} requirement(s) not met yet"
        return (f"<b>{html.escape(self.title)}: <span style='color:{colour}'>{verdict}</span></b>"
                + self.df.to_html(index=False, border=0))


def _inspect(name: str) -> Attrs | None:
    try:
        return current().client.api.inspect_container(name)
    except NotFound:
        return None


def _chosen_addressing(network: Attrs) -> str | None:
    """"SUBNET via GATEWAY" when the learner chose them: dnlab records that on networks it makes;
    for others, a gateway in the IPAM config is the best sign there is."""
    configs = (network.get("IPAM") or {}).get("Config") or []
    if not configs or not configs[0].get("Gateway"):
        return None
    network_labels = network.get("Labels") or {}
    if labels.is_lab_owned(network_labels) and network_labels.get(labels.IPAM_CHOSEN) != "chosen":
        return None
    return f"{configs[0]['Subnet']} via {configs[0]['Gateway']}"


def _custom_bridge(web: Attrs) -> tuple[str, str] | None:
    """(network name, "subnet via gateway") of a user-defined bridge with a chosen subnet and gateway."""
    api = current().client.api
    for name in web["NetworkSettings"].get("Networks") or {}:
        net = api.inspect_network(name)
        chosen = _chosen_addressing(net) if net["Driver"] == "bridge" and name != "bridge" else None
        if chosen:
            return name, chosen
    return None


def _host_port(web: Attrs, container_port: str) -> set[str]:
    bindings = (web["HostConfig"].get("PortBindings") or {}).get(container_port) or []
    return {b.get("HostPort", "") for b in bindings}


def _monitor(name: str | None) -> Attrs | None:
    """The named monitor, or the running alpine container in host network mode."""
    if name:
        return _inspect(name)
    for container in current().client.api.containers():
        attrs = _inspect(container["Id"])
        if attrs and attrs["HostConfig"]["NetworkMode"] == "host" and attrs["Config"]["Image"].startswith("alpine"):
            return attrs
    return None


def _page(source: str | None, url: str) -> tuple[bool, str]:
    if source is None:
        return False, "no monitor to fetch it from"
    page = http_get(source, url)
    return page.ok and page.title == "Welcome to nginx!", page.title or "no answer"


def activity_6_01(webserver: str = "webserver1", monitor: str | None = None) -> ActivityReport:
    """Activity 6.01: nginx on a custom bridge publishing 8080->80, an alpine monitor in host mode
    that reaches it both at localhost:8080 and at the web server's own IP on port 80."""
    report = ActivityReport("Activity 6.01")
    add: Callable[..., None] = lambda *args: report.requirements.append(Requirement(*args))  # noqa: E731
    web = _inspect(webserver)
    running = bool(web and web["State"]["Running"] and web["Config"]["Image"].startswith("nginx"))
    add(f"{webserver} runs NGINX", running,
        "running, " + web["Config"]["Image"] if web and web["State"]["Running"] else ("stopped" if web else "no such container"),
        f"run -d --name {webserver} ... nginx:latest")
    bridge = _custom_bridge(web) if web else None
    add(f"{webserver} is on a custom bridge network with its own subnet and gateway", bridge is not None,
        f"{bridge[0]}: {bridge[1]}" if bridge else "only " + ", ".join(web["NetworkSettings"]["Networks"]) if web else "-",
        "network create NAME --subnet ... --gateway ..., then run it with --network NAME")
    ports = _host_port(web, "80/tcp") if web else set()
    add(f"{webserver} publishes container port 80 on host port 8080", "8080" in ports,
        ", ".join(sorted(p for p in ports if p)) or "port 80 not published", "run it with -p 8080:80")
    mon = _monitor(monitor)
    in_host_mode = bool(mon and mon["State"]["Running"] and mon["HostConfig"]["NetworkMode"] == "host")
    add("an Alpine monitor container runs in host network mode", in_host_mode,
        (f"{mon['Name'].lstrip('/')}: network {mon['HostConfig']['NetworkMode']}" if mon else "none found"),
        "run -itd --network host --name monitor alpine:latest")
    source = mon["Name"].lstrip("/") if in_host_mode else None
    ok, seen = _page(source, "http://localhost:8080/")
    add("from the monitor, http://localhost:8080 returns the NGINX page", ok, seen,
        "publish 8080:80 and keep the monitor on the host network")
    ip = next((ep.get("IPAddress") for name, ep in (web["NetworkSettings"].get("Networks") or {}).items()
               if bridge and name == bridge[0]), None) if web else None
    ok, seen = _page(source, f"http://{ip}:80/") if ip else (False, "no address on a custom bridge")
    add("from the monitor, the web server's own IP on port 80 returns the NGINX page", ok,
        f"{ip}: {seen}" if ip else seen, "the host reaches a bridge network's containers at their IPs")
    return report


def _service(api: Any, name: str) -> Attrs | None:
    found = [s for s in api.services(filters={"name": name}) if s["Spec"]["Name"] == name]
    return found[0] if found else None


def _running_on(api: Any, service: str) -> str | None:
    """The hostname of the node running ``service``'s task (machine names are hostnames)."""
    hosts = {n["ID"]: n["Description"]["Hostname"] for n in api.nodes()}
    tasks = [t for t in api.tasks(filters={"service": service, "desired-state": "running"})
             if t["Status"]["State"] == "running"]
    return hosts.get(tasks[0]["NodeID"]) if tasks else None


def _env(service: Attrs) -> dict[str, str]:
    pairs = service["Spec"]["TaskTemplate"]["ContainerSpec"].get("Env") or []
    return dict(pair.split("=", 1) for pair in pairs if "=" in pair)


def activity_6_02(manager: str = "machine1", app: str = "trekking-app", database: str = "database-app") -> ActivityReport:
    """Activity 6.02: an overlay network with its own subnet and gateway, an Alpine ``trekking-app``
    and a ``postgres:12`` ``database-app`` service on it, on different machines, and trekking-app
    reaching database-app by name: ping, and PostgreSQL answering a real query."""
    report = ActivityReport("Activity 6.02")
    add: Callable[..., None] = lambda *args: report.requirements.append(Requirement(*args))  # noqa: E731
    api = current().on(manager).client.api
    overlays = {n["Name"]: n for n in api.networks(filters={"driver": "overlay"}) if not n.get("Ingress")}
    custom = {name: _chosen_addressing(n) for name, n in overlays.items()}
    custom = {name: chosen for name, chosen in custom.items() if chosen}
    add("an overlay network with its own subnet and gateway", bool(custom),
        ", ".join(f"{n}: {chosen}" for n, chosen in custom.items()) or "none with a subnet you chose",
        f"%dnet --on {manager} network create NAME --driver overlay --subnet ... --gateway ...")
    services = {name: _service(api, name) for name in (app, database)}
    image = {name: s["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"].split("@")[0] if s else "" for name, s in services.items()}
    where = {name: _running_on(api, name) if s else None for name, s in services.items()}
    add(f"{app} is a service running Alpine", bool(where[app]) and image[app].startswith("alpine"),
        f"{image[app] or 'no such service'} on {where[app] or 'no node'}",
        f"service create -t --network NAME --name {app} alpine:latest")
    env = _env(services[database]) if services[database] else {}
    add(f"{database} is a service running postgres:12 with credentials", bool(where[database])
        and image[database] == "postgres:12" and "POSTGRES_PASSWORD" in env,
        f"{image[database] or 'no such service'} on {where[database] or 'no node'}"
        + (", POSTGRES_PASSWORD set" if "POSTGRES_PASSWORD" in env else ", no POSTGRES_PASSWORD"),
        f"service create --network NAME -e POSTGRES_PASSWORD=... --name {database} postgres:12")
    names_by_id = {n["Id"]: n["Name"] for n in overlays.values()}
    nets = {name: {names_by_id.get(n["Target"], n["Target"]) for n in s["Spec"]["TaskTemplate"].get("Networks") or []}
            if s else set() for name, s in services.items()}
    shared = nets[app] & nets[database] & set(custom)
    add("both services are on that overlay network", bool(shared), ", ".join(sorted(shared)) or "not the same custom overlay",
        "give both services --network NAME")
    apart = bool(where[app] and where[database] and where[app] != where[database])
    add("they run on different machines", apart, f"{app} on {where[app]}, {database} on {where[database]}",
        "place them with --constraint node.hostname==machine1 / machine2")
    task = task_container(app, on=where[app]) if where[app] else None
    reached = ping(task, database, count=3, on=where[app]) if task else None
    add(f"{app} pings {database} by name over the overlay", bool(reached and reached.ok),
        (f"{database} -> {reached.address}, " + ("replies" if reached.ok else "no reply")) if reached else "no running task",
        "both on one overlay; without IPVS, create database-app with --endpoint-mode dnsrr")
    user = env.get("POSTGRES_USER", "postgres")
    query = probe(task, ["psql", "-h", database, "-U", user, "-d", env.get("POSTGRES_DB", user), "-tAc", "select 1"],
                  on=where[app], image="postgres:12", environment={"PGPASSWORD": env.get("POSTGRES_PASSWORD", "")}) \
        if task and services[database] else None
    add(f"PostgreSQL answers a query from {app} with those credentials", bool(query and query.exit_code == 0
        and query.output.strip() == "1"), (query.output.strip().splitlines() or ["no answer"])[-1] if query else "not tried",
        "database-app must be up and reachable; the credentials are its POSTGRES_* variables")
    return report
