"""Lab machines: several Docker hosts on one laptop (Docker-in-Docker nodes), or real ones.

``up(2)`` starts ``machine1`` and ``machine2``: nodes on a lab underlay network, each with its own
engine API on a unix socket (never TCP), its own storage, and the course's images loaded from
the outer engine. ``client_for("machine1")`` reaches a machine's engine. Real hosts can be listed
instead, by engine URL, in ``DNLAB_MACHINES`` (``machine1=ssh://me@vm1,machine2=unix:///...``).
"""
from dnlab.engine.endpoints import client_for, container_name, real_machines
from dnlab.machines.nodes import down, ls, node_image, running_machines, underlay_ip, up

__all__ = ["client_for", "container_name", "down", "ls", "node_image", "real_machines", "running_machines",
           "underlay_ip", "up"]
