"""The Debian mirror this machine's apt already uses, read from its sources at run time.

dnlab never names a mirror itself: it reuses the one apt is configured with (a classroom's
local mirror, a snapshot, a proxy), or ``DNLAB_DEBIAN_MIRROR`` when set.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from dnlab.errors import ImageError
from dnlab.settings import DEBIAN_MIRROR, settings

APT_DIR = Path("/etc/apt")
MIRROR_VARIABLE = DEBIAN_MIRROR
DEBIAN_SUITES = ("bullseye", "bookworm", "trixie", "forky", "sid", "unstable")
ROLLING = ("sid", "unstable")
"""Suites without -updates or -security companions."""
ONE_LINE = re.compile(r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s*(.*)$")


@dataclass(frozen=True)
class AptSource:
    """One (URI, suite) pair of an apt source, with its components."""

    uri: str
    suite: str
    components: tuple[str, ...]


def parse_deb822(text: str) -> list[AptSource]:
    """The binary-package sources of a deb822 ``.sources`` file."""
    sources = []
    for stanza in re.split(r"\n\s*\n", text):
        fields = _deb822_fields(stanza)
        if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes") == "no":
            continue
        components = tuple(fields.get("components", "").split())
        for uri in fields.get("uris", "").split():
            sources += [AptSource(uri, suite, components) for suite in fields.get("suites", "").split()]
    return sources


def parse_one_line(text: str) -> list[AptSource]:
    """The binary-package sources of a one-line-style ``sources.list``."""
    sources = []
    for line in text.splitlines():
        match = ONE_LINE.match(line.split("#", 1)[0].strip())
        if match:
            uri, suite, components = match.groups()
            sources.append(AptSource(uri, suite, tuple(components.split())))
    return sources


def machine_sources(apt_dir: Path = APT_DIR) -> list[AptSource]:
    """Every binary-package source in this machine's apt configuration."""
    files = [apt_dir / "sources.list", *sorted((apt_dir / "sources.list.d").glob("*.list"))]
    sources = [s for path in files if path.is_file() for s in parse_one_line(path.read_text())]
    for path in sorted((apt_dir / "sources.list.d").glob("*.sources")):
        sources += parse_deb822(path.read_text())
    return sources


def mirror_lines(suite: str, sources: list[AptSource]) -> list[str]:
    """``deb URI SUITE main`` lines for ``suite`` and its -updates and -security suites.

    A suite the machine's sources do not name (trixie or sid on a bookworm machine) is read from
    the same mirrors as the machine's own Debian suite, under the other name.
    """
    lines = _lines_for(suite, sources)
    if not lines:
        own = next((s.suite for s in sources if s.suite in DEBIAN_SUITES and "main" in s.components), None)
        renamed = [AptSource(s.uri, suite + s.suite.removeprefix(own), s.components)
                   for s in sources if own and s.suite.split("-")[0] == own]
        lines = _lines_for(suite, renamed)
    return lines


def _lines_for(suite: str, sources: list[AptSource]) -> list[str]:
    wanted = {suite} if suite in ROLLING else {suite, f"{suite}-updates", f"{suite}-security"}
    lines = [f"deb {s.uri} {s.suite} main" for s in sources if s.suite in wanted and "main" in s.components]
    return list(dict.fromkeys(lines))


def debian_mirror_lines(suite: str) -> list[str]:
    """The apt lines to build a Debian ``suite`` root filesystem from, or an ImageError saying why not."""
    override = settings().debian_mirror
    if override:
        return [f"deb {override} {suite} main"]
    lines = mirror_lines(suite, machine_sources())
    if not lines:
        raise ImageError(
            f"This machine's apt sources have no Debian {suite} mirror to build images from.",
            f"Set {MIRROR_VARIABLE} to the URL of a Debian mirror you may use.",
        )
    return lines


def _deb822_fields(stanza: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    key = ""
    for line in stanza.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line[0].isspace() and key:
            fields[key] += " " + line.strip()
        elif ":" in line:
            key, value = line.split(":", 1)
            key = key.strip().lower()
            fields[key] = value.strip()
    return fields
