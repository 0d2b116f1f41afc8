"""Typed values of ``%%dnet`` flags: each turns CLI text into what docker-py takes, or explains."""
from __future__ import annotations

import argparse
import csv
import ipaddress
import re
from dataclasses import dataclass, field


def subnet(text: str) -> str:
    """``--subnet 192.168.54.0/24``: an IPv4 or IPv6 network in CIDR form."""
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a subnet (write it like 192.168.54.0/24)") from None
    if "/" not in text:
        raise argparse.ArgumentTypeError(f"'{text}' has no prefix length (write it like {net.network_address}/24)")
    if net.network_address != ipaddress.ip_interface(text).ip:
        raise argparse.ArgumentTypeError(f"'{text}' has host bits set; did you mean {net}?")
    return text


def ip_address(text: str) -> str:
    """``--gateway 192.168.54.1``, ``--ip``: one IP address."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an IP address (write it like 192.168.54.1)") from None
    return text


PORT_SPEC = re.compile(r"^(?:(?:\[(?P<ip6>[0-9A-Fa-f:.]+)\]|(?P<ip>\d+\.\d+\.\d+\.\d+)):)?"
                       r"(?:(?P<host>\d+(?:-\d+)?)?:)?(?P<container>\d+(?:-\d+)?)(?:/(?P<proto>tcp|udp|sctp))?$")


def port_mapping(text: str) -> tuple[tuple[str, object], ...]:
    """``-p [IP:][HOST:]CONTAINER[/PROTO]``, ranges too (``8080-8090:80-90``), IPv6 in brackets
    (``[::1]:8080:80``): one (``80/tcp``, host binding) pair per container port, as docker-py's
    ``port_bindings`` wants and as the docker CLI expands it."""
    match = PORT_SPEC.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port mapping (write HOST:CONTAINER, like 8080:80)")
    ip = match["ip6"] or match["ip"]
    if ip:
        ip_address(ip)
    proto = match["proto"] or "tcp"
    containers = _port_range(match["container"], text)
    hosts: list[int | str | None] = [None] * len(containers)
    if match["host"]:
        host_range = _port_range(match["host"], text)
        if len(host_range) == len(containers):
            hosts = list(host_range)
        elif len(containers) == 1:
            hosts = [match["host"]]  # the engine picks one free port of the host range
        else:
            raise argparse.ArgumentTypeError(f"'{text}': the host range and the container range differ in length")
    return tuple((f"{port}/{proto}", _binding(ip, host)) for port, host in zip(containers, hosts))


def _binding(ip: str | None, host: int | str | None) -> object:
    if ip:
        return (ip, host) if host is not None else (ip,)
    return host


def _port_range(text: str, whole: str) -> tuple[int, ...]:
    first, _, last = text.partition("-")
    low, high = int(first), int(last or first)
    if not 0 < low <= high <= 65535:
        raise argparse.ArgumentTypeError(f"'{whole}': ports run from 1 to 65535, low to high")
    return tuple(range(low, high + 1))


def exposed(text: str) -> tuple[str, ...]:
    """``--expose 80``, ``--expose 7000-7010/udp``: the container ports it names."""
    port, _, proto = text.partition("/")
    if not re.fullmatch(r"\d+(-\d+)?", port) or proto not in ("", "tcp", "udp", "sctp"):
        raise argparse.ArgumentTypeError(f"'{text}' is not a port (write it like 80 or 7000-7010/udp)")
    return tuple(f"{number}/{proto or 'tcp'}" for number in _port_range(port, text))


def link(text: str) -> tuple[str, str]:
    """``--link name[:alias]``."""
    name, _, alias = text.partition(":")
    if not name:
        raise argparse.ArgumentTypeError(f"'{text}' is not a link (write NAME or NAME:ALIAS)")
    return name, alias or name


def key_value(text: str) -> tuple[str, str]:
    """``-o parent=eth0``: a driver option as KEY=VALUE (``-o encrypted``: KEY alone, an empty value)."""
    key, _, value = text.partition("=")
    if not key:
        raise argparse.ArgumentTypeError(f"'{text}' is not KEY=VALUE")
    return key, value


def positive_int(text: str) -> int:
    """A count or a number of seconds."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number")
    return int(text)


def count(text: str) -> int:
    """``machines up 2``: how many, a whole number from 1 to 9."""
    if not text.isdigit() or not 1 <= int(text) <= 9:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of machines from 1 to 9")
    return int(text)


def host_entry(text: str) -> tuple[str, str]:
    """``--add-host db:10.0.0.5`` (or ``db=10.0.0.5``, or ``host.docker.internal:host-gateway``)."""
    match = re.fullmatch(r"([^:=\s]+)[:=](.+)", text)
    if not match:
        raise argparse.ArgumentTypeError(f"'{text}' is not HOST:IP (write it like db:10.0.0.5)")
    name, address = match.groups()
    if address != "host-gateway":
        ip_address(address.strip("[]"))
    return name, address.strip("[]")


def mac_address(text: str) -> str:
    """``--mac-address 92:d0:c6:0a:29:33``."""
    if not re.fullmatch(r"[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}", text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a MAC address (write it like 92:d0:c6:0a:29:33)")
    return text.lower()


def named_volume(text: str) -> tuple[str, str, str]:
    """``-v NAME:/path[:ro]``: a named volume (dnlab makes it, labelled), never a host path."""
    name, _, rest = text.partition(":")
    path, _, mode = rest.partition(":")
    if name.startswith(("/", ".", "~")) or "/" in name:
        raise argparse.ArgumentTypeError(f"'{text}' mounts a path of the engine's host; dnlab mounts only named "
                                         "volumes, which it makes and labels: -v NAME:/path")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name) or not path.startswith("/") or mode not in ("", "ro", "rw"):
        raise argparse.ArgumentTypeError(f"'{text}' is not NAME:/path[:ro] (write it like data:/data)")
    return name, path, mode or "rw"


def label_filter(text: str) -> tuple[str, str]:
    """``--filter driver=bridge``: one KEY=VALUE filter, as the engine takes it."""
    key, sep, value = text.partition("=")
    if not key or not sep:
        raise argparse.ArgumentTypeError(f"'{text}' is not a filter KEY=VALUE (like name=web or label=tier)")
    return key, value


def filters(pairs: list[tuple[str, str]] | None) -> dict[str, list[str]] | None:
    """``--filter name=web --filter name=db``: the engine's filters, each key with its values."""
    found: dict[str, list[str]] = {}
    for key, value in pairs or []:
        found.setdefault(key, []).append(value)
    return found or None


PRUNE_FILTERS = ("label", "until")


def prune_filters(pairs: list[tuple[str, str]] | None) -> tuple[tuple[str, ...], float | None]:
    """A prune's ``--filter label=K=V`` and ``--filter until=24h`` (a Go duration): the labels, and the age in
    seconds."""
    found = filters(pairs) or {}
    unknown = [key for key in found if key not in PRUNE_FILTERS]
    if unknown:
        raise ValueError(f"prune --filter {unknown[0]}=... is not one dnlab knows: it takes label= and until=")
    until = found.get("until", [])
    return tuple(found.get("label", [])), go_duration(until[-1]) / 1e9 if until else None


@dataclass(frozen=True)
class Attachment:
    """One ``--network``: ``NET``, or docker's long form ``name=NET,alias=A,ip=ADDR,ip6=ADDR,mac-address=M``."""

    name: str
    aliases: tuple[str, ...] = ()
    ipv4_address: str | None = None
    ipv6_address: str | None = None
    mac_address: str | None = None
    driver_opt: dict[str, str] = field(default_factory=dict)

    @property
    def user_defined(self) -> bool:
        """Not one of the engine's own modes: bridge, host, none, default, or container:NAME."""
        return self.name not in ("bridge", "host", "none", "default") and not self.name.startswith("container:")

    @property
    def has_settings(self) -> bool:
        return bool(self.aliases or self.ipv4_address or self.ipv6_address or self.mac_address or self.driver_opt)


ATTACHMENT_KEYS = ("name", "alias", "ip", "ip6", "mac-address", "driver-opt", "link-local-ip", "gw-priority")


def network_attachment(text: str) -> Attachment:
    """``--network NET`` or ``--network name=NET,alias=A,ip=ADDR`` (docker's long form)."""
    if "=" not in text.split(",")[0]:
        if "," in text:
            raise argparse.ArgumentTypeError(f"'{text}': write the long form with name=, like name={text.split(',')[0]},alias=A")
        return Attachment(text)
    found: dict[str, list[str]] = {}
    for part in next(csv.reader([text])):  # docker reads it as CSV: "driver-opt=a=1,b=2" is one field
        key, sep, value = part.partition("=")
        if not sep or key not in ATTACHMENT_KEYS or not value:
            raise argparse.ArgumentTypeError(f"'{part}' in '{text}' is not one of {', '.join(k + '=' for k in ATTACHMENT_KEYS[:6])}")
        found.setdefault(key, []).append(value)
    if "name" not in found or len(found["name"]) > 1:
        raise argparse.ArgumentTypeError(f"'{text}' needs one name=NETWORK")
    if "link-local-ip" in found or "gw-priority" in found:
        raise argparse.ArgumentTypeError(f"'{text}': dnlab does not set link-local-ip or gw-priority")
    single = {key: ip_address(values[-1]) for key, values in found.items() if key in ("ip", "ip6")}
    return Attachment(found["name"][0], tuple(found.get("alias", ())), single.get("ip"), single.get("ip6"),
                      mac_address(found["mac-address"][-1]) if "mac-address" in found else None,
                      dict(key_value(opt) for opt in found.get("driver-opt", ())))



def attachments(networks: list[Attachment] | None, aliases: list[str] | None, ipv4_address: str | None,
                ipv6_address: str | None, mac_address: str | None) -> list[Attachment]:
    """Every ``--network`` of a ``run``, as the docker CLI reads them: ``--ip``, ``--ip6``,
    ``--network-alias`` and ``--mac-address`` belong to the first one (``default`` if none is given)."""
    given = list(networks or []) or [Attachment("default")]
    legacy = {"aliases": tuple(aliases or ()), "ipv4_address": ipv4_address, "ipv6_address": ipv6_address,
              "mac_address": mac_address}
    first = given[0]
    for key, value in legacy.items():
        if value and getattr(first, key):
            flag = {"aliases": "--network-alias", "ipv4_address": "--ip", "ipv6_address": "--ip6",
                    "mac_address": "--mac-address"}[key]
            raise ValueError(f"{flag} and the long form's own setting for {first.name} conflict: give one")
    given[0] = Attachment(first.name, first.aliases or legacy["aliases"], first.ipv4_address or ipv4_address,
                          first.ipv6_address or ipv6_address, first.mac_address or mac_address, first.driver_opt)
    names = [a.name for a in given]
    twice = next((name for name in names if names.count(name) > 1), None)
    if twice:
        raise ValueError(f"--network {twice} is given twice")
    if len(given) > 1 and not all(a.user_defined for a in given):
        built_in = next(a.name for a in given if not a.user_defined)
        raise ValueError(f"--network {built_in} cannot be joined with other networks (docker refuses it too): "
                         "give user-defined networks only, or one network")
    if (legacy["aliases"] or ipv4_address or ipv6_address) and not given[0].user_defined:
        raise ValueError("--ip, --ip6 and --network-alias work only on a user-defined network "
                         f"(not {given[0].name}): give --network NAME")
    return given


def pools(subnets: list[str] | None, gateways: list[str] | None, ranges: list[str] | None,
          aux: list[tuple[str, str]] | None) -> list[dict]:
    """``network create``'s IPAM pools: each ``--gateway``, ``--ip-range`` and ``--aux-address`` goes to
    the ``--subnet`` that contains it, as docker matches them (not by order)."""
    found = [{"subnet": s, "gateway": None, "iprange": None, "aux_addresses": {}} for s in subnets or []]

    def home(address: str, flag: str) -> dict:
        inside = [p for p in found if _contains(p["subnet"], address)]
        if not inside:
            raise ValueError(f"{flag} {address} is in no --subnet given" if found else f"{flag} needs a --subnet")
        return inside[0]

    for gateway in gateways or []:
        pool = home(gateway, "--gateway")
        if pool["gateway"]:
            raise ValueError(f"--subnet {pool['subnet']} has two gateways: {pool['gateway']} and {gateway}")
        pool["gateway"] = gateway
    for ip_range in ranges or []:
        pool = home(ip_range, "--ip-range")
        if pool["iprange"]:
            raise ValueError(f"--subnet {pool['subnet']} has two --ip-range values")
        pool["iprange"] = ip_range
    for name, address in aux or []:
        home(ip_address(address), "--aux-address")["aux_addresses"][name] = address
    return found


def _contains(subnet_text: str, inner: str) -> bool:
    net = ipaddress.ip_network(subnet_text, strict=False)
    other = ipaddress.ip_network(inner, strict=False)
    return other.version == net.version and other.subnet_of(net)


SERVICE_PORT_FORMS = ("write PUBLISHED:TARGET[/PROTO], like 8080:80, or "
                      "published=8080,target=80[,protocol=udp][,mode=host]")
SERVICE_PORT_FIELDS = ("published", "target", "protocol", "mode", "name")
SERVICE_PROTOCOLS = ("tcp", "udp", "sctp")
PUBLISH_MODES = ("ingress", "host")
SHORT_SERVICE_PORT = re.compile(r"(?:(?P<published>\d+(?:-\d+)?):)?(?P<target>\d+(?:-\d+)?)(?:/(?P<protocol>[a-z]+))?")


def service_port(text: str) -> tuple[dict, ...]:
    """``service create -p 8080:80``, ``8080:80/udp``, ``8080-8081:80-81``, ``80`` (the engine picks the
    published port) or ``published=8080,target=80[,protocol=udp][,mode=host]``: docker-py's PortConfigs
    (``EndpointSpec(ports=...)``), one per port, as the docker CLI reads them."""
    if re.search(r"\w+=\w+", text):  # the CLI's own test for the long form
        return (_long_service_port(text),)
    if text.count(":") > 1:
        raise argparse.ArgumentTypeError(f"'{text}': a service publishes on every node, so it takes no host IP "
                                         "(write PUBLISHED:TARGET, like 8080:80)")
    match = SHORT_SERVICE_PORT.fullmatch(text)
    if not match:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port: {SERVICE_PORT_FORMS}")
    protocol = _service_protocol(match["protocol"] or "tcp", text)
    targets = _port_range(match["target"], text)
    published: list[int | None] = [None] * len(targets)
    if match["published"]:
        published = list(_port_range(match["published"], text))
        if len(published) != len(targets):
            raise argparse.ArgumentTypeError(f"'{text}': the published range and the target range differ in length")
    return tuple(_port_config(target, port, protocol, "ingress") for port, target in zip(published, targets))


def _long_service_port(text: str) -> dict:
    found: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in SERVICE_PORT_FIELDS or not value:
            fields = ", ".join(f + "=" for f in SERVICE_PORT_FIELDS[:4])
            raise argparse.ArgumentTypeError(f"'{text}': '{part}' is not one of {fields} ({SERVICE_PORT_FORMS})")
        found[key] = value.strip()
    if "target" not in found:
        raise argparse.ArgumentTypeError(f"'{text}' needs target=PORT, the port the tasks listen on "
                                         f"({SERVICE_PORT_FORMS})")
    mode = found.get("mode", "ingress").lower()
    if mode not in PUBLISH_MODES:
        raise argparse.ArgumentTypeError(f"'{text}': mode={mode} is neither ingress (the routing mesh) nor host "
                                         "(the machine that runs the task)")
    published = _port_number(found["published"], text) if "published" in found else None
    config = _port_config(_port_number(found["target"], text), published,
                          _service_protocol(found.get("protocol", "tcp").lower(), text), mode)
    if "name" in found:
        config["Name"] = found["name"]
    return config


def _port_config(target: int, published: int | None, protocol: str, mode: str) -> dict:
    config: dict = {"Protocol": protocol, "TargetPort": target}
    if published is not None:
        config["PublishedPort"] = published
    config["PublishMode"] = mode
    return config


def _service_protocol(protocol: str, text: str) -> str:
    if protocol not in SERVICE_PROTOCOLS:
        raise argparse.ArgumentTypeError(f"'{text}': the protocol is tcp, udp or sctp, not {protocol}")
    return protocol


def _port_number(text: str, whole: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"'{whole}': '{text}' is not a port number ({SERVICE_PORT_FORMS})")
    return _port_range(text, whole)[0]


def service_network(text: str) -> Attachment:
    """``service update --network-add NET`` or ``name=NET,alias=A[,driver-opt=K=V]``; a service's tasks
    get their addresses from the swarm, so ``ip=``, ``ip6=`` and ``mac-address=`` are refused."""
    attachment = network_attachment(text)
    if attachment.ipv4_address or attachment.ipv6_address or attachment.mac_address:
        raise argparse.ArgumentTypeError(f"'{text}': a service's tasks get their addresses from the swarm; "
                                         "give name=, alias= and driver-opt= only")
    return attachment


def scale_spec(text: str) -> tuple[str, int]:
    """``service scale web=3`` -> ("web", 3)."""
    name, sep, replicas = text.partition("=")
    if not name or not sep or not replicas:
        raise argparse.ArgumentTypeError(f"'{text}' is not SERVICE=REPLICAS (write it like web=3)")
    if not replicas.isdigit():
        raise argparse.ArgumentTypeError(f"'{text}': the number of replicas is a whole number, not '{replicas}' "
                                         f"(like {name}=3)")
    return name, int(replicas)


def data_path_port(text: str) -> int:
    """``swarm init --data-path-port 7777``: the VXLAN port, 1024 to 49151 as the engine takes it (0: 4789)."""
    if not text.isdigit() or not (int(text) == 0 or 1024 <= int(text) <= 49151):
        raise argparse.ArgumentTypeError(f"'{text}' is not a port from 1024 to 49151 (like --data-path-port 7777)")
    return int(text)


def mask_length(text: str) -> int:
    """``swarm init --default-addr-pool-mask-length 24``: each overlay network's prefix length, 1 to 29."""
    if not text.isdigit() or not 1 <= int(text) <= 29:
        raise argparse.ArgumentTypeError(f"'{text}' is not a prefix length from 1 to 29 (like 24: each network "
                                         "a /24 of the pool)")
    return int(text)


GO_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|h|m|s)")
GO_UNITS = {"ns": 1, "us": 1_000, "µs": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}


def go_duration(text: str) -> int:
    """``--update-delay 10s``, ``1m30s``, ``500ms``, ``0``: a Go duration, in nanoseconds as the engine takes it."""
    parts = GO_DURATION.findall(text)
    if text != "0" and (not parts or "".join(n + u for n, u in parts) != text):
        raise argparse.ArgumentTypeError(f"'{text}' is not a duration (write it like 10s, 1m30s or 500ms)")
    return round(sum(float(number) * GO_UNITS[unit] for number, unit in parts))


def pool_mask_fits(pools: list[str] | None, mask_length: int) -> None:
    """``swarm init --default-addr-pool-mask-length``: each network's subnet fits in every pool (the
    default pool is the engine's 10.0.0.0/8)."""
    for pool in pools or ["10.0.0.0/8"]:
        if mask_length < ipaddress.ip_network(pool).prefixlen:
            raise ValueError(f"--default-addr-pool-mask-length {mask_length} is shorter than the prefix of "
                             f"--default-addr-pool {pool}: give /{ipaddress.ip_network(pool).prefixlen} or more")
