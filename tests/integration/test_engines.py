"""The course on the engines learners have: every notebook, with its own asserts, against a Docker 26
and a Docker 28 engine (Debian trixie's and sid's, as ``dnlab/node`` images), each reached through
DOCKER_HOST in the sidecar topology of test_sidecar.py, its lab machines running the same engine.
The host's own engine runs the notebooks in nbval's main pass; the engine the tests started from is
left exactly as it was. A failure names the engine's version.

Building the two engines' images reads the Debian mirror (``installs``); the notebooks' own run has an
egress watch of its own.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docker
import pytest

from dnlab import images
from dnlab.images.build import cached_archive
from dnlab.images.catalogue import NODE_ENGINES, CatalogueImage, NodeEngine, course
from dnlab.settings import CACHE, NODE_ENGINE

from .dind import first_failure, snapshot, start_sidecar, wait_for

pytestmark = [pytest.mark.engine, pytest.mark.installs, pytest.mark.timeout(2400)]

ROOT = Path(__file__).resolve().parents[2]
MATRIX = [engine for engine in NODE_ENGINES if engine.version in ("26", "28")]
COURSE = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-cell-timeout=300",
          "--nbval-sanitize-with", "tests/nbval-sanitize.cfg", "notebooks"]


def copy_images(outer: docker.APIClient, inner: docker.APIClient, catalogue: list[CatalogueImage], cache: Path) -> None:
    """The course's images, from the engine the tests started from into the sidecar (it has no registry),
    by way of a cache of the sidecar learner's own: what a notebook's `system prune -fa` removes (6.02's
    does) comes back from it, as on a learner's machine, whatever the host's cache holds."""
    for image in catalogue:
        archive = cache / "images" / cached_archive(image).name
        archive.parent.mkdir(parents=True, exist_ok=True)
        with archive.open("wb") as out:
            for chunk in outer.get_image(image.reference):
                out.write(chunk)
        with archive.open("rb") as data:
            inner.load_image(data)


@pytest.mark.parametrize("engine", MATRIX, ids=lambda engine: f"docker-{engine.version}")
def test_every_notebook_passes_on_the_engine(client, engine: NodeEngine) -> None:
    api = client.api
    catalogue = list(course(engine))
    images.prepare(client, [image.reference for image in catalogue], progress=False)
    name = f"dnlab-engine-{engine.version.replace('.', '-')}"
    for old in api.containers(all=True, filters={"name": name}):
        api.remove_container(old["Id"], force=True, v=True)
    before = snapshot(api)
    socket_dir = Path(tempfile.mkdtemp(prefix=f"dnlab-docker-{engine.version}-"))
    start_sidecar(api, socket_dir, name, image=f"dnlab/node:{engine.version}")
    try:
        url = f"unix://{socket_dir}/docker.sock"
        inner = wait_for(url, api, name)
        version = inner.version()["Version"]
        assert version.split(".")[0] == engine.version, f"dnlab/node:{engine.version} runs Docker {version}"
        copy_images(api, inner.api, catalogue, socket_dir / "cache")
        (socket_dir / "machines").mkdir()
        env = {**os.environ, "DOCKER_HOST": url, NODE_ENGINE: engine.version, "DNLAB_REGISTRY": "off",
               "DNLAB_MACHINES_DIR": str(socket_dir / "machines"), CACHE: str(socket_dir / "cache")}
        run = subprocess.run(COURSE, cwd=ROOT, env=env, capture_output=True, text=True)
        summary = ([line.strip("= ") for line in run.stdout.splitlines() if re.search(r"\d+ passed", line)]
                   or ["no summary"])[-1]
        print(f"\ndnlab: every notebook on Docker {version} (API {inner.version()['ApiVersion']}): {summary}")
        assert run.returncode == 0, f"on Docker {version}:\n" + (first_failure(run.stdout) or (run.stdout + run.stderr)[-4000:])
    finally:
        api.remove_container(name, force=True, v=True)
        shutil.rmtree(socket_dir, ignore_errors=True)
    after = snapshot(api)
    assert after == before, {key: sorted(set(after[key]) ^ set(before[key])) for key in before if after[key] != before[key]}
