"""What the engine and its host's kernel can do for the course, as data (``Capability``)."""
from __future__ import annotations

from docker.errors import ImageNotFound

from dnlab.engine import connect
from dnlab.engine.report import IPVS, MACVLAN, Capability, capabilities
from dnlab.errors import DnlabError
from dnlab.host.probe import HOST, PROBE_IMAGE, probe

FEATURES = {"macvlan": MACVLAN, "ipvs": IPVS}
"""What ``%%dnet --needs FEATURE`` and ``supports(FEATURE)`` know."""


def has_ipvs() -> bool | None:
    """Whether the engine host's kernel has IPVS (a swarm's virtual IPs need it); None while the
    probe image is not prepared, since asking would build it."""
    try:
        connect().api.inspect_image(PROBE_IMAGE)
    except ImageNotFound:
        return None
    return probe(HOST, ["test", "-e", "/proc/net/ip_vs"]).exit_code == 0


def supports(feature: str) -> Capability:
    """Whether this engine can do a part of the course (``"macvlan"``, ``"ipvs"``), and why in words."""
    if feature not in FEATURES:
        raise DnlabError(f"dnlab knows no feature {feature!r}.", f"Known: {', '.join(FEATURES)}.")
    ipvs = has_ipvs() if feature == "ipvs" else None
    return next(c for c in capabilities(connect().info(), ipvs) if c.name == FEATURES[feature])
