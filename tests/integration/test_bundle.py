"""The offline classroom bundle, for real: written from this engine with `dnlab images --save`, loaded
with `dnlab images --load` into a Docker-in-Docker engine of its own (a learner's, through DOCKER_HOST),
by a `dnlab` that finds no Debian tool on its PATH and no registry, from an empty cache. Docker
Desktop's case. The images keep their labels, a removed one comes back from the bundle, and this
engine keeps what it had."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from dnlab import images
from dnlab.images.catalogue import course
from dnlab.labels import OWN_IMAGE
from dnlab.machines.nodes import node_image

from .dind import snapshot, start_sidecar, wait_for

pytestmark = [pytest.mark.engine, pytest.mark.slow, pytest.mark.timeout(900)]
ROOT = Path(__file__).parents[2]
SIDECAR = "dnlab-bundle-test"


def dnlab(*words: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dnlab", *words], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_a_bundle_brings_every_course_image_to_an_engine_with_no_registry_and_no_debian_tools(client, tmp_path):
    api = client.api
    images.prepare(client, [node_image()], progress=False)
    for old in api.containers(all=True, filters={"name": SIDECAR}):
        api.remove_container(old["Id"], force=True, v=True)
    teacher = {**os.environ, "DNLAB_REGISTRY": "off"}
    bundle = tmp_path / "course-images.tar"
    saved = dnlab("images", "--save", str(bundle), env=teacher)
    assert saved.returncode == 0 and "course images to" in saved.stdout, saved.stderr[-2000:]

    before = snapshot(api)
    socket_dir = Path(tempfile.mkdtemp(prefix="dnlab-bundle-"))
    start_sidecar(api, socket_dir, SIDECAR)
    try:
        inner = wait_for(f"unix://{socket_dir}/docker.sock", api, SIDECAR)
        no_tools = tmp_path / "bin"  # PATH holds no apt, dpkg or mmdebstrap: only the bundle can help
        no_tools.mkdir()
        learner = {**os.environ, "DOCKER_HOST": f"unix://{socket_dir}/docker.sock", "DNLAB_REGISTRY": "off",
                   "PATH": str(no_tools), "XDG_CACHE_HOME": str(tmp_path / "cache"),
                   "XDG_STATE_HOME": str(tmp_path / "state")}
        loaded = dnlab("images", "--load", str(bundle), env=learner)
        assert loaded.returncode == 0, loaded.stderr[-2000:]
        for image in course():  # the chosen engine's lab-machine image, not every engine's
            attrs = inner.api.inspect_image(image.reference)
            mine = client.api.inspect_image(image.reference)
            assert attrs["Id"] == mine["Id"], image.reference  # the same image, its config and all
            labels = attrs["Config"].get("Labels") or {}
            assert labels == (mine["Config"].get("Labels") or {}), image.reference
            assert (OWN_IMAGE in labels) == image.own, image.reference  # truthfully labelled still
        inner.api.remove_image("nginx:latest", force=True)  # as a notebook's own clean-up may
        again = dnlab("images", env=learner)
        assert again.returncode == 0, again.stderr[-2000:]
        assert "nginx:latest: loading from the classroom bundle" in again.stderr, again.stderr
        assert inner.api.inspect_image("nginx:latest")["Id"] == client.api.inspect_image("nginx:latest")["Id"]
    finally:
        api.remove_container(SIDECAR, force=True, v=True)
    after = snapshot(api)
    assert after == before, {key: sorted(set(after[key]) ^ set(before[key])) for key in before if after[key] != before[key]}
