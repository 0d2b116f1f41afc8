"""``%dnet``'s own verbs for the lab as a whole: `lab NAME`, `topology`, `panel`."""
from __future__ import annotations

from typing import Any

from dnlab import lab as labs
from dnlab.cleanup import CleanupReport, cleanup
from dnlab.images import prepare
from dnlab.lab import Lab
from dnlab.views.topology import Topology, topology as draw


def lab(lab: Lab, name: str) -> CleanupReport:
    """`%dnet lab NAME`: begin lab ``name``: clear what an earlier run of it left behind, make the course's images
    present (a bar shows any that must be built), and label everything from now on with it."""
    begun = labs.begin(name)
    report = cleanup(lab=name)
    prepare(begun.client)
    return report


def start_lab(name: str) -> CleanupReport:
    """`%dnet lab NAME`, from Python."""
    return lab(labs.current(), name)


def topology(lab: Lab) -> Topology:
    """`%dnet topology`: a picture of the lab as it is now."""
    return draw()


def panel(lab: Lab) -> Any:
    """`%dnet panel`: a live panel of the lab."""
    from dnlab.views.panel import LabPanel  # lazy: ipywidgets is slow to import, and only the panel needs it

    return LabPanel()
