"""A Docker-in-Docker engine for tests that need an engine of their own (a learner's sidecar, or one
to stop in the middle of a cell): dnlab's node image, its API on a unix socket in a directory that is
mounted at the same path inside, as a JupyterHub pod's shared volume is."""
from __future__ import annotations

import time
from pathlib import Path

import docker
from docker.errors import APIError

from dnlab import labels
from dnlab.machines.nodes import SECURE_ENOUGH, UNMASKED, node_image

SIDECAR_LABELS = labels.lab_labels("sidecar-test", "tests", role="sidecar")


def snapshot(api: docker.APIClient) -> dict[str, list[str]]:
    """Everything an engine holds that a notebook could change."""
    return {
        "containers": sorted(f"{c['Id']} {c['State']}" for c in api.containers(all=True)),
        "networks": sorted(n["Id"] for n in api.networks()),
        "volumes": sorted(v["Name"] for v in api.volumes().get("Volumes") or []),
        "images": sorted(f"{i['Id']} {sorted(i.get('RepoTags') or [])}" for i in api.images(all=True)),
        "plugins": sorted(p["Id"] for p in api.plugins()),
        "swarm": [api.info()["Swarm"]["LocalNodeState"]],
    }


def start_sidecar(api: docker.APIClient, socket_dir: Path, name: str, group: int | None = None,
                  image: str | None = None) -> None:
    """A Docker-in-Docker engine (``image``, the chosen lab-machine image unless given) with its API on
    ``socket_dir/docker.sock``, the directory mounted at the same path inside (as the pod's shared volume
    is), plain --privileged where it works; its socket belongs to ``group`` when given (a learner's), as
    dockerd's ``--group`` makes it."""
    storage = [{"Type": "volume", "Target": "/var/lib/docker", "VolumeOptions": {"Labels": SIDECAR_LABELS}}]
    for extra in ({"privileged": True}, SECURE_ENOUGH):
        host_config = api.create_host_config(binds={str(socket_dir): {"bind": str(socket_dir), "mode": "rw"}},
                                             **extra)
        host_config.update({"Mounts": storage, **({} if "privileged" in extra else UNMASKED)})
        container = api.create_container(image or node_image(), name=name, labels=SIDECAR_LABELS, host_config=host_config,
                                         environment={"DNLAB_NODE_SOCKET_DIR": str(socket_dir)},
                                         command=["--ip-forward=false", *(["--group", str(group)] if group else [])])
        try:
            api.start(container)
            return
        except APIError:
            api.remove_container(container, force=True, v=True)
    raise AssertionError("no Docker-in-Docker engine could start here")


def wait_for(url: str, api: docker.APIClient, name: str) -> docker.DockerClient:
    deadline = time.monotonic() + 90
    while True:
        try:
            inner = docker.DockerClient(base_url=url)
            inner.ping()
            return inner
        except Exception:
            assert time.monotonic() < deadline, api.logs(name).decode()[-2000:]
            time.sleep(0.5)


def first_failure(output: str) -> str:
    """The failed cells' names, then the first one's report as nbval gives it (its input and traceback)."""
    failed = [line for line in output.splitlines() if line.startswith("FAILED")]
    start = output.find("\n____")
    return "\n".join(failed[:30]) + ("\n" + output[start:start + 3000] if start >= 0 else "")
