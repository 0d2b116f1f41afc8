"""The Activity 6.01 checker passes the right set-up and names what is wrong in wrong ones."""
import pytest

from dnlab import checks

NET = "network create act-net --subnet 10.217.0.0/24 --gateway 10.217.0.1\n"
RIGHT = NET + ("run -d --network act-net -p 8080:80 --name webserver1 nginx:latest\n"
               "run -itd --network host --name monitor alpine:latest")


def test_the_solution_meets_every_requirement(dnet):
    dnet(RIGHT)
    report = checks.activity_6_01()
    assert report.ok, report
    assert "all requirements met" in repr(report)


@pytest.mark.parametrize("setup, unmet", [
    ("run -d -p 8080:80 --name webserver1 nginx:latest\nrun -itd --network host --name monitor alpine:latest",
     {"webserver1 is on a custom bridge network with its own subnet and gateway",
      "from the monitor, the web server's own IP on port 80 returns the NGINX page"}),
    (NET + "run -d --network act-net --name webserver1 nginx:latest\n"
           "run -itd --network host --name monitor alpine:latest",
     {"webserver1 publishes container port 80 on host port 8080",
      "from the monitor, http://localhost:8080 returns the NGINX page"}),
    (NET + "run -d --network act-net -p 8080:80 --name webserver1 nginx:latest\n"
           "run -itd --name monitor alpine:latest",
     {"an Alpine monitor container runs in host network mode",
      "from the monitor, http://localhost:8080 returns the NGINX page",
      "from the monitor, the web server's own IP on port 80 returns the NGINX page"}),
    (NET + "run -itd --network host --name monitor alpine:latest", None),
], ids=["default-bridge", "no-published-port", "monitor-not-in-host-mode", "no-webserver"])
def test_wrong_set_ups_get_the_right_unmet_requirements(dnet, setup, unmet):
    dnet(setup)
    report = checks.activity_6_01()
    assert not report.ok
    if unmet is None:
        assert report.unmet()[0] == "webserver1 runs NGINX"
    else:
        assert set(report.unmet()) == unmet, report
    assert all(r.hint for r in report.requirements if not r.met)
