"""`docker node ...`: one function per verb."""
from __future__ import annotations

import pandas as pd

from dnlab.errors import EngineError
from dnlab.lab import Lab
from dnlab.parser import values
from dnlab.views import formats, tables
from dnlab.views.results import Inspections, NodeInspect, Output


def ls(lab: Lab, filters: list[tuple[str, str]] | None, quiet: bool, format: str | None) -> pd.DataFrame | Output:
    """Like `docker node ls`: the swarm's nodes, this engine's own marked with `` *`` (``--filter``,
    ``-q``, ``--format``)."""
    client = lab.client
    self_id = (client.info().get("Swarm") or {}).get("NodeID", "")
    found = sorted(client.api.nodes(filters=values.filters(filters)),
                   key=lambda node: (node.get("Description") or {}).get("Hostname", ""))
    if quiet:
        return Output("\n".join(node["ID"] for node in found))
    if format:
        return formats.render_each(format, [formats.node_fields(node, self_id) for node in found], headers={},
                                   listing=True)
    return tables.nodes_table(found, self_id)


def inspect(lab: Lab, pretty: bool, format: str | None, names: list[str]) -> NodeInspect | Inspections | Output:
    """Like `docker node inspect [--pretty] self|NODE...`: each node's role, availability, state,
    address, engine version and labels (``.df``; ``--pretty`` or ``--format pretty``: printed as the
    CLI prints it), and ``.attrs`` all of it; ``--format TEMPLATE`` renders the raw answer."""
    client = lab.client
    self_id = (client.info().get("Swarm") or {}).get("NodeID", "")
    found = [client.api.inspect_node(_reference(lab, name, self_id)) for name in names]
    pretty = pretty or format == "pretty"
    if format and not pretty:
        return formats.render_each(format, found)
    shown = [NodeInspect(attrs, pretty, self_id) for attrs in found]
    return shown[0] if len(shown) == 1 else Inspections(shown)


def _reference(lab: Lab, name: str, self_id: str) -> str:
    """``self`` is this engine's own node, as the CLI resolves it (the engine knows no ``self``)."""
    if name != "self":
        return name
    if not self_id:
        lab.client.api.nodes()  # the engine's own refusal says why: in no swarm yet
        raise EngineError("node ID not found in /info.", "`info` shows whether this engine is in a swarm.")
    return self_id
