"""Commands as Docker's docs print them, on the real engine: several networks, the long --network form,
port ranges, Go templates, filters, create/port/start -a, exec -d, version, and label-scoped prunes."""
from __future__ import annotations

import pytest
from IPython.core.error import UsageError

from dnlab.views.results import ExecResult, Output


@pytest.fixture
def two_networks(dnet):
    dnet("network create --subnet 10.215.0.0/24 --subnet fd00:215::/64 --ipv6 --gateway fd00:215::1 "
         "--gateway 10.215.0.1 --ip-range 10.215.0.128/25 --aux-address router=10.215.0.129 docs1\n"
         "network create --subnet 10.216.0.0/24 --label tier=back docs2")
    return dnet


def test_a_container_joins_every_network_given_with_the_long_forms_settings(two_networks):
    dnet = two_networks
    dnet("run -d --name multi --network name=docs1,alias=web,ip=10.215.0.200 --net docs2 "
         "--mac-address 02:42:0a:d7:00:c8 alpine:latest sleep 300")
    addresses = dnet("inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}' multi")
    assert addresses.text.split() == ["docs1=10.215.0.200", "docs2=" + addresses.text.split("docs2=")[1].strip()]
    assert addresses.text.split("docs2=")[1].startswith("10.216.0.")
    assert dnet("inspect --format='{{json .NetworkSettings.Networks.docs1.Aliases}}' multi").text.startswith('["web"')
    link = dnet("exec multi ip link show eth0")
    assert "02:42:0a:d7:00:c8" in link.output


def test_the_gateway_belongs_to_the_subnet_that_contains_it(two_networks):
    pools = {p["Subnet"]: p for p in two_networks("network inspect docs1").attrs["IPAM"]["Config"]}
    assert pools["10.215.0.0/24"]["Gateway"] == "10.215.0.1" and pools["fd00:215::/64"]["Gateway"] == "fd00:215::1"
    assert pools["10.215.0.0/24"]["IPRange"] == "10.215.0.128/25"
    assert pools["10.215.0.0/24"]["AuxiliaryAddresses"] == {"router": "10.215.0.129"}


def test_a_refused_network_leaves_no_container_behind(two_networks):
    dnet = two_networks
    with pytest.raises(UsageError, match="network nosuchnet not found"):
        dnet("run -d --name halfway --network nosuchnet --network docs2 alpine:latest sleep 30")
    assert dnet("ps -a -q --filter name=halfway").text == ""


def test_ports_ranges_publish_all_and_docker_port(dnet):
    dnet("run -d --name ports1 -p 8181-8182:80-81 -p '127.0.0.1::90' -P --expose 99 alpine:latest sleep 300")
    lines = dnet("port ports1").text.splitlines()
    assert "80/tcp -> 0.0.0.0:8181" in lines and "81/tcp -> 0.0.0.0:8182" in lines
    assert any(line.startswith("90/tcp -> 127.0.0.1:") for line in lines)
    assert any(line.startswith("99/tcp -> 0.0.0.0:") for line in lines)
    assert dnet("port ports1 80").text.splitlines()[0] == "0.0.0.0:8181"


def test_listing_with_filters_quiet_and_templates(two_networks):
    dnet = two_networks
    short = dnet("run -d --name listed --network docs1 alpine:latest sleep 300").text
    assert dnet("ps -q --filter name=listed").text == short
    assert dnet("ps -q --no-trunc --filter name=listed").text.startswith(short) and len(
        dnet("ps -q --no-trunc --filter name=listed").text) == 64
    table = dnet("ps --filter name=listed --format 'table {{.Names}}\\t{{.Networks}}'").text.splitlines()
    assert table[0].split() == ["NAMES", "NETWORKS"] and table[1].split() == ["listed", "docs1"]
    assert dnet("network ls --filter label=tier=back --format '{{.Name}}: {{.Driver}}'").text == "docs2: bridge"
    assert dnet("network inspect -f '{{range .IPAM.Config}}{{.Subnet}} {{end}}' docs2").text.strip() == "10.216.0.0/24"


def test_a_template_beyond_dnlab_points_at_attrs(dnet):
    dnet("run -d --name tmpl alpine:latest sleep 300")
    with pytest.raises(UsageError, match=r"\.attrs"):
        dnet("inspect -f '{{printf \"%s\" .Name}}' tmpl")


def test_create_then_start_a_and_exec_d(dnet):
    dnet("network create docs3")
    dnet("create --name made --network docs3 -w /tmp -e GREETING=hi -v docsdata:/data alpine:latest "
         "sh -c 'pwd; echo $GREETING > /data/g; cat /data/g'")
    assert dnet("ps -a --filter name=made --format '{{.State}}'").text == "created"
    ran = dnet("start -a made")
    assert isinstance(ran, ExecResult) and ran.output.split() == ["/tmp", "hi"]
    dnet("run -d --name background alpine:latest sleep 300")
    assert isinstance(dnet("exec -d background touch /tmp/made-by-exec-d"), Output)
    assert dnet("exec background ls /tmp").output.split() == ["made-by-exec-d"]


def test_version_answers_like_docker_version(client, dnet):
    assert dnet("version --format '{{.Server.Version}}'").text == client.version()["Version"]
    assert "no docker CLI" in dnet("--version").text


def test_prune_filters_narrow_the_labs_prune_and_never_widen_it(client, dnet):
    outsider = client.api.create_network("docs-learners-own", labels={"tier": "back"})
    try:
        dnet("network create --label tier=back docs4\nnetwork create docs5")
        report = dnet("network prune -f --filter label=tier=back")
        assert "docs4" in repr(report) and "docs5" not in repr(report)
        assert {n["Name"] for n in client.api.networks(names=["docs5", "docs-learners-own"])} == {
            "docs5", "docs-learners-own"}
        assert "docs5" not in repr(dnet("network prune -f --filter until=24h"))  # made seconds ago
    finally:
        client.api.remove_network(outsider["Id"])
