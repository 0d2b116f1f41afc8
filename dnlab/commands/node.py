"""`docker node ...`: one function per verb."""
from __future__ import annotations

import pandas as pd

from dnlab.lab import Lab
from dnlab.views import tables


def ls(lab: Lab) -> pd.DataFrame:
    """Like `docker node ls`: the swarm's nodes, this engine's own marked with `` *``."""
    client = lab.client
    self_id = (client.info().get("Swarm") or {}).get("NodeID", "")
    return tables.nodes_table(client.api.nodes(), self_id)
