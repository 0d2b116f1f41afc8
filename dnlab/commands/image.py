"""`docker pull` and `docker images`, offline first."""
from __future__ import annotations

import pandas as pd
from docker.errors import ImageNotFound

from dnlab import images
from dnlab.errors import ImageError
from dnlab.lab import Lab
from dnlab.views import tables
from dnlab.views.results import Output


def ensure_image(lab: Lab, reference: str) -> None:
    """Make sure ``reference`` is here before a container needs it: course images are prepared
    (pulled, or built offline); any other image must already be present."""
    try:
        lab.client.api.inspect_image(reference)
        return
    except ImageNotFound:
        pass
    if images.find(reference) is None:
        raise ImageError(f"image {reference} is not on this engine, and it is not one of the course's images.",
                         f"Pull it first (`pull {reference}`) where a registry answers.")
    images.prepare(lab.client, [images.find(reference).reference])


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
