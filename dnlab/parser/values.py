"""Typed values of ``%%dnet`` flags: each turns CLI text into what docker-py takes, or explains."""
from __future__ import annotations

import argparse
import ipaddress


def subnet(text: str) -> str:
    """``--subnet 192.168.54.0/24``: an IPv4 or IPv6 network in CIDR form."""
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a subnet (write it like 192.168.54.0/24)") from None
    if "/" not in text:
        raise argparse.ArgumentTypeError(f"'{text}' has no prefix length (write it like {net.network_address}/24)")
    if str(net) != text:
        raise argparse.ArgumentTypeError(f"'{text}' has host bits set; did you mean {net}?")
    return text


def ip_address(text: str) -> str:
    """``--gateway 192.168.54.1``, ``--ip``: one IP address."""
    try:
        ipaddress.ip_address(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an IP address (write it like 192.168.54.1)") from None
    return text


def port_mapping(text: str) -> tuple[str, int | tuple[str, int] | None]:
    """``-p 8080:80``: (container port with protocol, host binding) as docker-py's ``ports`` wants."""
    spec, _, proto = text.partition("/")
    proto = proto or "tcp"
    parts = spec.rsplit(":", 2)
    if proto not in ("tcp", "udp", "sctp") or not all(p.isdigit() for p in parts[-2:] if p) or not parts[-1]:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a port mapping (write HOST:CONTAINER, like 8080:80)")
    container = f"{parts[-1]}/{proto}"
    if len(parts) == 1:
        return container, None
    host_port = int(parts[-2]) if parts[-2] else None
    if len(parts) == 3:
        ip_address(parts[0])
        return container, (parts[0], host_port) if host_port else (parts[0],)
    return container, host_port


def link(text: str) -> tuple[str, str]:
    """``--link name[:alias]``."""
    name, _, alias = text.partition(":")
    if not name:
        raise argparse.ArgumentTypeError(f"'{text}' is not a link (write NAME or NAME:ALIAS)")
    return name, alias or name


def key_value(text: str) -> tuple[str, str]:
    """``-o parent=eth0``: a driver option as KEY=VALUE."""
    key, sep, value = text.partition("=")
    if not key or not sep:
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
