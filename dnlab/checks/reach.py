"""Who can reach whom: ping, HTTP, name resolution and /etc/hosts, seen from inside a
container's network namespace (or the engine host's, with ``HOST``) by a probe."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pandas as pd

from dnlab.host import HOST, probe
from dnlab.lab import current


@dataclass(frozen=True)
class Ping:
    """Like `ping -c N`: did replies come back, and which address did the name resolve to."""

    source: str
    target: str
    ok: bool
    address: str | None
    output: str

    @property
    def resolved(self) -> bool:
        return self.address is not None

    def __repr__(self) -> str:
        return f"[{self.source}]$ ping {self.target}\n{self.output.rstrip()}"

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(repr(self))}</pre>"


def ping(source: str, target: str, count: int = 1, timeout_s: int = 2, on: str | None = None) -> Ping:
    """Ping ``target`` (a name or an address) from inside ``source`` (on lab machine ``on``)."""
    run = probe(source, ["ping", "-c", str(count), "-W", str(timeout_s), target], on=on)
    match = re.search(r"^PING \S+ \(([^)]+)\)", run.output, re.MULTILINE)
    return Ping(source, target, run.exit_code == 0, match.group(1) if match else None, run.output)


def resolve(source: str, name: str, on: str | None = None) -> str | None:
    """The address ``name`` resolves to inside ``source`` (via /etc/hosts or Docker's DNS), or None."""
    return ping(source, name, count=1, timeout_s=1, on=on).address


@dataclass(frozen=True)
class HttpGet:
    """Like `curl URL`: whether a page came back, its title and body."""

    source: str
    url: str
    ok: bool
    body: str

    @property
    def title(self) -> str:
        match = re.search(r"<title>(.*?)</title>", self.body, re.IGNORECASE | re.DOTALL)
        return match.group(1).strip() if match else ""

    def __repr__(self) -> str:
        head = f"[{self.source}]$ curl {self.url}"
        return f"{head}\n{self.body.rstrip()}" if self.ok else f"{head}\nno answer: {self.body.strip()}"

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(repr(self))}</pre>"


# Retry until the deadline: a server started a moment ago may not listen yet. (`timeout`
# rather than wget's own -T, which crashes Debian's static busybox.)
WGET_UNTIL_DEADLINE = (
    'end=$(( $(date +%s) + $1 )); '
    'while :; do timeout 2 wget -q -O - "$2" 2>/tmp/err && exit 0; '
    '[ "$(date +%s)" -ge "$end" ] && { cat /tmp/err; exit 1; }; sleep 0.2; done'
)


def http_get(source: str, url: str, timeout_s: int = 5, on: str | None = None) -> HttpGet:
    """Fetch ``url`` from inside ``source`` with busybox wget (``HOST``: from the engine host),
    trying again for up to ``timeout_s`` seconds while nothing answers."""
    run = probe(source, ["sh", "-c", WGET_UNTIL_DEADLINE, "wget", str(timeout_s), url], on=on)
    return HttpGet(source, url, run.exit_code == 0, run.output)


@dataclass(frozen=True)
class HostsFile:
    """A container's /etc/hosts: ``.df`` has a row per entry (address, names)."""

    source: str
    text: str

    @property
    def df(self) -> pd.DataFrame:
        rows = []
        for line in self.text.splitlines():
            fields = line.split("#", 1)[0].split()
            if len(fields) >= 2:
                rows.append({"ADDRESS": fields[0], "NAMES": " ".join(fields[1:])})
        return pd.DataFrame(rows, columns=["ADDRESS", "NAMES"])

    def lookup(self, name: str) -> str | None:
        """The address /etc/hosts gives for ``name``, or None."""
        for row in self.df.itertuples():
            if name in row.NAMES.split():
                return row.ADDRESS
        return None

    def __contains__(self, name: str) -> bool:
        return self.lookup(name) is not None

    def __repr__(self) -> str:
        return f"[{self.source}]$ cat /etc/hosts\n{self.text.rstrip()}"

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(repr(self))}</pre>"


def hosts(source: str) -> HostsFile:
    """``source``'s /etc/hosts, as Docker wrote it."""
    return HostsFile(source, probe(source, ["cat", "/etc/hosts"]).output)


INTERFACES_SCRIPT = (
    "for d in /sys/class/net/*; do n=${d##*/}; "
    "echo \"$n $(cat $d/operstate) $(cat $d/address) $(ip -4 -o addr show dev $n | "
    "awk '{print $4}' | tr '\\n' ',')\"; done"
)


def interfaces(source: str, on: str | None = None) -> pd.DataFrame:
    """Like `ifconfig` or `ip a`: a row per interface (name, state, IPv4, MAC) seen from ``source``
    (on lab machine ``on``)."""
    run = probe(source, ["sh", "-c", INTERFACES_SCRIPT], on=on)
    rows = []
    for line in run.output.splitlines():
        name, state, mac, *ipv4 = line.split() + [""]
        rows.append({"INTERFACE": name, "STATE": state.upper(), "IPV4": (ipv4[0] or "").strip(","),
                     "MAC": mac})
    return pd.DataFrame(rows, columns=["INTERFACE", "STATE", "IPV4", "MAC"]).sort_values("INTERFACE",
                                                                                       ignore_index=True)


def default_gateway(source: str, on: str | None = None) -> str | None:
    """The address ``source`` sends everything for outside its networks to (its default route's
    gateway), or None when it has no way out."""
    run = probe(source, ["ip", "-4", "route", "show", "default"], on=on)
    match = re.search(r"default via (\S+)", run.output)
    return match.group(1) if match else None


def port_holder(port: int) -> str | None:
    """Who listens on TCP ``port`` of the engine host: a container publishing it, "a program on
    the engine host", or None when the port is free."""
    run = probe(HOST, ["netstat", "-ltn"])
    listening = any(re.search(rf"[:.]{port}\s", line) for line in run.output.splitlines()[2:])
    if not listening:
        return None
    for container in current().client.api.containers():
        name = container["Names"][0].lstrip("/")
        if any(p.get("PublicPort") == port for p in container.get("Ports") or []):
            return f"container {name} (publishes {port})"
        if container["HostConfig"].get("NetworkMode") == "host":
            return f"container {name} (host network) or a program on the engine host"
    return "a program on the engine host"
