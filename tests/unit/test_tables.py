"""Tables and results built from the engine's answers, recorded once from a real engine
(Docker 20.10, Exercise 6.01's webserver2 and Exercise 6.02's dnsnet)."""
import json
from pathlib import Path

import pytest

from dnlab.engine import facts
from dnlab.views import tables
from dnlab.cleanup import CleanupReport
from dnlab.views.results import ContainerInspect, ExecResult, NetworkInspect

RECORDED = Path(__file__).parent / "recorded"


def recorded(name: str):
    return json.loads((RECORDED / f"{name}.json").read_text())


def test_network_ls_has_the_clis_columns_sorted_by_name():
    df = tables.networks_table(recorded("networks_list"))
    assert df.index.name == "NETWORK ID" and list(df.columns) == ["NAME", "DRIVER", "SCOPE"]
    assert list(df["NAME"]) == sorted(df["NAME"])
    assert all(len(i) == 12 for i in df.index)
    assert dict(zip(df["NAME"], df["DRIVER"]))["none"] == "null"


def test_ps_has_the_clis_columns_and_formats():
    df = tables.containers_table(recorded("containers_list"))
    assert list(df.columns) == ["IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"]
    row = df.set_index("NAMES").loc["webserver2"]
    assert row["PORTS"] == "0.0.0.0:8080->80/tcp, [::]:8080->80/tcp"
    assert row["COMMAND"] == '"nginx -g \'daemon of\u2026"'
    assert row["CREATED"].endswith(" ago")
    assert df.set_index("NAMES").loc["webserver1", "PORTS"] == "80/tcp"


def test_container_inspect_has_a_row_per_network_and_its_ports():
    seen = ContainerInspect(recorded("container_inspect_webserver2"))
    row = seen.df.set_index("NETWORK").loc["bridge"]
    assert row["IP ADDRESS"] == "172.17.0.3" and row["GATEWAY"] == "172.17.0.1" and row["PREFIX"] == "/16"
    assert len(row["NETWORK ID"]) == 12 and row["MAC ADDRESS"].count(":") == 5
    assert set(seen.ports["HOST PORT"]) == {"8080"}
    assert seen.headline == "container webserver2: running, image nginx:latest"
    assert "172.17.0.3" in repr(seen) and "<table" in seen._repr_html_()


def test_network_inspect_has_its_addressing_and_its_containers():
    seen = NetworkInspect(recorded("network_inspect_dnsnet"))
    assert seen.df.loc[0, ["DRIVER", "SCOPE", "SUBNET", "GATEWAY"]].tolist() == [
        "bridge", "local", "192.168.54.0/24", "192.168.54.1"]
    assert set(seen.containers["CONTAINER"]) == {"alpinedns1", "alpinedns2"}
    assert all(a.startswith("192.168.54.") for a in seen.containers["IPV4 ADDRESS"])


def test_a_gateway_left_out_by_ipam_is_the_subnets_first_address():
    assert facts.effective_gateway({"Subnet": "172.17.0.0/16"}) == "172.17.0.1"
    assert facts.effective_gateway({"Subnet": "10.1.1.0/24", "Gateway": "10.1.1.254"}) == "10.1.1.254"
    assert facts.effective_gateway({}) == ""


def test_images_table():
    df = tables.images_table(recorded("images_list"))
    assert list(df.columns) == ["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"]
    assert {"alpine", "nginx"} <= set(df["REPOSITORY"])


@pytest.mark.parametrize("seconds, words", [(0.5, "Less than a second"), (1, "1 second"), (59, "59 seconds"),
                                            (61, "About a minute"), (300, "5 minutes"), (3600, "About an hour"),
                                            (7200, "2 hours"), (86400 * 3, "3 days")])
def test_ages_read_like_docker_ps(seconds, words):
    assert facts.human_duration(seconds) == words


def test_exec_result_and_cleanup_report_read_like_the_cli():
    failed = ExecResult("c1", ["ping", "x"], 1, "ping: bad address 'x'\n")
    assert repr(failed) == "ping: bad address 'x'\n[exit code 1]" and not failed.ok
    report = CleanupReport()
    assert repr(report) == "Nothing of the lab's to remove."
    report.add("networks", "dnsnet")
    report.kept.append("network x: containers not made by dnlab still use it (y)")
    assert repr(report) == ("Deleted networks: dnsnet\n"
                            "Kept network x: containers not made by dnlab still use it (y)")
