"""Swarm refusals without an engine: dnlab's own guard, and the engine's usual answers explained."""
import pytest
from docker.errors import APIError

from dnlab.commands import swarm
from dnlab.engine.explain import explain
from dnlab.errors import NotOnLabMachine
from dnlab.lab import Lab

LOCAL, MACHINE = Lab("t"), Lab("t").on("machine1")


@pytest.mark.parametrize("call", [lambda lab: swarm.init(lab, None),
                                  lambda lab: swarm.join(lab, "SWMTKN-1-x", "10.210.0.2"),
                                  lambda lab: swarm.leave(lab, True)])
def test_membership_never_changes_on_the_learners_engine(call):
    with pytest.raises(NotOnLabMachine) as err:
        call(LOCAL)  # refused before any engine is asked
    assert str(err.value) == ("dnlab never initialises, joins or leaves a swarm on your own engine; "
                              "run it on a lab machine: %%dnet --on machine1")


def _fix(message: str, lab: Lab = MACHINE) -> str:
    return explain(APIError(message, explanation=message), None, lab.machine).fix


NOT_MANAGER = ('This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect '
               'this node to swarm and try again.')
WORKER = ("This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. "
          "Please run this command on a manager node or promote the current node to a manager.")


@pytest.mark.parametrize("message, lab, expected", [
    (NOT_MANAGER, LOCAL, "Your own engine is in no swarm (dnlab never makes it one)"),
    (NOT_MANAGER, MACHINE, "machine1 is in no swarm yet: `swarm init` it, or `swarm join` it"),
    (WORKER, MACHINE, "machine1 is a worker: run it on the manager"),
    ('This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.',
     MACHINE, "`swarm leave --force` there first"),
    ("rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster", MACHINE,
     "swarm join-token -q worker"),
    ("invalid join token", MACHINE, "swarm join-token -q worker"),
    ("remote CA does not match fingerprint. Expected: 7bce29c51fd6f57d", MACHINE, "swarm join-token -q worker"),
    ('Timeout was reached before node joined. The attempt to join the swarm will continue in the background. '
     'Use the "docker info" command to see the current swarm status of your node.', MACHINE,
     "`swarm leave --force` this machine before you try again"),
    ("The network bridgenet cannot be used with services. Only networks scoped to the swarm can be used, such as "
     "those created with the overlay driver.", MACHINE, "network create -d overlay NAME"),
    ("service nosuch not found", MACHINE, "`service ls` lists the services"),
    ("rpc error: code = AlreadyExists desc = name conflicts with an existing object: service web already exists",
     MACHINE, "`service rm` the lab's old service first"),
])
def test_the_usual_swarm_mistakes_come_with_a_fix(message, lab, expected):
    assert expected in _fix(message, lab)
