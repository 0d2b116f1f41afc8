"""An offline classroom bundle: every course image in one `docker save` archive, which a teacher writes
once (`dnlab images --save FILE`) and each learner loads (`dnlab images --load FILE`) into an engine with
no registry, no root and no Debian tools. The images keep their labels, so what they are stays true."""
from __future__ import annotations

import os
from pathlib import Path

import docker

from dnlab.errors import ImageError
from dnlab.images import store
from dnlab.images.catalogue import CATALOGUE
from dnlab.images.describe import inspect_or_none
from dnlab.images.preparation import Prepared, describe, from_bundle, made_by_dnlab, prepare

CHUNK = 1 << 20


def save(client: docker.DockerClient, path: Path, progress: bool = True) -> list[Prepared]:
    """Prepare every course image, then write them all to ``path`` (like `docker save -o PATH REF...`)."""
    prepared = prepare(client, everything=True, progress=progress)
    api = client.api
    # docker-py's get_image names one image; the engine's /images/get takes several, as `docker save` does
    response = api._get(api._url("/images/get"), params={"names": [p.reference for p in prepared]}, stream=True)
    api._raise_for_status(response)
    partial = path.with_name(path.name + ".part")
    try:
        with partial.open("wb") as out:
            for chunk in response.iter_content(CHUNK):
                out.write(chunk)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ImageError(f"Could not write the bundle {path}: {exc.strerror or exc}") from None
    os.replace(partial, path)
    return prepared


def load(client: docker.DockerClient, path: Path, progress: bool = True) -> list[Prepared]:
    """Bring the course images in the bundle at ``path`` onto this engine (an image already here is kept
    as it is, and no other tag is touched), and remember the bundle, so that a course image a clean-up
    removed comes back from it in seconds."""
    if not path.is_file():
        raise ImageError(f"There is no bundle at {path}.", "`dnlab images --save FILE` writes one where images can be made.")
    store.remember_bundle(path.resolve())
    engine = client.info()["ID"]
    found = []
    for image in CATALOGUE:
        attrs = inspect_or_none(client, image.reference)
        if attrs is not None:
            found.append(describe(image.reference, attrs, "local"))
            continue
        loaded = from_bundle(client, image, progress)
        if loaded is None:
            continue
        image_id = client.api.inspect_image(image.reference)["Id"]
        if not made_by_dnlab(client, image_id):
            store.record_pull(engine, image_id)  # a registry's image, brought by dnlab: dnlab may remove it
        found.append(loaded)
    return found
