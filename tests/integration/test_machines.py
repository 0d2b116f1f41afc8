"""Lab machines: up is idempotent and repairs, down removes only what it made, real hosts by URL."""
import pytest

import dnlab
from dnlab import machines
from dnlab.errors import DnlabError
from dnlab.machines import nodes


@pytest.fixture
def fresh(client):
    machines.down()
    yield
    machines.down()


def test_up_is_idempotent_and_loads_the_images(fresh, client):
    table = machines.up(2)
    assert table["MACHINE"].tolist() == ["machine1", "machine2"]
    assert table["ADDRESS"].tolist() == ["10.210.0.11", "10.210.0.12"]
    ids = {c["Names"][0]: c["Id"] for c in client.api.containers(filters={"label": "dnlab.lab=machines"})}
    machines.up(2)
    assert {c["Names"][0]: c["Id"] for c in client.api.containers(filters={"label": "dnlab.lab=machines"})} == ids
    inner = machines.client_for("machine2")
    assert "alpine:latest" in {t for i in inner.api.images() for t in i.get("RepoTags") or []}
    assert inner.info()["Name"] == "machine2"


def test_a_killed_machine_is_repaired_and_keeps_its_state(fresh, client):
    machines.up(1)
    inner = machines.client_for("machine1")
    inner.api.create_network("kept-across-a-kill")
    client.api.kill(nodes.container_name("machine1"))
    assert machines.ls()["ENGINE"].tolist() == ["not answering"]
    machines.up(1)
    assert machines.ls()["STATE"].tolist() == ["running"]
    assert machines.client_for("machine1").api.networks(names=["kept-across-a-kill"])


def test_down_removes_nodes_volumes_and_underlay_and_nothing_else(fresh, client, planted):
    machines.up(1)
    gone = machines.down()
    assert gone == ["dnlab-machine1"]
    assert not client.api.networks(names=[nodes.UNDERLAY])
    assert not [v for v in client.api.volumes()["Volumes"] or [] if v["Name"].startswith("dnlab-machine")]
    assert "learner-running" in {c["Names"][0].lstrip("/") for c in client.api.containers()}
    assert machines.ls().empty


def test_real_hosts_are_reached_by_their_url(monkeypatch):
    monkeypatch.setenv("DNLAB_MACHINES", "vm1=unix:///var/run/docker.sock")
    assert machines.client_for("vm1").ping()
    assert machines.ls().set_index("MACHINE").loc["vm1", "STATE"] == "real host"


def test_plain_tcp_without_certificates_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("DNLAB_MACHINES", "vm2=tcp://127.0.0.1:2375")
    monkeypatch.setenv("DOCKER_CERT_PATH", str(tmp_path))
    with pytest.raises(DnlabError, match="only with TLS client certificates"):
        machines.client_for("vm2")


def test_an_unknown_machine_says_how_to_start_one():
    with pytest.raises(DnlabError, match="machines up"):
        dnlab.machines.client_for("machine9")
