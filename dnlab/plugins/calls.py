"""What Docker asked a network plugin on a lab machine, and what it answered.

dnlab/mesh prints every call as one JSON line; the machine's engine writes a plugin's output
into its own log, tagged with the plugin's ID, and a lab machine's engine log is its container's.
"""
from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from dnlab import lab as labs
from dnlab.engine.endpoints import container_name, real_machines
from dnlab.errors import DnlabError
from dnlab.plugins.catalogue import MESH

LOG_LINE = re.compile(r'time="(?P<time>[^"]+)" level=\w+ msg="(?P<message>(?:[^"\\]|\\.)*)" plugin=(?P<plugin>\w+)')


def plugin_calls(machine: str, plugin: str = MESH.reference) -> pd.DataFrame:
    """A row per protocol call, oldest first: the call, its HTTP status, and short forms of the
    request and answer (IDs cut to 12 characters). ``.attrs["calls"]`` keeps them whole."""
    if machine in real_machines():
        raise DnlabError(f"{machine} is a real host: its engine's log is not reachable from here.",
                         "Read it on that host (journalctl -u docker).")
    plugin_id = labs.current().on(machine).client.api.inspect_plugin(plugin)["Id"]
    log = labs.current().on(None).client.api.logs(container_name(machine), stdout=True, stderr=True).decode()
    calls = parse_log(log, plugin_id)
    rows = [{"TIME": call["time"], "CALL": call["call"].rsplit(".", 1)[-1], "STATUS": call["status"],
             "REQUEST": short(call["request"]), "ANSWER": short(call["answer"])} for call in calls]
    table = pd.DataFrame(rows, columns=["TIME", "CALL", "STATUS", "REQUEST", "ANSWER"])
    table.attrs["calls"] = calls
    return table


def parse_log(log: str, plugin_id: str) -> list[dict[str, Any]]:
    """The calls a plugin logged as JSON lines into an engine's log (other lines are skipped)."""
    calls = []
    for match in LOG_LINE.finditer(log):
        if match["plugin"] != plugin_id:
            continue
        try:
            call = json.loads(json.loads(f'"{match["message"]}"'))  # the engine quotes the line, Go-style
        except json.JSONDecodeError:
            continue
        if isinstance(call, dict) and "call" in call:
            calls.append({"time": match["time"], **call})
    return calls


def short(value: Any) -> str:
    """Compact JSON with every ``...ID`` value cut to 12 characters."""
    def cut(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: (v[:12] if k.endswith("ID") and isinstance(v, str) else cut(v)) for k, v in item.items()}
        return [cut(v) for v in item] if isinstance(item, list) else item

    return json.dumps(cut(value), separators=(",", ":"))
