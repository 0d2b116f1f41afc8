"""What a ``%%dnet`` command gives back: shown like the CLI, rich in Jupyter, raw data kept."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

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
    """The command line shown above its result when a cell runs several commands."""

    text: str

    def __repr__(self) -> str:
        return f"$ docker {self.text}"

    def _repr_html_(self) -> str:
        return f"<code style='color:#555'>$ docker {html.escape(self.text)}</code>"


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
class CleanupReport:
    """What a lab-scoped clean-up removed, and what it kept and why."""

    removed: dict[str, list[str]] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)

    def add(self, kind: str, name: str) -> None:
        self.removed.setdefault(kind, []).append(name)

    @property
    def nothing(self) -> bool:
        return not any(self.removed.values())

    def lines(self) -> list[str]:
        out = [f"Deleted {kind}: {', '.join(names)}" for kind, names in self.removed.items() if names]
        out += [f"Kept {why}" for why in self.kept]
        return out or ["Nothing of the lab's to remove."]

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        return "<br>".join(html.escape(line) for line in self.lines())
