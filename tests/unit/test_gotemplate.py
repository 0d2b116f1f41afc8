"""The docker CLI's --format templates (Go's text/template), evaluated against Engine API answers.

The dicts below are shaped like the Engine API's answers (container and network inspect, in the
engine's own field order); the expected texts are what the docker CLI prints for them.
"""
import pytest

from dnlab.errors import DnlabError
from dnlab.views.gotemplate import render, table

CID = "551df777cb491a309680f37430c40db078c258eece70d6fa510990ce3616d943"
NET_ID = "3321c2a01944d90c95da9d8737b679b83abf6b0abfd6c90a1c9c5597cfd12cee"


def endpoint(ip: str, mac: str, gateway: str, prefix: int) -> dict:
    return {"IPAMConfig": None, "Links": None, "Aliases": None, "MacAddress": mac, "DriverOpts": None,
            "NetworkID": NET_ID, "EndpointID": "f3939f2cdd83", "Gateway": gateway, "IPAddress": ip,
            "IPPrefixLen": prefix, "IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0}


BRIDGE_ENDPOINT = endpoint("172.17.0.2", "02:42:ac:11:00:02", "172.17.0.1", 16)
CONTAINER = {
    "Id": CID,
    "Created": "2024-11-27T19:37:07.822275581Z",
    "Path": "nginx",
    "Args": ["-g", "daemon off;"],
    "State": {"Status": "running", "Running": True, "Paused": False, "Pid": 4242, "ExitCode": 0, "Health": None},
    "Image": "sha256:f21b7faad8b52adeaf9d74c7a6c27fae9b0ef853222181231bd0624d4f77f719",
    "LogPath": f"/var/lib/docker/containers/{CID}/{CID}-json.log",
    "Name": "/webserver1",
    "RestartCount": 0,
    "HostConfig": {"NetworkMode": "bridge", "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}},
    "Config": {"Hostname": "551df777cb49", "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/bin:/bin"],
               "Cmd": ["nginx", "-g", "daemon off;"], "Image": "nginx:alpine", "Entrypoint": None,
               "ExposedPorts": {"80/tcp": {}},
               "Labels": {"maintainer": "NGINX Docker Maintainers <docker-maint@nginx.com>"}},
    "NetworkSettings": {
        "Bridge": "", "SandboxKey": "/var/run/docker/netns/a53063617c5c",
        "Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}, {"HostIp": "::", "HostPort": "8080"}],
                  "443/tcp": None},
        "Gateway": "172.17.0.1", "IPAddress": "172.17.0.2", "IPPrefixLen": 16, "MacAddress": "02:42:ac:11:00:02",
        "Networks": {"bridge": BRIDGE_ENDPOINT},
    },
}
# The same container, connected to a user-defined network as well (names sort: bridge < dnsnet).
TWO_NETWORKS = {**CONTAINER, "NetworkSettings": {**CONTAINER["NetworkSettings"], "Networks": {
    "dnsnet": endpoint("192.168.54.2", "02:42:c0:a8:36:02", "192.168.54.1", 24), "bridge": BRIDGE_ENDPOINT}}}
DNSNET = {
    "Name": "dnsnet", "Id": NET_ID, "Created": "2024-11-27T19:37:07.822275581Z", "Scope": "local",
    "Driver": "bridge", "EnableIPv6": False,
    "IPAM": {"Driver": "default", "Options": {}, "Config": [{"Subnet": "192.168.54.0/24", "Gateway": "192.168.54.1"}]},
    "Internal": False, "Attachable": False, "Ingress": False, "ConfigFrom": {"Network": ""}, "ConfigOnly": False,
    "Containers": {"a993b021bdd2": {"Name": "alpinedns1", "EndpointID": "20aaa2f99f70",
                                    "MacAddress": "02:42:c0:a8:36:02", "IPv4Address": "192.168.54.2/24",
                                    "IPv6Address": ""}},
    "Options": {}, "Labels": {"dnlab.lab": "recording"},
}
BRIDGE = {**DNSNET, "Name": "bridge", "Containers": {}, "IPAM": {
    "Driver": "default", "Options": None, "Config": [{"Subnet": "172.17.0.0/16", "Gateway": "172.17.0.1"}]},
    "Options": {"com.docker.network.bridge.default_bridge": "true", "com.docker.network.bridge.enable_icc": "true",
                "com.docker.network.bridge.name": "docker0", "com.docker.network.driver.mtu": "1500"}}
PS_ROW = {"ID": "d88edafbfdc8", "Image": "alpine:latest", "Command": '"/bin/sh"',
          "CreatedAt": "2024-11-27 19:37:08 +0000 UTC", "RunningFor": "2 minutes ago", "Ports": "",
          "State": "running", "Status": "Up 2 minutes", "Names": "alpinedns2", "Networks": "dnsnet"}
NETWORK_LS_ROW = {"ID": "3321c2a01944", "Name": "dnsnet", "Driver": "bridge", "Scope": "local"}


@pytest.mark.parametrize("template, data, printed", [
    ("{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", CONTAINER, "172.17.0.2"),
    ("{{.NetworkSettings.Networks.bridge.IPAddress}}", CONTAINER, "172.17.0.2"),
    ("{{range .NetworkSettings.Networks}}{{.MacAddress}}{{end}}", CONTAINER, "02:42:ac:11:00:02"),
    ("{{.LogPath}}", CONTAINER, f"/var/lib/docker/containers/{CID}/{CID}-json.log"),
    ("{{.Config.Image}}", CONTAINER, "nginx:alpine"),
    ("{{range $p, $conf := .NetworkSettings.Ports}} {{$p}} -> {{(index $conf 0).HostPort}} {{end}}",
     {**CONTAINER, "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8080"}]}}},
     " 80/tcp -> 8080 "),
    ("{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{println}}{{end}}", TWO_NETWORKS, "bridge\ndnsnet\n"),
    ("{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", TWO_NETWORKS, "172.17.0.2 192.168.54.2 "),
    ("{{range .IPAM.Config}}{{.Subnet}}{{end}}", DNSNET, "192.168.54.0/24"),
    ("{{index .Options \"com.docker.network.bridge.name\"}}", BRIDGE, "docker0"),
    ("{{.Name}}: {{.Driver}}", DNSNET, "dnsnet: bridge"),
    ("{{.Names}}", PS_ROW, "alpinedns2"),
    ("{{.Name}}: {{.Driver}}", NETWORK_LS_ROW, "dnsnet: bridge"),
    ("{{.ID}}: {{.Name}}", NETWORK_LS_ROW, "3321c2a01944: dnsnet"),
])
def test_examples_from_dockers_docs(template, data, printed):
    assert render(template, data) == printed


def test_json_is_compact_in_the_answers_own_order():
    assert render("{{json .NetworkSettings.Networks}}", CONTAINER) == (
        '{"bridge":{"IPAMConfig":null,"Links":null,"Aliases":null,"MacAddress":"02:42:ac:11:00:02",'
        '"DriverOpts":null,"NetworkID":"' + NET_ID + '","EndpointID":"f3939f2cdd83","Gateway":"172.17.0.1",'
        '"IPAddress":"172.17.0.2","IPPrefixLen":16,"IPv6Gateway":"","GlobalIPv6Address":"",'
        '"GlobalIPv6PrefixLen":0}}')
    assert render("{{json .Containers}}", DNSNET) == (
        '{"a993b021bdd2":{"Name":"alpinedns1","EndpointID":"20aaa2f99f70","MacAddress":"02:42:c0:a8:36:02",'
        '"IPv4Address":"192.168.54.2/24","IPv6Address":""}}')
    assert render("{{json .State}}", CONTAINER) == (
        '{"Status":"running","Running":true,"Paused":false,"Pid":4242,"ExitCode":0,"Health":null}')
    assert render("{{.Config.Cmd | json}}", CONTAINER) == '["nginx","-g","daemon off;"]'


def test_json_leaves_html_characters_as_docker_does():
    # docker's json function turns Go's HTML escaping off (docker/cli templates/templates.go,
    # enc.SetEscapeHTML(false)); U+2028 and U+2029 are escaped by Go's encoder whatever that says.
    assert render("{{json .Config.Labels}}", CONTAINER) == \
        '{"maintainer":"NGINX Docker Maintainers <docker-maint@nginx.com>"}'
    assert render("{{json .}}", {"a": "x & y", "b": "\u2028é\n"}) == '{"a":"x & y","b":"\\u2028é\\n"}'


@pytest.mark.parametrize("value, printed", [
    ("text", "text"), (16, "16"), (0.5, "0.5"), (True, "true"), (False, "false"), (None, "<nil>"),
    (["-g", "daemon off;"], "[-g daemon off;]"), ([], "[]"), ([None, 1, [2]], "[<nil> 1 [2]]"),
    ({"b": 1, "a": {"d": None, "c": "x"}}, "map[a:map[c:x d:<nil>] b:1]"), ({}, "map[]"),
])
def test_values_print_as_gos_fmt_prints_them(value, printed):
    assert render("{{.V}}", {"V": value}) == printed


def test_the_dot_and_the_root():
    assert render("{{.}}", "x") == "x"
    assert render("{{range .Config.Cmd}}{{$.Name}}:{{.}} {{end}}", CONTAINER) == \
        "/webserver1:nginx /webserver1:-g /webserver1:daemon off; "


def test_range_over_lists_and_maps():
    assert render("{{range $i, $e := .Args}}{{$i}}={{$e}};{{end}}", CONTAINER) == "0=-g;1=daemon off;;"
    assert render("{{range $e := .Args}}[{{$e}}]{{end}}", CONTAINER) == "[-g][daemon off;]"
    assert render("{{range $v := .M}}{{$v}}{{end}}", {"M": {"b": 2, "a": 1}}) == "12"
    assert render("{{range .M}}{{.}}{{end}}", {"M": {"b": 2, "c": 3, "a": 1}}) == "123"
    assert render("{{range $c, $n := .Containers}}{{$c}} {{$n.Name}}{{end}}", DNSNET) == "a993b021bdd2 alpinedns1"


def test_range_else_runs_for_nothing_to_range_over():
    assert render("{{range .Containers}}{{.Name}}{{else}}no containers{{end}}", BRIDGE) == "no containers"
    assert render("{{range .L}}x{{else}}none{{end}}", {"L": []}) == "none"
    assert render("{{range .NetworkSettings.Ports}}{{.}}{{end}}", {"NetworkSettings": {"Ports": None}}) == ""


def test_if_else_and_comparisons():
    assert render('{{if eq .Driver "bridge"}}a bridge{{else}}other{{end}}', DNSNET) == "a bridge"
    assert render('{{if eq .Driver "overlay"}}o{{else if eq .Driver "bridge" "macvlan"}}b{{end}}', DNSNET) == "b"
    assert render("{{if not .Internal}}reaches out{{end}}", DNSNET) == "reaches out"
    assert render("{{if .State.Running}}up{{else}}down{{end}}", CONTAINER) == "up"
    assert render("{{if .Containers}}used{{else}}unused{{end}}", BRIDGE) == "unused"
    assert render('{{ne .Scope "swarm"}} {{eq .RestartCount 0}} {{eq .State.Health nil}}', {**DNSNET, **CONTAINER}) \
        == "true true true"
    assert render('{{and .EnableIPv6 .Nope}} {{or .EnableIPv6 "v4 only"}}', DNSNET) == "false v4 only"


def test_with_sets_the_dot():
    assert render("{{with .IPAM.Config}}{{(index . 0).Gateway}}{{end}}", DNSNET) == "192.168.54.1"
    assert render("{{with .IPAM.Options}}{{.}}{{else}}no options{{end}}", BRIDGE) == "no options"
    assert render("{{with $g := .NetworkSettings.Gateway}}gw {{$g}}{{end}}", CONTAINER) == "gw 172.17.0.1"


def test_index():
    assert render("{{index .Config.Cmd 0}}", CONTAINER) == "nginx"
    assert render('{{index .NetworkSettings.Networks "bridge" "IPAddress"}}', CONTAINER) == "172.17.0.2"
    assert render('{{index (index .NetworkSettings.Ports "80/tcp") 1}}', CONTAINER) == "map[HostIp::: HostPort:8080]"
    # A map of strings (Labels, Options) gives "" for a missing key, as docker's map[string]string does.
    assert render('{{index .Options "com.docker.network.bridge.name"}}', DNSNET) == ""
    assert render('{{print (index .Config.Labels "x") 1}}', CONTAINER) == "1"
    assert render('{{index .NetworkSettings.Networks "dnsnet"}}', CONTAINER) == "<no value>"
    assert render('{{if index .Options "x"}}set{{else}}unset{{end}}', DNSNET) == "unset"


def test_functions():
    assert render("{{len .Config.Cmd}} {{len .Containers}} {{len .Name}} {{len \"é\"}}", {**CONTAINER, **DNSNET}) \
        == "3 1 6 2"
    assert render('{{join .Config.Cmd " "}}', CONTAINER) == "nginx -g daemon off;"
    assert render('{{split .Config.Image ":"}} {{index (split .Config.Image ":") 1}}', CONTAINER) == \
        "[nginx alpine] alpine"
    assert render("{{upper .Name}} {{.Name | lower}} {{title \"hello docker-net\"}}", DNSNET) == \
        "DNSNET dnsnet Hello Docker-Net"
    assert render('{{print .Name 1 2 "x" 3}}|{{println .Name 16}}|{{println}}', DNSNET) == "dnsnet1 2x3|dnsnet 16\n|\n"


def test_text_trim_markers_comments_and_literals():
    assert render("a  {{- .Name -}}  \n b", DNSNET) == "adnsnetb"
    assert render("{{/* a comment */}}x{{- /* trimmed */ -}}  y", DNSNET) == "xy"
    assert render('{{"a\\tb}}"}}|{{`raw \\t`}}|{{-3}}|{{true}}', DNSNET) == "a\tb}}|raw \\t|-3|true"
    assert render("{{.Name}}\\t{{.Driver}}", NETWORK_LS_ROW) == "dnsnet\\tbridge"  # text is copied as is
    assert render("{{$n := .Name}}{{range .IPAM.Config}}{{$n}} {{.Subnet}}{{end}}", DNSNET) == "dnsnet 192.168.54.0/24"


def test_table_gives_headers_and_cells():
    rows = [PS_ROW, {**PS_ROW, "ID": "a993b021bdd2", "Names": "alpinedns1"}]
    assert table("table {{.ID}}\\t{{.Names}}\\t{{.Networks}}", rows) == (
        ["ID", "NAMES", "NETWORKS"],
        [["d88edafbfdc8", "alpinedns2", "dnsnet"], ["a993b021bdd2", "alpinedns1", "dnsnet"]])
    assert table("table {{.CreatedAt}}\t{{.RunningFor}}\tname: {{.Names | upper}}", [PS_ROW]) == (
        ["CREATED AT", "RUNNING FOR", "name: NAMES"], [["2024-11-27 19:37:08 +0000 UTC", "2 minutes ago",
                                                      "name: ALPINEDNS2"]])
    assert table("table {{.IPAddress}}", []) == (["IP ADDRESS"], [])
    assert table("table", [PS_ROW]) == ([], [[]])
    assert table("{{.Names}}", [PS_ROW]) is None


@pytest.mark.parametrize("template, says", [
    ('{{printf "%s" .Name}}', ["'{{printf ...}}' is beyond what dnlab evaluates", ".attrs"]),
    ('{{.Name | printf "%s"}}', ["'{{printf ...}}'", ".attrs"]),
    ('{{define "x"}}{{end}}', ["'{{define ...}}'", ".attrs"]),
    ("{{.Nope}}", ["the answer has no field .Nope", "fields at that level: Id, Created, Path"]),
    ("{{.config.Image}}", ["no field .config", "fields at that level: Config, "]),
    ("{{.NetworkSettings.Networks.dnsnet.IPAddress}}", ["no field .NetworkSettings.Networks.dnsnet",
                                                        "fields at that level: bridge."]),
    ("{{range .NetworkSettings.Networks}}{{.IPAdress}}{{end}}", ["no field .IPAdress", "level: IPAddress, "]),
    ("{{.Name.Nope}}", [".Name is a string, which has no field .Nope"]),
    ("{{.Config.Cmd.X}}", [".Config.Cmd is a list", "(index .Config.Cmd 0).X"]),
    ("{{.State.Health.Status}}", [".State.Health is <nil>"]),
    ("{{range .Config.Cmd}}", ["'{{range}}' has no {{end}}"]),
    ("{{if .Name}}x{{else}}y", ["'{{if}}' has no {{end}}"]),
    ("{{.Name", ["unterminated action '{{.Name'"]),
    ("{{end}}", ["'{{end}}' has no {{if}}, {{with}} or {{range}}"]),
    ("{{}}", ["can't read '{{}}'"]),
    ("{{nil}}", ["nil is not a command"]),
    ("{{if .Name}}{{else with .Name}}{{end}}", ["only 'else if' can follow 'else'"]),
    ("{{if .Name}}{{else}}{{else}}{{end}}", ["'{{if}}' has two {{else}}"]),
    ("{{range .Args}}{{end .Name}}", ["{{end}} takes nothing more"]),
    ("{{.Name .Id}}", [".Name is not a function"]),
    ("{{upper .Config.Cmd}}", ["'upper' needs a string, not a list"]),
    ("{{index .Config.Cmd 7}}", ["index 7 is out of range: the list has 3 items"]),
    ('{{eq .RestartCount "0"}}', ["'eq' can't compare a number with a string"]),
    ("{{$nope}}", ["$nope is not defined"]),
    ("{{range .Name}}{{end}}", ["{{range}} can't go over a string"]),
    ("{{json}}", ["'json' takes 1 argument, not 0"]),
    ("{{(.Name}}", ["expected ) at the end"]),
    ("{{.Name ?}}", ["'?' makes no sense there"]),
    ("text\n{{`multi\nline` | upper | nope}}\nmore", ["'{{nope ...}}'"]),
])
def test_errors_are_one_line_and_say_what_failed(template, says):
    with pytest.raises(DnlabError) as caught:
        render(template, CONTAINER)
    text = str(caught.value)
    assert "\n" not in text and text.startswith("--format: ")
    for part in says:
        assert part in text


def test_missing_fields_list_at_most_ten_with_close_matches_first():
    fix = pytest.raises(DnlabError, render, "{{.Nmae}}", CONTAINER).value.fix
    assert fix.startswith("fields at that level: Name, ") and fix.endswith(", ....")
    assert len(fix.split(", ")) == 11
