"""A learner's own containers, images, networks and volumes survive everything dnlab does."""
import pytest

import dnlab
from IPython.core.error import UsageError



def survivors(client, planted):
    api = client.api
    alive = {c["Id"] for c in api.containers(all=True)}
    assert set(planted["containers"]) <= alive
    running = {c["Id"] for c in api.containers()}
    assert planted["containers"][0] in running, "the learner's running container was stopped"
    assert {n["Id"] for n in api.networks()} >= set(planted["networks"])
    assert "learner-volume" in {v["Name"] for v in api.volumes()["Volumes"]}
    assert api.inspect_image("learner/alpine-copy:mine")


def test_system_prune_all_removes_only_the_labs_things(dnet, client, planted):
    dnet("network create prune-me --subnet 10.213.0.0/24\nrun --name gone alpine:latest true")
    report = dnet("system prune -fa")
    assert "gone" in report.removed["containers"]
    assert "prune-me" in report.removed["networks"]
    survivors(client, planted)


def test_cleanup_with_images_removes_only_the_labs_things(dnet, client, planted):
    dnet("run -d --name lab-running alpine:latest sleep 60")
    report = dnlab.cleanup(images=True)
    assert "lab-running" in report.removed["containers"]
    survivors(client, planted)


@pytest.mark.parametrize("cell", ["rm -f learner-running", "stop learner-running", "start learner-stopped",
                                  "exec learner-running true", "network rm learner-net",
                                  "network disconnect learner-net learner-running"])
def test_the_magic_refuses_to_change_a_learners_things(dnet, client, planted, cell):
    with pytest.raises(UsageError, match="not created by dnlab, so dnlab leaves it alone"):
        dnet(cell)
    survivors(client, planted)


def test_a_name_clash_with_a_learners_container_is_explained(dnet, planted):
    with pytest.raises(UsageError, match="is yours, not the lab's"):
        dnet("run -d --name learner-running alpine:latest")
