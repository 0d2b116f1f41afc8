"""The course's image catalogue as a table, showing what is present without preparing anything."""
from __future__ import annotations

import docker
import pandas as pd

from dnlab.images.catalogue import CATALOGUE, NODES, chosen_node
from dnlab.images.describe import TITLE, VERSION, inspect_or_none, labels_of
from dnlab.engine.facts import human_size, short_id
from dnlab.labels import OWN_IMAGE, SUBSTITUTE_FOR
from dnlab.settings import NODE_ENGINE

COLUMNS = ["REFERENCE", "PRESENT", "SUBSTITUTE", "VERSION", "SIZE", "IMAGE ID", "PREPARED", "USED FOR"]


def report(client: docker.DockerClient) -> pd.DataFrame:
    """Like `docker images` for the course's images: one row per catalogue entry, present or not.

    PREPARED says when dnlab prepares it: "always" (every lab), "when used" (by the labs that
    need it, or when everything is prepared), or, for another engine's lab machines, when chosen.
    VERSION is the version of what the image holds: for a lab machine, its Docker engine's.
    """
    rows = []
    node = chosen_node()
    for image in CATALOGUE:
        when = "always" if image.everyday else "when used"
        if image in NODES and image is not node:
            when = f"when chosen ({NODE_ENGINE}={image.substitute.promised_version})"
        attrs = inspect_or_none(client, image.reference)
        if attrs is None:
            rows.append([image.reference, "no", "", "", "", "", when, image.used_for])
            continue
        labels = labels_of(attrs)
        substitute = f"yes: {labels.get(TITLE, '?')}" if SUBSTITUTE_FOR in labels else "no"
        if OWN_IMAGE in labels:
            substitute = f"no, dnlab's own: {labels.get(TITLE, '?')}"
        rows.append([image.reference, "yes", substitute, labels.get(VERSION, ""),
                     human_size(attrs.get("Size", 0)), short_id(attrs["Id"]), when, image.used_for])
    return pd.DataFrame(rows, columns=COLUMNS)


def machines_line() -> str:
    """The one line that says which engine lab machines run, and how to choose another."""
    node = chosen_node()
    others = ", ".join(image.substitute.promised_version for image in NODES if image is not node)
    return (f"dnlab: lab machines run {node.reference}, Docker {node.substitute.promised_version} from Debian "
            f"{node.substitute.suite} ({NODE_ENGINE} chooses another: {others})")
