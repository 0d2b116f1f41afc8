"""`plugin ls`, `plugin inspect` and the privileges a plugin asks for, from a real engine's answers."""
import json
from pathlib import Path

from dnlab.plugins import MESH, WEAVE, find
from dnlab.engine import facts
from dnlab.views import tables
from dnlab.views.results import PluginInstall

RECORDED = json.loads((Path(__file__).parent / "recorded" / "plugins_list.json").read_text())


def test_plugin_ls_has_the_cli_columns():
    table = tables.plugins_table(RECORDED)
    assert list(table.columns) == ["ID", "NAME", "DESCRIPTION", "ENABLED"]
    assert table.iloc[0].tolist()[:2] == ["58c506fc946b", "dnlab/mesh:latest"] and table.iloc[0]["ENABLED"]


def test_plugin_inspect_says_what_it_implements_and_may_do():
    settings = dict(tables.plugin_summary_table(RECORDED[0]).itertuples(index=False))
    assert settings["Implements"] == "docker.networkdriver/1.0"
    assert settings["Socket"] == "/run/docker/plugins/mesh.sock"
    assert (settings["Network"], settings["Capabilities"]) == ("host", "CAP_NET_ADMIN")
    assert settings["Entrypoint"] == "python3 /driver.py"


def test_the_course_plugin_asks_for_what_the_engine_would_list():
    config = json.loads((MESH.source / "config.json").read_text())
    privileges = facts.config_privileges(config)
    assert [(p["Name"], p["Value"]) for p in privileges] == [("network", ["host"]), ("capabilities", ["CAP_NET_ADMIN"])]
    shown = repr(PluginInstall(MESH.reference, privileges, "made here"))
    assert ' - network: [host]\n - capabilities: [CAP_NET_ADMIN]' in shown


def test_privileges_of_a_plugin_like_weave_net():
    config = {"network": {"type": "host"}, "mounts": [{"source": "/proc/"}, {"source": "/var/run/docker.sock"}],
              "linux": {"capabilities": ["CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SYS_MODULE"]}}
    asked = [(p["Name"], p["Value"]) for p in facts.config_privileges(config)]
    assert asked == [("network", ["host"]), ("mount", ["/proc/"]), ("mount", ["/var/run/docker.sock"]),
                     ("capabilities", ["CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_SYS_MODULE"])]


def test_catalogue_finds_plugins_with_or_without_a_tag():
    assert find("dnlab/mesh") is MESH and find("dnlab/mesh:latest") is MESH
    assert find("weaveworks/net-plugin:latest_release") is WEAVE and find("store/weaveworks/net-plugin:2.5.2") is None
    assert MESH.own and not WEAVE.own and MESH.interface_prefix == "ethmesh" and WEAVE.interface_prefix == "ethwe"
