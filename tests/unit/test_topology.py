"""The lab's picture, drawn from a recorded lab: bridge, a user network, macvlan, none and host."""
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from dnlab.views.topology import Topology

RECORDED = json.loads((Path(__file__).parent / "recorded" / "topology_lab.json").read_text())
SVG = "{http://www.w3.org/2000/svg}"


def lab() -> Topology:
    return Topology.from_attrs(RECORDED["containers"], RECORDED["networks"])


def texts(svg: str) -> list[str]:
    return [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_buses_are_the_networks_in_use_bridge_first_none_last():
    assert [b.name for b in lab().buses] == ["bridge", "dnsnet", "macvlan-net1", "none"]
    buses = {b.name: b for b in lab().buses}
    assert buses["bridge"].host_side == "docker0" and buses["bridge"].gateway == "172.17.0.1"
    assert buses["macvlan-net1"].host_side.startswith("dnlmv-")
    assert buses["dnsnet"].host_side.startswith("br-") and buses["dnsnet"].subnet == "192.168.54.0/24"


def test_every_attachment_has_its_address_and_host_mode_is_no_attachment():
    found = {(a.container, a.network): a.ip for a in lab().attachments}
    assert found[("webserver1", "bridge")] == "172.17.0.2" and found[("webserver1", "dnsnet")] == "192.168.54.3"
    assert found[("nonenet", "none")] == ""
    assert not any(a.container == "hostnet1" for a in lab().attachments)
    assert {b.name: b.mode for b in lab().boxes}["hostnet1"] == "host"


def test_the_svg_is_valid_and_names_everything():
    svg = lab()._repr_svg_()
    root = ET.fromstring(svg)
    assert root.get("class") == "dnlab-topology"
    words = texts(svg)
    for expected in ("engine host", "webserver2", "0.0.0.0:8080->80/tcp", "192.168.122.2", "02:42:ac:11:00:03",
                     "docker0", "no address"):
        assert expected in words, expected
    assert any(w.startswith("macvlan-net1 \u00b7 macvlan \u00b7 192.168.122.0/24") for w in words)


def test_the_words_describe_the_same_lab():
    text = repr(lab())
    assert "dnsnet \u00b7 bridge \u00b7 192.168.54.0/24  gw 192.168.54.1: alpinedns1 192.168.54.2, webserver1 192.168.54.3" in text
    assert "hostnet1: on the host's own network stack" in text
    assert "webserver2 publishes 0.0.0.0:8080->80/tcp" in text


def test_an_empty_lab_still_draws():
    assert ET.fromstring(Topology()._repr_svg_()).get("class") == "dnlab-topology"
