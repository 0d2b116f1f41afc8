"""The swarm commands' new forms without an engine: `service create -p`, `service update`, `service
scale`, `node ls`/`node inspect`, and `swarm init`/`join`'s flags. Each form is parsed from a %%dnet line
to its exact keywords, each value already read (PortConfigs, (name, replicas), ints); the function turns
them into what docker-py is given (a stand-in lab records the calls, answering with recorded engine
JSON); each mistake is refused in one line naming it when the cell is parsed, before any line runs."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from docker.types import EndpointSpec

from dnlab.commands import node, service, swarm
from dnlab.errors import DnlabError, EngineError, ParseError
from dnlab.labels import lab_labels
from dnlab.parser import parse_cell
from dnlab.parser.values import Attachment
from dnlab.views.results import Inspections, NodeInspect, Output

RECORDED = Path(__file__).parent / "recorded"
RECNET = "nlg9wzcotpeo9kios0e090rpl"  # the overlay network recnet, which vipsvc is on
OTHER = "ovr2ovr2ovr2ovr2ovr2ovr2o"


def recorded(name: str):
    return json.loads((RECORDED / f"{name}.json").read_text())


def kwargs(line: str) -> dict:
    [invocation] = parse_cell(line)
    return invocation.kwargs


def refusal(call) -> str:
    with pytest.raises(DnlabError) as err:
        call()
    text = str(err.value)
    assert "\n" not in text
    return text


def parse_refusal(line: str) -> str:
    """The one line a bad %%dnet line is refused with, when the cell is parsed."""
    with pytest.raises(ParseError) as err:
        parse_cell(line)
    text = str(err.value)
    assert text.startswith("line 1: ") and "\n" not in text
    return text


def ports(*texts: str, flag: str = "-p") -> list[dict]:
    """What `service create` gives EndpointSpec(ports=...) for these --publish values."""
    [invocation] = parse_cell("service create " + " ".join(f"{flag} {t}" for t in texts) + " alpine:latest")
    return service.port_configs(invocation.kwargs["ports"])


TCP80 = {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"}


# Parsing: each new form, its exact keywords

def test_service_update_network_add():
    assert kwargs("service update --network-add net1 web") == {
        "detach": False, "image": None, "replicas": None, "env_add": None, "network_add": [Attachment("net1")],
        "network_rm": None, "publish_add": None, "publish_rm": None, "update_delay": None, "service": "web"}


def test_service_update_every_flag():
    assert kwargs("service update -d --image alpine:latest --replicas 3 --env-add A=1 --env-add B=2 "
                  "--network-add name=net2,alias=web1 --network-rm net1 --publish-add 8080:80 "
                  "--publish-add published=53,target=53,protocol=udp --publish-rm 80 --update-delay 1m30s web") == {
        "detach": True, "image": "alpine:latest", "replicas": 3, "env_add": ["A=1", "B=2"],
        "network_add": [Attachment("net2", ("web1",))], "network_rm": ["net1"],
        "publish_add": [(TCP80,), ({"Protocol": "udp", "TargetPort": 53, "PublishedPort": 53,
                                     "PublishMode": "ingress"},)],
        "publish_rm": [({"Protocol": "tcp", "TargetPort": 80, "PublishMode": "ingress"},)],
        "update_delay": 90 * 10**9, "service": "web"}


def test_service_update_network_add_long_form_is_docker_csv():
    [added] = kwargs('service update --network-add name=net2,alias=a,alias=b,"driver-opt=k=v" web')["network_add"]
    assert added == Attachment("net2", ("a", "b"), driver_opt={"k": "v"})


@pytest.mark.parametrize("text, delay", [("0", 0), ("0s", 0), ("10s", 10**10), ("500ms", 5 * 10**8),
                                         ("1h2m3s", 3723 * 10**9), ("1.5s", 15 * 10**8), ("250us", 250_000)])
def test_update_delay_is_a_go_duration_in_nanoseconds(text, delay):
    assert kwargs(f"service update --update-delay {text} web")["update_delay"] == delay


def test_service_scale():
    assert kwargs("service scale web=3 api=1") == {"detach": False, "services": [("web", 3), ("api", 1)]}
    assert kwargs("service scale -d web=0") == {"detach": True, "services": [("web", 0)]}


def test_service_create_publish_short_and_long():
    kw = kwargs("service create --name web -p 8080:80 --publish published=53,target=53,protocol=udp,mode=host "
                "alpine:latest sleep 600")
    assert kw["ports"] == [(TCP80,), ({"Protocol": "udp", "TargetPort": 53, "PublishedPort": 53,
                                       "PublishMode": "host"},)]
    assert (kw["name"], kw["image"], kw["args"]) == ("web", "alpine:latest", ["sleep", "600"])
    assert kwargs("service create alpine:latest")["ports"] is None


def test_node_inspect():
    assert kwargs("node inspect self") == {"pretty": False, "format": None, "names": ["self"]}
    assert kwargs("node inspect --pretty self machine2") == {"pretty": True, "format": None,
                                                             "names": ["self", "machine2"]}
    assert kwargs("node inspect --format '{{ .ManagerStatus.Leader }}' self")["format"] == "{{ .ManagerStatus.Leader }}"
    assert kwargs("node inspect -f pretty self")["format"] == "pretty"


def test_node_ls():
    assert kwargs("node ls") == {"filters": None, "quiet": False, "format": None}
    assert kwargs("node ls --filter role=manager -f name=machine1 -q --format '{{.Hostname}}'") == {
        "filters": [("role", "manager"), ("name", "machine1")], "quiet": True, "format": "{{.Hostname}}"}


def test_swarm_init_default_addr_pools():
    assert kwargs("swarm init --default-addr-pool 10.30.0.0/16 --default-addr-pool 10.40.0.0/16 "
                  "--default-addr-pool-mask-length 26") == {
        "advertise_addr": None, "listen_addr": None, "data_path_port": None,
        "default_addr_pool": ["10.30.0.0/16", "10.40.0.0/16"], "subnet_size": 26}


@pytest.mark.parametrize("line", [
    "swarm join --token T --advertise-addr 10.210.0.3 10.210.0.2:2377",
    "swarm join --advertise-addr 10.210.0.3 --token T 10.210.0.2:2377",
    "swarm join --token T 10.210.0.2:2377 --advertise-addr 10.210.0.3",
    "swarm join 10.210.0.2:2377 --token=T --advertise-addr=10.210.0.3",
])
def test_swarm_join_reads_each_flag_beside_its_own_value_in_any_order(line):
    assert kwargs(line) == {"join_token": "T", "advertise_addr": "10.210.0.3", "listen_addr": None,
                            "remote_addr": "10.210.0.2:2377"}


def test_swarm_join_and_init_listen_addr_and_data_path_port():
    assert kwargs("swarm join --token T --listen-addr 10.210.0.3:2377 10.210.0.2")["listen_addr"] == "10.210.0.3:2377"
    assert kwargs("swarm init --advertise-addr 10.210.0.2 --listen-addr 10.210.0.2 --data-path-port 7777") == {
        "advertise_addr": "10.210.0.2", "listen_addr": "10.210.0.2", "data_path_port": 7777,
        "default_addr_pool": None, "subnet_size": None}
    assert kwargs("swarm init --data-path-port=0")["data_path_port"] == 0  # the engine's default, 4789


def test_a_flag_dnlab_lacks_is_named_alone_not_with_the_next_words():
    """argparse does not know that an unknown flag takes a value: before the fix the value went to
    remote_addr and the manager's address was left over, reported as '--advertise-addr B:2377'."""
    with pytest.raises(ParseError) as err:
        parse_cell("swarm join --token T --data-path-addr 10.210.0.3 10.210.0.2:2377")
    assert "--data-path-addr" in str(err.value) and "10.210.0.2:2377" not in str(err.value)


@pytest.mark.parametrize("line, word", [
    ("service update --replicas x web", "'x'"),
    ("service update --network-add net1", "service"),
    ("service scale", "services"),
    ("node inspect", "names"),
    ("node ls --filter role", "--filter: 'role' is not a filter KEY=VALUE"),
    ("node ls --pretty", "--pretty"),
])
def test_parse_refusals_are_one_line_naming_the_word(line, word):
    assert word in parse_refusal(line)


# --publish: what docker-py's EndpointSpec(ports=...) is given, read when the cell is parsed

def test_published_ports_short_forms():
    assert ports("8080:80", "53:53/udp", "80") == [
        TCP80, {"Protocol": "udp", "TargetPort": 53, "PublishedPort": 53, "PublishMode": "ingress"},
        {"Protocol": "tcp", "TargetPort": 80, "PublishMode": "ingress"}]  # the engine picks a published port
    assert ports("8080-8081:80-81") == [
        TCP80, {"Protocol": "tcp", "TargetPort": 81, "PublishedPort": 8081, "PublishMode": "ingress"}]
    assert ports("8080:80/sctp", flag="--publish") == [{**TCP80, "Protocol": "sctp"}]
    assert service.port_configs(None) == []


def test_published_ports_long_form():
    assert ports("published=8080,target=80") == [TCP80]
    assert ports("target=53,published=5353,protocol=udp,mode=host") == [
        {"Protocol": "udp", "TargetPort": 53, "PublishedPort": 5353, "PublishMode": "host"}]
    assert ports("target=80,mode=host") == [{"Protocol": "tcp", "TargetPort": 80, "PublishMode": "host"}]
    assert ports("Target=80,Published=8080,Mode=INGRESS,name=web") == [{**TCP80, "Name": "web"}]
    assert EndpointSpec(ports=ports("published=8080,target=80")) == {"Ports": [TCP80]}


@pytest.mark.parametrize("text, word", [
    ("8080:http", "'8080:http' is not a port: write PUBLISHED:TARGET"),
    ("10.0.0.1:8080:80", "no host IP"),
    ("8080:80/icmp", "not icmp"),
    ("8080-8082:80-81", "differ in length"),
    ("0:80", "1 to 65535"),
    ("70000", "1 to 65535"),
    ("published=8080", "needs target="),
    ("target=80,mode=bridge", "mode=bridge"),
    ("target=80,colour=red", "'colour=red' is not one of published=, target=, protocol=, mode="),
    ("target=80-81", "'80-81' is not a port number"),
    ("target=80,protocol=icmp", "not icmp"),
])
@pytest.mark.parametrize("line, flag", [("service create -p {} alpine:latest", "--publish"),
                                        ("service create --publish {} alpine:latest", "--publish"),
                                        ("service update --publish-add {} web", "--publish-add"),
                                        ("service update --publish-rm {} web", "--publish-rm")])
def test_a_bad_publish_is_refused_when_the_cell_is_parsed_in_one_line_naming_it(line, flag, text, word):
    said = parse_refusal(line.format(text))
    assert said.startswith(f"line 1: {flag}: '{text}'") and word in said


def test_a_bad_publish_on_the_second_line_stops_the_cell_before_the_first_runs(monkeypatch):
    """A cell with a bad line changes nothing: no request reaches an engine, not even the first line's."""
    import requests
    from IPython.core.error import UsageError

    from dnlab.magics import DnetMagics

    asked: list[str] = []

    def refuse(self, request, *args, **kwargs):
        asked.append(request.url)
        raise AssertionError(f"the engine was asked: {request.url}")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/dnlab-swarm-test.sock")
    cell = "network create -d overlay ovA\nservice create --name web -p 8080:http --network ovA alpine:latest"
    with pytest.raises(ParseError, match=r"^line 2: --publish: '8080:http' is not a port"):
        parse_cell(cell)
    with pytest.raises(UsageError, match=r"line 2: --publish: '8080:http' is not a port"):
        DnetMagics(shell=None).dnet("--on machine1", cell)
    assert asked == []


def test_the_routing_mesh_note_says_no_ipvs_and_mode_host(monkeypatch):
    ingress = ports("8080:80")
    monkeypatch.setattr(service, "has_ipvs", lambda: False)
    [note] = service.mesh_note(ingress)
    assert "no IPVS" in note and "port 8080 will not answer through the routing mesh" in note
    assert "mode=host" in note and "published=8080,target=80,mode=host" in note
    assert service.mesh_note(ports("target=80,published=8080,mode=host")) == []
    assert service.mesh_note([]) == []
    for known in (True, None):  # IPVS there, or not known (the probe image is not prepared): no note
        monkeypatch.setattr(service, "has_ipvs", lambda known=known: known)
        assert service.mesh_note(ingress) == []


# service update and scale, on a stand-in lab answering with a recorded service

class _API:
    def __init__(self) -> None:
        self.updates: list[tuple[tuple, dict]] = []
        self.networks = {"recnet": RECNET, "net2": OTHER}

    def update_service(self, *args, **kwargs) -> dict:
        self.updates.append((args, kwargs))
        return {"Warnings": None}

    def inspect_network(self, name: str) -> dict:
        return {"Id": self.networks[name]}

    def inspect_image(self, reference: str) -> dict:  # the image is there: nothing to prepare
        return {"Id": "sha256:" + "0" * 64}


class _Lab:
    """Just what `service.update` and `service.scale` use: `own_service`, `api` and `client.api`."""

    machine = "machine1"

    def __init__(self, attrs: dict) -> None:
        self.attrs = attrs
        self.api = _API()
        self.client = self
        self.owned: list[str] = []

    def own_service(self, name: str) -> dict:
        self.owned.append(name)
        return copy.deepcopy(self.attrs)


@pytest.fixture
def lab(monkeypatch):
    monkeypatch.setattr(service, "has_ipvs", lambda: True)
    return _Lab(recorded("service_inspect_vipsvc"))


def _update(lab, line: str = ""):
    """`service update -d LINE vipsvc`, parsed as a cell line is, then run on the stand-in lab."""
    out = service.update(lab, **kwargs(f"service update -d {line} vipsvc"))
    [(args, sent)] = lab.api.updates
    return out, args, sent


def test_update_passes_only_what_changes_and_keeps_the_rest(lab):
    out, args, sent = _update(lab, "--network-add name=net2,alias=web1 --network-rm recnet --publish-add 8080:80 "
                                   "--env-add GREETING=bye --env-add NEW=1 --replicas 3")
    assert out.text == "vipsvc" and lab.owned == ["vipsvc"]
    assert args == (lab.attrs["ID"],)
    assert sent == {
        "version": 23, "fetch_current_spec": True,  # docker-py keeps name, labels and the rest of the spec
        "task_template": {"ContainerSpec": {"Env": ["GREETING=bye", "NEW=1"]}},
        "networks": [{"Target": OTHER, "Aliases": ["web1"]}],
        "endpoint_spec": {"Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080,
                                     "PublishMode": "ingress"}]},
        "mode": {"replicated": {"Replicas": 3}}}  # docker-py's ServiceMode; the engine reads keys in any case


def test_update_publish_rm_by_target_port_and_publish_add_once(lab):
    lab.attrs["Spec"]["EndpointSpec"] = {"Mode": "vip", "Ports": [
        {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"},
        {"Protocol": "udp", "TargetPort": 53, "PublishedPort": 53, "PublishMode": "ingress"}]}
    _, _, sent = _update(lab, "--publish-rm 80 --publish-add 53:53/udp --publish-add 9090:90")
    assert sent["endpoint_spec"] == {"Mode": "vip", "Ports": [
        {"Protocol": "udp", "TargetPort": 53, "PublishedPort": 53, "PublishMode": "ingress"},
        {"Protocol": "tcp", "TargetPort": 90, "PublishedPort": 9090, "PublishMode": "ingress"}]}
    assert set(sent) == {"version", "fetch_current_spec", "endpoint_spec"}


def test_update_image(lab):
    _, _, sent = _update(lab, "--image nginx:latest")
    assert sent["task_template"] == {"ContainerSpec": {"Image": "nginx:latest"}}


def test_update_delay_keeps_the_rest_of_the_update_config(lab):
    lab.attrs["Spec"]["UpdateConfig"] = {"Parallelism": 1, "Delay": 5 * 10**9, "FailureAction": "pause"}
    _, _, sent = _update(lab, "--update-delay 0s")
    assert sent["update_config"] == {"Parallelism": 1, "Delay": 0, "FailureAction": "pause"}


def test_update_network_add_long_form_gives_aliases_and_driver_options(lab):
    _, _, sent = _update(lab, '--network-add name=net2,alias=a,alias=b,"driver-opt=k=v"')
    assert sent["networks"] == sorted([{"Target": RECNET}, {"Target": OTHER, "Aliases": ["a", "b"],
                                                            "DriverOpts": {"k": "v"}}], key=lambda n: n["Target"])


def test_update_with_no_flags_changes_nothing_as_the_cli_does(lab):
    out, _, sent = _update(lab)
    assert out.text == "vipsvc" and sent == {"version": 23, "fetch_current_spec": True}


def test_update_says_no_ipvs_when_it_publishes_through_the_mesh(lab, monkeypatch):
    monkeypatch.setattr(service, "has_ipvs", lambda: False)
    out, _, _ = _update(lab, "--publish-add 8080:80")
    name, note = out.text.splitlines()
    assert name == "vipsvc" and "no IPVS" in note


def test_update_refusals_are_one_line_and_change_nothing(lab):
    said = refusal(lambda: _update(lab, "--network-add recnet"))
    assert said.startswith("service is already attached to network recnet.")
    lab.attrs["Spec"]["Mode"] = {"Global": {}}
    assert "--replicas works on replicated services; vipsvc is global" in refusal(lambda: _update(lab, "--replicas 2"))
    assert lab.api.updates == []


@pytest.mark.parametrize("flags, word", [
    ("--network-add name=net2,colour=red", "--network-add: 'colour=red' in 'name=net2,colour=red' is not one of"),
    ("--network-add alias=web1", "--network-add: 'alias=web1' needs one name=NETWORK"),
    ("--network-add net2,alias=web1", "write the long form with name=, like name=net2,alias=A"),
    ("--network-add name=net2,ip=10.0.0.9", "a service's tasks get their addresses from the swarm"),
    ("--publish-add 8080:http", "--publish-add: '8080:http' is not a port"),
    ("--publish-rm target=80,mode=bridge", "--publish-rm: 'target=80,mode=bridge': mode=bridge"),
    ("--update-delay 10", "--update-delay: '10' is not a duration"),
    ("--update-delay 5sec", "--update-delay: '5sec' is not a duration"),
])
def test_update_values_are_refused_when_the_cell_is_parsed(flags, word):
    assert word in parse_refusal(f"service update {flags} web")


def test_scale_sets_each_services_replicas(lab):
    out = service.scale(lab, **kwargs("service scale -d vipsvc=4"))
    assert out.text == "vipsvc scaled to 4"
    [(args, sent)] = lab.api.updates
    assert args == (lab.attrs["ID"],)
    assert sent == {"version": 23, "fetch_current_spec": True, "mode": {"replicated": {"Replicas": 4}}}


@pytest.mark.parametrize("spec, word", [
    ("vipsvc", "services: 'vipsvc' is not SERVICE=REPLICAS (write it like web=3)"),
    ("vipsvc=", "'vipsvc=' is not SERVICE=REPLICAS"),
    ("=3", "'=3' is not SERVICE=REPLICAS"),
    ("vipsvc=three", "'vipsvc=three': the number of replicas is a whole number, not 'three' (like vipsvc=3)"),
    ("vipsvc=-1", "not '-1'"),
])
def test_scale_refuses_a_bad_spec_when_the_cell_is_parsed(spec, word):
    assert word in parse_refusal(f"service scale vipsvc=2 {spec}")


def test_scale_of_a_global_service_is_refused(lab):
    lab.attrs["Spec"]["Mode"] = {"Global": {}}
    assert refusal(lambda: service.scale(lab, True, [("vipsvc", 2)])) == \
        "scale works on replicated services; vipsvc is global."
    assert lab.api.updates == []


def test_a_paused_or_rolled_back_update_is_said_in_one_line():
    service._check_update({"UpdateStatus": {"State": "completed"}}, "web")
    service._check_update({}, "web")
    said = refusal(lambda: service._check_update(
        {"UpdateStatus": {"State": "paused", "Message": "update paused due to failure or early termination of task x"}},
        "web"))
    assert said.startswith("service web: update paused: update paused due to failure") and "service ps web" in said
    rolled_back = {"UpdateStatus": {"State": "rollback_completed"}}
    assert "rolled back" in refusal(lambda: service._check_update(rolled_back, "web"))


# node inspect

def test_node_inspect_table_keeps_the_raw_answer():
    [attrs] = recorded("swarm_nodes")
    seen = NodeInspect(attrs, self_id=attrs["ID"])
    assert list(seen.df.columns) == ["HOSTNAME", "NODE ID", "ROLE", "AVAILABILITY", "STATE", "ADDRESS",
                                     "MANAGER STATUS", "ENGINE VERSION", "LABELS"]
    assert seen.df.iloc[0].tolist() == ["vm", "gguml4psi5pi3lzf47seuatn7", "Manager", "Active", "Ready",
                                        "192.0.2.2", "Leader", "20.10.24+dfsg1", ""]
    assert (seen.role, seen.availability, seen.state, seen.address, seen.labels) == (
        "manager", "active", "ready", "192.0.2.2", {})
    assert seen.headline == "node vm (this node): manager (the leader), active, ready, at 192.0.2.2"
    assert repr(seen).startswith(seen.headline + "\n") and "<table" in seen._repr_html_()
    assert seen.attrs is attrs


def test_node_inspect_of_a_labelled_worker():
    [attrs] = recorded("swarm_nodes")
    worker = {**attrs, "ID": "w" * 25, "ManagerStatus": None,
              "Spec": {"Role": "worker", "Availability": "drain", "Labels": {"zone": "a", "ssd": ""}}}
    seen = NodeInspect(worker)
    assert seen.df.loc[0, ["ROLE", "AVAILABILITY", "MANAGER STATUS", "LABELS"]].tolist() == [
        "Worker", "Drain", "", "ssd, zone=a"]
    assert seen.labels == {"zone": "a", "ssd": ""} and "(this node)" not in seen.headline
    pretty = NodeInspect(worker, pretty=True).pretty_lines()
    assert pretty[1:4] == ["Labels:", " - ssd", " - zone=a"] and "Manager Status:" not in pretty


def test_node_inspect_pretty_prints_like_the_cli():
    [attrs] = recorded("swarm_nodes")
    seen = NodeInspect(attrs, pretty=True)
    lines = repr(seen).splitlines()
    assert lines[:4] == ["ID:                     gguml4psi5pi3lzf47seuatn7",
                         "Hostname:               vm",
                         "Joined at:              2026-11-27 20:13:26.74956122 +0000 UTC",
                         "Status:"]
    assert [" State:                 Ready", " Availability:          Active", " Address:               192.0.2.2",
            "Manager Status:", " Address:               192.0.2.2:2377", " Raft Status:           Reachable",
            " Leader:                Yes"] == lines[4:11]
    assert " CPUs:                  2" in lines and " Memory:                23.54GiB" in lines
    assert " Network:               bridge, host, ipvlan, macvlan, null, overlay" in lines
    assert lines[-1] == "Engine Version:         20.10.24+dfsg1"
    assert seen._repr_html_().startswith("<pre>ID:")


class _NodeClient:
    def __init__(self, node_id: str) -> None:
        self.api = self
        self.node_id = node_id
        self.asked: list[str] = []

    def info(self) -> dict:
        return {"Swarm": {"NodeID": self.node_id}}

    def inspect_node(self, ref: str) -> dict:
        self.asked.append(ref)
        [attrs] = recorded("swarm_nodes")
        return attrs

    def nodes(self, filters=None) -> list:
        self.asked.append(f"nodes {filters}")
        [attrs] = recorded("swarm_nodes")
        worker = {**attrs, "ID": "w" * 25, "ManagerStatus": None,
                  "Description": {**attrs["Description"], "Hostname": "machine2"},
                  "Spec": {"Role": "worker", "Availability": "drain"}}
        return [worker, attrs] if self.node_id else []


class _NodeLab:
    def __init__(self, node_id: str) -> None:
        self.client = _NodeClient(node_id)


def test_node_inspect_resolves_self_as_the_cli_does():
    lab = _NodeLab("gguml4psi5pi3lzf47seuatn7")
    seen = node.inspect(lab, False, None, ["self"])
    assert isinstance(seen, NodeInspect) and lab.client.asked == ["gguml4psi5pi3lzf47seuatn7"]
    both = node.inspect(lab, True, None, ["self", "vm"])
    assert isinstance(both, Inspections) and len(both) == 2
    assert lab.client.asked[1:] == ["gguml4psi5pi3lzf47seuatn7", "vm"]
    with pytest.raises(EngineError, match="node ID not found"):
        node.inspect(_NodeLab(""), False, None, ["self"])


def test_node_inspect_format_renders_the_raw_answer_and_pretty_is_pretty():
    lab = _NodeLab("gguml4psi5pi3lzf47seuatn7")
    leader = node.inspect(lab, **kwargs("node inspect --format '{{ .ManagerStatus.Leader }}' self"))
    assert isinstance(leader, Output) and leader.text == "true"
    both = node.inspect(lab, **kwargs("node inspect -f '{{.Description.Hostname}} {{.Spec.Role}}' self vm"))
    assert both.text == "vm manager\nvm manager"
    for line in ("node inspect --format=pretty self", "node inspect --pretty --format '{{.ID}}' self"):
        pretty = node.inspect(lab, **kwargs(line))
        assert isinstance(pretty, NodeInspect) and pretty.pretty and repr(pretty).startswith("ID:  ")


def test_node_ls_filters_quiet_and_format():
    lab = _NodeLab("gguml4psi5pi3lzf47seuatn7")
    table = node.ls(lab, **kwargs("node ls --filter role=manager -f role=worker"))
    assert lab.client.asked == ["nodes {'role': ['manager', 'worker']}"]
    assert table.index.tolist() == ["w" * 25, "gguml4psi5pi3lzf47seuatn7 *"]  # by host name, as the CLI sorts
    assert node.ls(lab, **kwargs("node ls -q")).text == "w" * 25 + "\ngguml4psi5pi3lzf47seuatn7"
    listed = node.ls(lab, **kwargs("node ls --format '{{.Hostname}}\\t{{.Status}} {{.Availability}} "
                                   "{{.ManagerStatus}} {{if .Self}}*{{end}}'"))
    assert listed.text == "machine2\tReady Drain  \nvm\tReady Active Leader *"
    columns = node.ls(lab, **kwargs("node ls --format 'table {{.ID}}\t{{.ManagerStatus}}\t{{.EngineVersion}}'"))
    assert columns.text.splitlines() == [
        "ID                          MANAGER STATUS   ENGINE VERSION",
        "wwwwwwwwwwwwwwwwwwwwwwwww                    20.10.24+dfsg1",
        "gguml4psi5pi3lzf47seuatn7   Leader           20.10.24+dfsg1"]


# swarm init and join: the addresses as the CLI fills them in

def test_listen_address_defaults_like_the_cli():
    assert swarm.listen_address(None) == "0.0.0.0:2377"
    assert swarm.listen_address("10.210.0.2") == "10.210.0.2:2377"
    assert swarm.listen_address("10.210.0.2:4000") == "10.210.0.2:4000"
    assert swarm.listen_address(":4000") == "0.0.0.0:4000"
    assert swarm.listen_address("eth0") == "eth0:2377"


@pytest.mark.parametrize("line, said", [
    ("swarm init --data-path-port x", "--data-path-port: 'x' is not a port from 1024 to 49151"),
    ("swarm init --data-path-port 80", "--data-path-port: '80' is not a port from 1024 to 49151"),
    ("swarm init --data-path-port=70000", "--data-path-port: '70000' is not a port from 1024 to 49151"),
    ("swarm init --default-addr-pool 10.30.0.0", "--default-addr-pool: '10.30.0.0' has no prefix length"),
    ("swarm init --default-addr-pool 10.30.0.1/16", "did you mean 10.30.0.0/16?"),
    ("swarm init --default-addr-pool-mask-length 30", "--default-addr-pool-mask-length: '30' is not a prefix length"),
    ("swarm init --default-addr-pool-mask-length x", "'x' is not a prefix length from 1 to 29"),
])
def test_swarm_init_values_are_refused_when_the_cell_is_parsed(line, said):
    assert said in parse_refusal(line)


class _SwarmClient:
    """Just what `swarm.init` asks of a lab machine's engine."""

    def __init__(self) -> None:
        self.api = self
        self.inits: list[dict] = []

    def create_swarm_spec(self, **given) -> dict:
        return {"Labels": given.pop("labels"), **given}

    def init_swarm(self, **given) -> str:
        self.inits.append(given)
        return "n" * 25

    def inspect_swarm(self) -> dict:
        return {"JoinTokens": {"Worker": "SWMTKN-1-w"}}

    def info(self) -> dict:
        return {"Swarm": {"NodeID": "n" * 25, "NodeAddr": "10.210.0.2"}}


def test_swarm_init_gives_docker_py_the_pools_and_ports(monkeypatch):
    monkeypatch.setattr(swarm, "on_lab_machine", lambda lab: None)
    lab = type("_SwarmLab", (), {"client": _SwarmClient(), "labels": lambda self, role: lab_labels("ex", "s1", role)})()
    swarm.init(lab, **kwargs("swarm init --default-addr-pool 10.30.0.0/16 --default-addr-pool 10.40.0.0/16 "
                             "--default-addr-pool-mask-length 26 --data-path-port 7777"))
    swarm.init(lab, **kwargs("swarm init --data-path-port 0"))
    spec = {"Labels": lab_labels("ex", "s1", "swarm")}  # the swarm is the lab's, for a clean-up to know
    assert lab.client.inits == [
        {"advertise_addr": None, "listen_addr": "0.0.0.0:2377", "swarm_spec": spec, "data_path_port": 7777,
         "default_addr_pool": ["10.30.0.0/16", "10.40.0.0/16"], "subnet_size": 26},
        {"advertise_addr": None, "listen_addr": "0.0.0.0:2377", "swarm_spec": spec, "data_path_port": None,
         "default_addr_pool": None, "subnet_size": None}]  # --data-path-port 0: the engine's 4789


def test_service_ls_ports_are_the_routing_meshs_only():
    from dnlab.views import tables

    endpoint = {"Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"},
                          {"Protocol": "udp", "TargetPort": 53, "PublishedPort": 5353, "PublishMode": "host"},
                          {"Protocol": "udp", "TargetPort": 53, "PublishedPort": 53, "PublishMode": "ingress"}]}
    assert tables.format_service_ports({"Endpoint": endpoint}) == "*:8080->80/tcp, *:53->53/udp"
    assert tables.format_service_ports({"Endpoint": {"Ports": endpoint["Ports"][1:2]}}) == ""


def test_an_unknown_node_is_explained():
    from docker.errors import APIError

    from dnlab.engine.explain import explain

    said = explain(APIError("node nosuch not found", explanation="node nosuch not found"), None, "machine1")
    assert str(said) == "node nosuch not found `node ls` lists the swarm's nodes (by ID or host name); `self` is this one."
