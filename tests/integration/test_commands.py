"""Every %%dnet command family against the real engine."""
import pandas as pd
import pytest

from dnlab import checks
from IPython.core.error import UsageError

from dnlab.views.results import ContainerInspect, ExecResult, NetworkInspect

SUBNET, GATEWAY = "10.214.0.0/24", "10.214.0.1"


def test_network_create_ls_inspect_rm(dnet):
    net_id = repr(dnet(f"network create itnet --subnet {SUBNET} --gateway {GATEWAY}"))
    assert len(net_id) == 64
    table = dnet("network ls")
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == ["NAME", "DRIVER", "SCOPE"] and table.index.name == "NETWORK ID"
    assert {"bridge", "host", "none", "itnet"} <= set(table["NAME"])
    found = dnet("network inspect itnet")
    assert isinstance(found, NetworkInspect)
    assert found.df.loc[0, ["SUBNET", "GATEWAY", "DRIVER", "SCOPE"]].tolist() == [SUBNET, GATEWAY, "bridge", "local"]
    assert found.attrs["Labels"]["dnlab.lab"] == "integration-tests"
    dnet("network rm itnet")
    assert "itnet" not in set(dnet("network ls")["NAME"])


def test_run_ps_inspect_exec_logs_stop_start_rm(dnet):
    dnet(f"network create itnet --subnet {SUBNET}")
    short = repr(dnet("run -itd --network itnet --network-alias web --name it1 alpine:latest"))
    assert len(short) == 12
    ps = dnet("ps")
    assert ps.loc[short, "NAMES"] == "it1" and ps.loc[short, "STATUS"].startswith("Up")
    seen = dnet("inspect it1")
    assert isinstance(seen, ContainerInspect)
    row = seen.df.set_index("NETWORK").loc["itnet"]
    assert row["IP ADDRESS"].startswith("10.214.0.") and row["GATEWAY"] == "10.214.0.1"
    assert "web" in row["ALIASES"]
    out = dnet("exec -it it1 sh -c 'echo hello; exit 3'")
    assert isinstance(out, ExecResult) and out.exit_code == 3 and out.output.strip() == "hello"
    dnet("run -d --name it2 alpine:latest sh -c 'echo from-logs'")
    assert dnet("logs it2").text == "from-logs"
    dnet("stop -t 1 it1")
    assert checks.state("it1")["Status"] == "exited"
    assert "it1" in set(dnet("ps -a")["NAMES"]) and "it1" not in set(dnet("ps")["NAMES"])
    dnet("start it1")
    assert checks.state("it1")["Running"]
    dnet("rm -f it1 it2")
    assert "it1" not in set(dnet("ps -a")["NAMES"])


def test_foreground_run_returns_output_and_exit_code(dnet):
    result = dnet("run --rm alpine:latest sh -c 'echo hi; exit 2'")
    assert result.exit_code == 2 and result.output.strip() == "hi"


def test_network_connect_and_disconnect(dnet):
    dnet(f"network create itnet --subnet {SUBNET}\nrun -itd --name it1 alpine:latest")
    dnet("network connect --alias extra itnet it1")
    assert set(checks.networks("it1")) == {"bridge", "itnet"}
    dnet("network disconnect itnet it1")
    assert checks.networks("it1") == ["bridge"]


def test_network_prune_removes_only_unused_lab_networks(dnet):
    dnet(f"network create used --subnet {SUBNET}\nnetwork create unused\nrun -itd --network used --name it1 alpine:latest")
    report = dnet("network prune -f")
    assert report.removed["networks"] == ["unused"]
    assert "used" in set(dnet("network ls")["NAME"])


def test_published_port_and_link(dnet):
    dnet("run -d -p 18080:80 --name itweb nginx:latest\nrun -itd --name itlink --link itweb alpine:latest")
    assert "0.0.0.0:18080->80/tcp" in dnet("ps").set_index("NAMES").loc["itweb", "PORTS"]
    page = checks.http_get(checks.HOST, "http://localhost:18080/")
    assert page.ok and page.title == "Welcome to nginx!"
    assert checks.hosts("itlink").lookup("itweb") == checks.ip("itweb")
    assert checks.resolve("itweb", "itlink") is None


def test_images_and_pull_of_a_course_image(dnet):
    table = dnet("images")
    assert {"alpine", "nginx"} <= set(table["REPOSITORY"])
    assert "alpine:latest" in repr(dnet("pull alpine:latest"))


@pytest.mark.parametrize("cell, message", [
    ("run -d --name dup alpine:latest\nrun -d --name dup alpine:latest", "rm -f dup"),
    ("inspect no-such-thing", "No such object: no-such-thing"),
    ("exec no-such-container true", "No such container"),
    ("network create a1 --subnet 10.215.0.0/24\nnetwork create a2 --subnet 10.215.0.0/25",
     "a1 10.215.0.0/24"),
    ("run -d -p 18081:80 --name p1 nginx:latest\nrun -d -p 18081:80 --name p2 nginx:latest",
     "container p1 holds it"),
    ("run -d --name x no-such-image:1", "not one of the course's images"),
])
def test_engine_errors_are_one_line_with_the_fix(dnet, cell, message):
    with pytest.raises(UsageError) as err:
        dnet(cell)
    assert message in str(err.value)
    assert "\n" not in str(err.value) and str(err.value).startswith("line ")
