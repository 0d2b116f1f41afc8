"""The checks notebooks assert with, each shown able to say yes and no."""
from dnlab import checks


def test_ping_resolve_and_hosts_inside_a_network(dnet):
    dnet("network create chk --subnet 10.216.0.0/24\n"
         "run -itd --network chk --name chk1 alpine:latest\n"
         "run -itd --network chk --name chk2 alpine:latest\n"
         "run -itd --network none --name chk3 alpine:latest")
    ip2 = checks.ip("chk2", "chk")
    assert ip2.startswith("10.216.0.")
    assert checks.resolve("chk1", "chk2") == ip2
    assert checks.ping("chk1", "chk2").ok
    assert not checks.ping("chk3", ip2).ok, "a container on `none` reaches nothing"
    assert "chk2" not in checks.hosts("chk1"), "user-defined networks resolve by DNS, not /etc/hosts"
    assert checks.subnet("chk") == "10.216.0.0/24" and checks.network_gateway("chk") == "10.216.0.1"
    assert checks.gateway("chk1") == "10.216.0.1"
    assert checks.mac("chk1").count(":") == 5
    assert checks.ip("chk3") == ""


def test_http_get_says_when_nothing_answers(dnet):
    dnet("run -itd --name chk1 alpine:latest")
    page = checks.http_get("chk1", "http://127.0.0.1:9/", timeout_s=2)
    assert not page.ok and page.title == ""


def test_host_interfaces_include_docker0_with_the_bridge_gateway(client):
    table = checks.interfaces(checks.HOST).set_index("INTERFACE")
    assert table.loc["docker0", "IPV4"].split("/")[0] == checks.network_gateway("bridge")
    assert "lo" in table.index


def test_probes_leave_nothing_behind(dnet, client):
    dnet("run -itd --name chk1 alpine:latest")
    before = {c["Id"] for c in client.api.containers(all=True)}
    checks.ping("chk1", "127.0.0.1")
    assert {c["Id"] for c in client.api.containers(all=True)} == before


def test_names_the_lab_does_not_know_never_reach_the_hosts_resolvers(dnet, client):
    dnet("network create chk --subnet 10.216.0.0/24\n"
         "run -itd --name on-bridge alpine:latest\n"
         "run -itd --network chk --name on-user-net alpine:latest")
    assert dnet("exec on-bridge cat /etc/resolv.conf").output.split() == ["nameserver", "127.0.0.1"]
    assert "nameserver 127.0.0.11" in dnet("exec on-user-net cat /etc/resolv.conf").output
    for name in ("on-bridge", "on-user-net"):
        assert client.api.inspect_container(name)["HostConfig"]["Dns"] == ["127.0.0.1"]
    assert checks.resolve("on-bridge", "no-such-name.example") is None
    assert checks.resolve("on-user-net", "on-bridge") is None, "the default bridge has no DNS names"
