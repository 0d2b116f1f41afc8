"""The Activity 6.02 checker on a real two-machine swarm: the solution passes, wrong set-ups fail
with the right unmet requirements."""
import pytest
from IPython.core.interactiveshell import InteractiveShell

import dnlab
from dnlab import checks
from dnlab.checks import has_ipvs

from .conftest import TEST_LAB

OVERLAY = "network create trek-net --driver overlay --subnet 10.2.0.0/24 --gateway 10.2.0.1\n"


@pytest.fixture(scope="module")
def swarm(client):
    dnlab.machines.down()
    dnlab.machines.up(2, images=["alpine:latest", "postgres:12"])
    shell = InteractiveShell.instance()
    shell.extension_manager.load_extension("dnlab")
    addr = dnlab.machines.underlay_ip("machine1")
    shell.run_line_magic("dnet", f"--on machine1 swarm init --advertise-addr {addr}")
    token = shell.run_line_magic("dnet", "--on machine1 swarm join-token -q worker").text
    shell.run_line_magic("dnet", f"--on machine2 swarm join --token {token} {addr}:2377")
    yield lambda cell: shell.run_cell_magic("dnet", "--on machine1", cell)
    dnlab.machines.down()


@pytest.fixture
def on_swarm(swarm):
    dnlab.start_lab(TEST_LAB)
    yield swarm
    dnlab.cleanup(lab=TEST_LAB, machine="machine1")


def services(db_env: str = "-e POSTGRES_PASSWORD=pw", db_node: str = "machine2", network: str = "trek-net") -> str:
    mode = "vip" if has_ipvs() else "dnsrr"
    return (f"service create --network {network} --endpoint-mode {mode} --constraint node.hostname=={db_node} "
            f"{db_env} --name database-app postgres:12\n"
            f"service create -t --network {network} --endpoint-mode {mode} --constraint node.hostname==machine1 "
            "--name trekking-app alpine:latest")


def test_the_solution_meets_every_requirement(on_swarm):
    on_swarm(OVERLAY + services())
    report = checks.activity_6_02()
    assert report.ok, report
    picture = dnlab.topology()
    assert {"trekking-app.1 @ machine1", "database-app.1 @ machine2"} <= {box.name for box in picture.boxes}
    assert [bus.name for bus in picture.buses].count("trek-net") == 1, "one overlay bus across both machines"
    assert picture.machines == ["machine1", "machine2"]


@pytest.mark.parametrize("cell, unmet", [
    ("network create trek-net --driver overlay\n" + services(),
     {"an overlay network with its own subnet and gateway", "both services are on that overlay network"}),
    (OVERLAY + services(db_node="machine1"), {"they run on different machines"}),
    (OVERLAY + services(db_env="-e POSTGRES_PASSWORD=pw -e POSTGRES_USER=other"), set()),
], ids=["no-custom-subnet", "same-machine", "other-user-still-fine"])
def test_wrong_set_ups_get_the_right_unmet_requirements(on_swarm, cell, unmet):
    on_swarm(cell)
    report = checks.activity_6_02()
    assert set(report.unmet()) == unmet, report
