"""Integration tests run against a real Docker engine (scripts/test starts one); no mocks."""
from __future__ import annotations

import os

import pytest
from IPython.core.interactiveshell import InteractiveShell

import dnlab
from dnlab import images
from dnlab.engine import connect

TEST_LAB = "integration-tests"
os.environ.setdefault("DNLAB_REGISTRY", "off")  # tests never contact a registry


@pytest.fixture(scope="session")
def client():
    """The engine; a test run without one fails here with dnlab's own explanation."""
    engine = connect()
    images.prepare(engine, progress=False)
    return engine


@pytest.fixture
def dnet(client):
    """Run a %%dnet cell in a real IPython shell, inside a fresh test lab."""
    shell = InteractiveShell.instance()
    shell.extension_manager.load_extension("dnlab")
    dnlab.start_lab(TEST_LAB)
    yield lambda cell: shell.run_cell_magic("dnet", "", cell)
    dnlab.cleanup(lab=TEST_LAB)


PLANTED = {"test.planted": "yes"}  # not a dnlab label: to dnlab these are a learner's own things


def remove_planted(api) -> None:
    """Remove what an earlier `planted` fixture made (by its own test label), whatever state it is in."""
    only = {"label": ["test.planted=yes"]}
    for container in api.containers(all=True, filters=only):
        api.remove_container(container["Id"], force=True)
    for network in api.networks(filters=only):
        api.remove_network(network["Id"])
    for volume in api.volumes(filters=only).get("Volumes") or []:
        api.remove_volume(volume["Name"])
    if any("learner/alpine-copy:mine" in (i.get("RepoTags") or []) for i in api.images()):
        api.remove_image("learner/alpine-copy:mine", force=True)


@pytest.fixture
def planted(client):
    """A learner's own things, made without dnlab: each must survive whatever dnlab does."""
    api = client.api
    remove_planted(api)
    net = api.create_network("learner-net", driver="bridge", labels=PLANTED)
    made = {"networks": [net["Id"]], "containers": []}
    for name, start in (("learner-running", True), ("learner-stopped", False)):
        c = api.create_container("alpine:latest", "sh", name=name, stdin_open=True, tty=True, labels=PLANTED,
                                 host_config=api.create_host_config(network_mode="learner-net"))
        if start:
            api.start(c["Id"])
        made["containers"].append(c["Id"])
    api.create_volume("learner-volume", labels=PLANTED)
    api.tag("alpine:latest", "learner/alpine-copy", "mine")
    yield made
    remove_planted(api)
    images.prepare(client, progress=False)
