"""The engine host itself, reached from a throw-away probe container: its links and its kernel."""
from dnlab.host import links
from dnlab.host.capabilities import FEATURES, has_ipvs, supports
from dnlab.host.probe import HOST, PROBE_IMAGE, ProbeRun, probe

__all__ = ["FEATURES", "HOST", "PROBE_IMAGE", "ProbeRun", "has_ipvs", "links", "probe", "supports"]
