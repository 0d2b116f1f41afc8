"""`machines up [N]`, `machines ls`, `machines down`: the lab machines, for the magic and the CLI alike."""
from __future__ import annotations

import pandas as pd

from dnlab import machines
from dnlab.lab import Lab
from dnlab.views.results import Output


def up(lab: Lab, count: int | None) -> pd.DataFrame:
    """`%dnet machines up [N]`: start (or repair) ``machine1`` .. ``machineN`` (2 unless told)."""
    return machines.up(2 if count is None else count)


def ls(lab: Lab) -> pd.DataFrame:
    """`%dnet machines ls`: each lab machine, its address, engine and swarm state."""
    return machines.ls()


def down(lab: Lab) -> Output:
    """`%dnet machines down`: remove every lab machine, its storage and the underlay network; nothing else."""
    gone = machines.down()
    return Output("Removed: " + ", ".join(sorted(gone)) if gone else "No lab machines to remove.")
