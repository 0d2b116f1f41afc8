"""The picture, the live panel and the doctor against the real engine."""
import dnlab
from dnlab.views.panel import LabPanel


def test_topology_shows_the_labs_containers_and_not_the_learners(dnet, planted):
    dnet("network create topo --subnet 10.219.0.0/24\nrun -itd --network topo --name topo1 alpine:latest")
    picture = dnlab.topology()
    assert [b.name for b in picture.buses] == ["topo"]
    assert [b.name for b in picture.boxes] == ["topo1"]
    assert "learner-running" not in picture._repr_svg_()
    from IPython.core.interactiveshell import InteractiveShell

    assert repr(InteractiveShell.instance().run_line_magic("dnet", "topology")) == repr(picture)


def test_panel_shows_inspects_and_cleans_up_only_after_confirmation(dnet, client, planted):
    dnet("run -itd --name panel1 alpine:latest")
    panel = LabPanel()
    assert "panel1" in panel.containers.value and "learner-running" not in panel.containers.value
    assert panel.picker.value == "panel1" and "172.17." in panel.detail.value
    panel.cleanup_button.click()
    assert panel.confirm_row.layout.display == "flex"
    assert "panel1" in {c["Names"][0].lstrip("/") for c in client.api.containers()}, "nothing before confirming"
    panel.cancel_button.click()
    assert panel.confirm_row.layout.display == "none"
    panel.cleanup_button.click()
    panel.confirm_button.click()
    assert "panel1" in panel.message.value
    names = {c["Names"][0].lstrip("/") for c in client.api.containers(all=True)}
    assert "panel1" not in names and {"learner-running", "learner-stopped"} <= names
    assert panel.picker.options == ()


def test_doctor_reports_the_engine_images_and_ports(client):
    report = dnlab.doctor()
    checks = dict(zip(report.df["CHECK"], report.df["STATUS"]))
    assert checks["Docker engine"] == "ok" and checks["image alpine:latest"] == "ok"
    assert {"host port 80", "host port 8080", "macvlan"} <= set(checks)
    assert report.ok
