"""JupyterHub's topology (deploy/jupyterhub): the learner's notebooks reach an engine of their own,
a Docker-in-Docker sidecar, through DOCKER_HOST. Every notebook runs against such an engine that
this test starts, and the engine the tests started from is left exactly as it was."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path


from dnlab import images
from dnlab.machines.nodes import NODE_IMAGE

from .dind import snapshot, start_sidecar, wait_for

ROOT = Path(__file__).parents[2]
SIDECAR = "dnlab-sidecar-test"


def run_course(environment: dict[str, str]) -> None:
    """`dnlab images`, then every notebook through nbval, as a learner's server would."""
    env = {**os.environ, **environment, "DNLAB_REGISTRY": "off"}
    prepared = subprocess.run([sys.executable, "-m", "dnlab", "images"], env=env, cwd=ROOT,
                              capture_output=True, text=True)
    assert prepared.returncode == 0, prepared.stderr[-2000:]
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                          "--nbval-sanitize-with", "tests/nbval-sanitize.cfg", "--nbval-cell-timeout=300",
                          "notebooks"], env=env, cwd=ROOT, capture_output=True, text=True)
    failures = [line for line in run.stdout.splitlines() if line.startswith(("FAILED", "E   "))]
    assert run.returncode == 0, "\n".join(failures[:60]) or run.stdout[-4000:]


def test_every_notebook_runs_against_a_sidecar_engine_and_the_outer_engine_is_untouched(client):
    api = client.api
    images.prepare(client, [NODE_IMAGE], progress=False)
    for old in api.containers(all=True, filters={"name": SIDECAR}):
        api.remove_container(old["Id"], force=True, v=True)
    before = snapshot(api)
    socket_dir = Path(tempfile.mkdtemp(prefix="dnlab-sidecar-"))
    start_sidecar(api, socket_dir, SIDECAR)
    try:
        url = f"unix://{socket_dir}/docker.sock"
        inner = wait_for(url, api, SIDECAR)
        assert inner.info()["ID"] != client.info()["ID"]
        run_course({"DOCKER_HOST": url, "DNLAB_MACHINES_DIR": str(socket_dir / "machines")})
    finally:
        api.remove_container(SIDECAR, force=True, v=True)
    after = snapshot(api)
    assert after == before, {key: sorted(set(after[key]) ^ set(before[key])) for key in before if after[key] != before[key]}
