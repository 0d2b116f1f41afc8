"""JupyterHub's topology (deploy/jupyterhub), as the learner a classroom has: a normal account in the
docker group, whose notebooks reach an engine of their own, a Docker-in-Docker sidecar, through
DOCKER_HOST. Starting from an empty image cache, that learner prepares every course image in that
engine (the Debian ones by mmdebstrap in a build container there, since the account cannot run
mmdebstrap itself), then runs every notebook through nbval, lab machines included, from a bundle
on a PATH with no Debian tools. The engine the tests started from is left exactly as it was.

It reads the Debian mirror (from this machine, as a learner's first `dnlab images` does), and may
install the learner's Python environment: the egress watch allows both (``installs``).
"""
from __future__ import annotations

import grp
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

import pytest

from dnlab import images
from dnlab.images.build import cached_archive
from dnlab.images.catalogue import course as course_images
from dnlab.machines.nodes import node_image
from tests.learners import LEARNER, course_copy, learner, own_environment

from .dind import first_failure, snapshot, start_sidecar, wait_for

pytestmark = [pytest.mark.engine, pytest.mark.installs, pytest.mark.timeout(3600)]

SIDECAR = "dnlab-sidecar-test"
PREPARE = "source scripts/setup.sh >/dev/null && dnlab images && dnlab images --save ../bundle.tar"
COURSE = ("dnlab images --load ../bundle.tar && exec pytest -q -p no:cacheprovider --nbval-lax"
          " --nbval-sanitize-with tests/nbval-sanitize.cfg --nbval-cell-timeout=300 notebooks")


class Learner:
    """``dnlabtest`` working in its own clone of the course, with its own engine and an empty cache."""

    def __init__(self, course: Path, url: str, machines: Path) -> None:
        self.account = learner()
        self.course, self.state = course, course.parent
        venv = own_environment(self.account)
        self.venv = venv or course / ".venv"  # where scripts/setup.sh makes it, if it must
        self.env = {"HOME": self.account.pw_dir, "USER": LEARNER, "LOGNAME": LEARNER, "LANG": "C.UTF-8",
                    "DOCKER_HOST": url, "DNLAB_REGISTRY": "off", "DNLAB_CACHE": str(self.state / "cache"),
                    "XDG_STATE_HOME": str(self.state / "state"), "DNLAB_MACHINES_DIR": str(machines),
                    **({"DNLAB_VENV": str(venv)} if venv else {})}
        engine = machines.parent  # the sidecar's socket directory stays root's
        for path in [self.state, *self.state.rglob("*")]:
            if path != engine and engine not in path.parents:
                os.lchown(path, self.account.pw_uid, self.account.pw_gid)
        for directory in (self.state / "cache", machines):
            directory.mkdir()
            os.chown(directory, self.account.pw_uid, self.account.pw_gid)

    def run(self, script: str, path: str) -> subprocess.CompletedProcess[str]:
        """``script`` in the clone, as the learner, with ``path`` as PATH."""
        return subprocess.run(["/bin/bash", "-c", script], cwd=self.course, env={**self.env, "PATH": path},
                              user=self.account.pw_uid, group=self.account.pw_gid,
                              extra_groups=os.getgrouplist(LEARNER, self.account.pw_gid),
                              capture_output=True, text=True)


def installed_packages(archive: Path) -> set[str]:
    """``NAME VERSION`` of each package in the dpkg database of a one-layer image archive."""
    with tarfile.open(archive) as image:
        layer = image.extractfile(json.load(image.extractfile("manifest.json"))[0]["Layers"][0])
        with tarfile.open(fileobj=layer, mode="r|") as rootfs:
            status = next(rootfs.extractfile(m).read().decode() for m in rootfs
                          if m.name.removeprefix("./") == "var/lib/dpkg/status")
    fields = [dict(line.split(": ", 1) for line in stanza.splitlines() if ": " in line and line[0] != " ")
              for stanza in status.split("\n\n")]
    return {f"{f['Package']} {f['Version']}" for f in fields if "Package" in f}


def test_a_learner_in_the_docker_group_prepares_every_image_and_runs_every_notebook_in_a_sidecar(client):
    """Two steps, as a classroom has them. First the learner prepares every image from an empty cache
    (the Debian ones built in the engine) and saves a bundle. Then, on a PATH that holds no Debian
    tool at all (Docker Desktop's case), the learner's own built images removed and the cache gone,
    the bundle is loaded and every notebook runs, its clean-ups' removals coming back from it."""
    if os.geteuid() != 0:
        pytest.skip("needs root to make and become the learner account `dnlabtest`")
    api = client.api
    images.prepare(client, [node_image()], progress=False)
    for old in api.containers(all=True, filters={"name": SIDECAR}):
        api.remove_container(old["Id"], force=True, v=True)
    before = snapshot(api)
    learner()
    state = Path(tempfile.mkdtemp(prefix="dnlab-learner-"))  # not under pytest's root-only tmp directory
    socket_dir = state / "engine"
    socket_dir.mkdir()
    start_sidecar(api, socket_dir, SIDECAR, group=grp.getgrnam("docker").gr_gid)
    try:
        url = f"unix://{socket_dir}/docker.sock"
        inner = wait_for(url, api, SIDECAR)
        assert inner.info()["ID"] != client.info()["ID"]
        learner_ = Learner(course_copy(state / "course", outputs=True), url, socket_dir / "machines")

        prepared = learner_.run(PREPARE, "/usr/local/bin:/usr/bin:/bin")
        assert prepared.returncode == 0, (prepared.stdout + prepared.stderr)[-4000:]
        assert "built in the engine, by mmdebstrap in a dnlab/builder:bookworm container" in prepared.stdout
        table = {line.split()[0]: line.split()[1] for line in prepared.stdout.splitlines() if line.strip()[:1].isalpha()}
        assert all(table.get(image.reference) == "yes" for image in course_images()), prepared.stdout[:3000]
        for image in course_images():  # built in the engine, as on the host: the same packages
            on_host, learners = cached_archive(image), state / "cache" / "images" / cached_archive(image).name
            if image.substitute.base == "debian" and on_host.exists():
                assert installed_packages(learners) == installed_packages(on_host), image.reference

        for image_id in images.owned_image_ids(inner):
            inner.api.remove_image(image_id, force=True)
        shutil.rmtree(state / "cache" / "images")
        course = learner_.run(COURSE, str(learner_.venv / "bin"))  # no apt, dpkg or mmdebstrap: the bundle only
        assert course.returncode == 0, first_failure(course.stdout) or (course.stdout + course.stderr)[-4000:]
    finally:
        api.remove_container(SIDECAR, force=True, v=True)
        shutil.rmtree(state, ignore_errors=True)
    after = snapshot(api)
    assert after == before, {key: sorted(set(after[key]) ^ set(before[key])) for key in before if after[key] != before[key]}
