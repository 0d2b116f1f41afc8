"""The lab's macvlan parent: made on demand, used, and never left behind or confused with a real link."""
import pytest

import dnlab
from dnlab import checks
from dnlab.host import links
from IPython.core.error import UsageError


from .conftest import TEST_LAB


def test_parent_is_made_used_and_removed_by_the_labs_clean_up(dnet):
    parent = links.macvlan_parent()
    assert parent == links.parent_name(TEST_LAB) and links.lab_links(TEST_LAB) == [parent]
    assert links.macvlan_parent() == parent, "asking again reuses the same link"
    dnet(f"network create -d macvlan --subnet 10.218.0.0/24 --gateway 10.218.0.1 -o parent={parent} mv\n"
         "run -itd --network mv --name mv1 alpine:latest\nrun -itd --network mv --name mv2 alpine:latest")
    mac2 = checks.mac("mv2")
    assert mac2 != checks.mac("mv1")
    arp = dnet(f"exec mv1 arping -c 2 -I eth0 {checks.ip('mv2')}")
    assert arp.exit_code == 0 and mac2.lower() in arp.output.lower()
    report = dnlab.cleanup(lab=TEST_LAB)
    assert report.removed["links"] == [parent]
    assert links.lab_links(TEST_LAB) == []


def test_an_interrupted_run_leaves_nothing_after_the_lab_starts_again(dnet):
    parent = links.macvlan_parent()
    dnet(f"network create -d macvlan --subnet 10.218.0.0/24 -o parent={parent} mv")
    # the kernel dies here; the notebook is run again from the top:
    report = dnlab.start_lab(TEST_LAB)
    assert parent in report.removed["links"] and "mv" in report.removed["networks"]
    assert links.lab_links(TEST_LAB) == []


def test_prune_removes_the_parent_once_no_network_uses_it(dnet):
    parent = links.macvlan_parent()
    dnet(f"network create -d macvlan --subnet 10.218.0.0/24 -o parent={parent} mv")
    assert dnet("system prune -f").removed["links"] == [parent]


def test_a_real_network_card_as_parent_is_refused(dnet, monkeypatch):
    monkeypatch.delenv("DNLAB_REAL_PARENT", raising=False)
    with pytest.raises(UsageError, match="parent eth0 is not a link dnlab made"):
        dnet("network create -d macvlan --subnet 10.218.0.0/24 -o parent=eth0 mv")
    assert "mv" not in set(dnet("network ls")["NAME"])


def test_links_dnlab_did_not_make_are_never_removed(client):
    assert links.remove_links(["docker0", "lo"]) == []
    assert {"docker0", "lo"} <= set(checks.interfaces(checks.HOST)["INTERFACE"])
