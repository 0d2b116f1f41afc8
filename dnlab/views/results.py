"""What a ``%%dnet`` command gives back: shown like the CLI, rich in Jupyter, raw data kept."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dnlab.engine import facts
from dnlab.views import tables

Attrs = dict[str, Any]


def _table_html(df: pd.DataFrame) -> str:
    return df.to_html(index=False, border=0, classes="dnlab-table")


def _table_text(df: pd.DataFrame) -> str:
    return df.to_string(index=False) if len(df) else "(none)"


@dataclass
class Output:
    """Plain CLI-like output: an ID after ``run -d``, names after ``rm`` ..."""

    text: str

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.text)}</pre>"


@dataclass
class CommandHeader:
    """The command line shown above its result when a cell runs several commands; on a lab
    machine (``%%dnet --on machine1``) the prompt names it: ``machine1 $ docker swarm init``."""

    text: str
    machine: str | None = None

    def __repr__(self) -> str:
        return f"{self.machine + ' ' if self.machine else ''}$ docker {self.text}"

    def _repr_html_(self) -> str:
        return f"<code style='color:#555'>{html.escape(repr(self))}</code>"


@dataclass
class ExecResult:
    """Like the output of `docker exec`; a non-zero exit is a result, not an error."""

    container: str
    cmd: list[str]
    exit_code: int
    output: str

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def __repr__(self) -> str:
        tail = "" if self.ok else f"\n[exit code {self.exit_code}]"
        return self.output.rstrip("\n") + tail

    def _repr_html_(self) -> str:
        tail = "" if self.ok else f"<br><b style='color:#b00'>exit code {self.exit_code}</b>"
        return f"<pre>{html.escape(self.output.rstrip())}</pre>{tail}"


@dataclass
class ContainerInspect:
    """Like `docker inspect CONTAINER`: ``.df`` holds a row per network, ``.attrs`` the raw JSON."""

    attrs: Attrs
    df: pd.DataFrame = field(init=False)
    ports: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.df = tables.container_networks_table(self.attrs)
        self.ports = tables.container_ports_table(self.attrs)

    @property
    def name(self) -> str:
        return self.attrs["Name"].lstrip("/")

    @property
    def headline(self) -> str:
        state = self.attrs["State"]
        status = state["Status"] + (f" (exit code {state['ExitCode']})" if state["Status"] == "exited" else "")
        return f"container {self.name}: {status}, image {self.attrs['Config']['Image']}"

    def __repr__(self) -> str:
        return f"{self.headline}\n{_table_text(self.df)}\nports:\n{_table_text(self.ports)}"

    def _repr_html_(self) -> str:
        ports = _table_html(self.ports) if len(self.ports) else "<i>none</i>"
        return (f"<b>{html.escape(self.headline)}</b>{_table_html(self.df)}"
                f"<div>ports:</div>{ports}")


@dataclass
class NetworkInspect:
    """Like `docker network inspect`: ``.df`` its addressing, ``.containers`` who is on it."""

    attrs: Attrs
    df: pd.DataFrame = field(init=False)
    containers: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.df = tables.network_summary_table(self.attrs)
        self.containers = tables.network_containers_table(self.attrs)

    @property
    def name(self) -> str:
        return self.attrs["Name"]

    def __repr__(self) -> str:
        return f"network {self.name}\n{_table_text(self.df)}\ncontainers:\n{_table_text(self.containers)}"

    def _repr_html_(self) -> str:
        members = _table_html(self.containers) if len(self.containers) else "<i>no containers</i>"
        return (f"<b>network {html.escape(self.name)}</b>{_table_html(self.df)}"
                f"<div>containers:</div>{members}")


class Inspections(list):
    """Several inspect results (``inspect a b``), shown one after another."""

    def __repr__(self) -> str:
        return "\n\n".join(repr(item) for item in self)

    def _repr_html_(self) -> str:
        return "".join(item._repr_html_() for item in self)


@dataclass
class SwarmInit:
    """Like the output of `docker swarm init`; ``.join_token`` (worker) and ``.address`` for the
    `swarm join` of the other machines."""

    node_id: str
    join_token: str
    address: str
    port: int = 2377

    @property
    def join_command(self) -> str:
        return f"docker swarm join --token {self.join_token} {self.address}:{self.port}"

    def __repr__(self) -> str:
        return (f"Swarm initialized: current node ({self.node_id}) is now a manager.\n\n"
                f"To add a worker to this swarm, run the following command:\n\n    {self.join_command}\n\n"
                "To add a manager to this swarm, run 'docker swarm join-token manager' "
                "and follow the instructions.")

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(repr(self))}</pre>"


@dataclass
class SystemInfo:
    """Like `docker info`: ``.df`` its swarm part (as the CLI words it), ``.attrs`` all of it."""

    attrs: Attrs
    df: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.df = tables.swarm_info_table(self.attrs)

    @property
    def swarm(self) -> str:
        """``inactive``, ``active``, ``pending``, ``error`` or ``locked``."""
        return (self.attrs.get("Swarm") or {}).get("LocalNodeState") or "inactive"

    def __repr__(self) -> str:
        head = f"Server: {self.attrs.get('Name', '?')}, Docker {self.attrs.get('ServerVersion', '?')}"
        rows = [f" {what}: {value}" if what == "Swarm" else f"  {what}: {value}"
                for what, value in self.df.itertuples(index=False)]
        return "\n".join([head, *rows])

    def _repr_html_(self) -> str:
        head = html.escape(repr(self).splitlines()[0])
        return f"<b>{head}</b>{_table_html(self.df)}"


@dataclass
class ServiceInspect:
    """Like `docker service inspect`: ``.df`` a row per network with its virtual IP, ``.attrs`` the JSON."""

    attrs: Attrs
    network_names: dict[str, str] = field(default_factory=dict)
    df: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.df = tables.service_summary_table(self.attrs, self.network_names)

    @property
    def name(self) -> str:
        return self.attrs["Spec"]["Name"]

    @property
    def endpoint_mode(self) -> str:
        return facts.endpoint_mode(self.attrs)

    @property
    def headline(self) -> str:
        note = {"vip": "its name resolves to one virtual IP per network",
                "dnsrr": "its name resolves to its tasks' own IPs (no virtual IP)"}.get(self.endpoint_mode, "")
        return f"service {self.name}: endpoint mode {self.endpoint_mode}, {note}"

    def __repr__(self) -> str:
        return f"{self.headline}\n{_table_text(self.df)}"

    def _repr_html_(self) -> str:
        return f"<b>{html.escape(self.headline)}</b>{_table_html(self.df)}"


@dataclass
class PluginInstall:
    """Like the output of `docker plugin install`: the privileges it was granted (``.df``), and how
    it came to be here (pulled, or made here from a directory)."""

    name: str
    privileges: list[Attrs]
    how: str
    enabled: bool = True
    df: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.df = tables.privileges_table(self.privileges)

    def lines(self) -> list[str]:
        asked = [f" - {p['Name']}: [{' '.join(p['Value'])}]" for p in self.privileges]
        state = "enabled" if self.enabled else "installed, not enabled (--disable)"
        return [f'Plugin "{self.name}" is requesting the following privileges:', *asked,
                "Granted (--grant-all-permissions).", f"{self.name}: {self.how}; {state}."]

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        head, *_, granted, done = self.lines()
        return (f"<div>{html.escape(head)}</div>{_table_html(self.df)}"
                f"<div>{html.escape(granted)}</div><div>{html.escape(done)}</div>")


@dataclass
class PluginInspect:
    """Like `docker plugin inspect`: ``.df`` what it is and may do, ``.attrs`` the raw JSON."""

    attrs: Attrs
    df: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.df = tables.plugin_summary_table(self.attrs)

    @property
    def name(self) -> str:
        return self.attrs["Name"]

    def __repr__(self) -> str:
        return f"plugin {self.name}\n{_table_text(self.df)}"

    def _repr_html_(self) -> str:
        return f"<b>plugin {html.escape(self.name)}</b>{_table_html(self.df)}"


def _binary_size(size: float) -> str:
    """go-units' BytesSize, as `node inspect --pretty` prints memory: ``1.954GiB``."""
    units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    while size >= 1024 and len(units) > 1:
        size, units = size / 1024, units[1:]
    return f"{size:.4g}{units[0]}"


def _capitalized(word: str) -> str:
    """The CLI's way of printing a state: ``ready`` -> ``Ready``."""
    return word[:1].upper() + word[1:]


def _label_lines(labels: dict[str, str]) -> list[str]:
    return [f" - {k}={v}" if v else f" - {k}" for k, v in sorted(labels.items())]


def _go_time(text: str) -> str:
    """An engine time as Go prints a time.Time: ``2026-11-27 20:13:28.587021839 +0000 UTC``."""
    date, _, clock = text.rstrip("Z").partition("T")
    whole, _, fraction = clock.partition(".")
    fraction = fraction.rstrip("0")
    return f"{date} {whole}{'.' + fraction if fraction else ''} +0000 UTC"


@dataclass
class NodeInspect:
    """Like `docker node inspect`: ``.df`` the node's role, availability, state, address, engine
    version and labels; ``.attrs`` the raw JSON; with ``pretty`` it prints as ``--pretty`` does."""

    attrs: Attrs
    pretty: bool = False
    self_id: str = ""
    df: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.df = tables.node_summary_table(self.attrs)

    @property
    def hostname(self) -> str:
        return (self.attrs.get("Description") or {}).get("Hostname", "")

    @property
    def role(self) -> str:
        """``manager`` or ``worker``."""
        return (self.attrs.get("Spec") or {}).get("Role", "")

    @property
    def availability(self) -> str:
        """``active``, ``pause`` or ``drain``."""
        return (self.attrs.get("Spec") or {}).get("Availability", "")

    @property
    def state(self) -> str:
        """``ready``, ``down``, ``unknown`` or ``disconnected``."""
        return (self.attrs.get("Status") or {}).get("State", "")

    @property
    def address(self) -> str:
        return (self.attrs.get("Status") or {}).get("Addr", "")

    @property
    def labels(self) -> dict[str, str]:
        return dict((self.attrs.get("Spec") or {}).get("Labels") or {})

    @property
    def headline(self) -> str:
        leader = " (the leader)" if (self.attrs.get("ManagerStatus") or {}).get("Leader") else ""
        this = " (this node)" if self.attrs.get("ID") == self.self_id else ""
        return (f"node {self.hostname}{this}: {self.role}{leader}, {self.availability}, {self.state}"
                f"{', at ' + self.address if self.address else ''}")

    def pretty_lines(self) -> list[str]:
        """What `docker node inspect --pretty` prints (without its TLS part)."""
        a = self.attrs
        spec, description = a.get("Spec") or {}, a.get("Description") or {}
        status, manager = a.get("Status") or {}, a.get("ManagerStatus")
        platform, resources = description.get("Platform") or {}, description.get("Resources") or {}
        engine = description.get("Engine") or {}

        def row(label: str, value: object, indent: str = "") -> str:
            return f"{indent}{label + ':':<{23 - len(indent)}} {value}"

        lines = [row("ID", a["ID"])]
        if spec.get("Name"):
            lines.append(row("Name", spec["Name"]))
        if spec.get("Labels"):
            lines += ["Labels:", *_label_lines(spec["Labels"])]
        lines += [row("Hostname", description.get("Hostname", "")), row("Joined at", _go_time(a.get("CreatedAt", ""))),
                  "Status:", row("State", _capitalized(status.get("State", "")), " ")]
        if status.get("Message"):
            lines.append(row("Message", status["Message"], " "))
        lines.append(row("Availability", _capitalized(spec.get("Availability", "")), " "))
        if status.get("Addr"):
            lines.append(row("Address", status["Addr"], " "))
        if manager:
            lines += ["Manager Status:", row("Address", manager.get("Addr", ""), " "),
                      row("Raft Status", _capitalized(manager.get("Reachability", "")), " "),
                      row("Leader", "Yes" if manager.get("Leader") else "No", " ")]
        lines += ["Platform:", row("Operating System", platform.get("OS", ""), " "),
                  row("Architecture", platform.get("Architecture", ""), " "),
                  "Resources:", row("CPUs", int(resources.get("NanoCPUs", 0)) // 10**9, " "),
                  row("Memory", _binary_size(resources.get("MemoryBytes", 0)), " ")]
        plugins: dict[str, list[str]] = {}
        for plugin in engine.get("Plugins") or []:
            plugins.setdefault(plugin.get("Type", ""), []).append(plugin.get("Name", ""))
        if plugins:
            lines += ["Plugins:", *(row(kind, ", ".join(names), " ") for kind, names in sorted(plugins.items()))]
        lines.append(row("Engine Version", engine.get("EngineVersion", "")))
        if engine.get("Labels"):
            lines += ["Engine Labels:", *_label_lines(engine["Labels"])]
        return lines

    def __repr__(self) -> str:
        if self.pretty:
            return "\n".join(self.pretty_lines())
        return f"{self.headline}\n{_table_text(self.df)}"

    def _repr_html_(self) -> str:
        if self.pretty:
            return f"<pre>{html.escape(repr(self))}</pre>"
        return f"<b>{html.escape(self.headline)}</b>{_table_html(self.df)}"
