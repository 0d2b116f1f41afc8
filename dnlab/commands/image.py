"""`docker pull` and `docker images`, offline first."""
from __future__ import annotations

import pandas as pd

from dnlab import images
from dnlab.lab import Lab
from dnlab.views import tables
from dnlab.views.results import Output


def pull(lab: Lab, reference: str) -> Output:
    """Like `docker pull`; for a course image offline, its locally built substitute."""
    if images.find(reference) is None:
        status = images.pull_other(lab.client, reference)
    else:
        [status] = images.prepare(lab.client, [images.find(reference).reference])
    return Output(str(status))


def ls(lab: Lab) -> pd.DataFrame:
    """Like `docker images`."""
    return tables.images_table(lab.client.api.images())
