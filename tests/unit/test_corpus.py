"""Docker's own docs, pasted into ``%%dnet``: every command is accepted, or refused in one line that says
why. The refusals are listed here, each with its reason, so a command that starts being refused fails
this test, and one that starts being accepted must be taken off the list."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from dnlab.errors import ParseError
from dnlab.parser import parse_cell

CORPUS = Path(__file__).parent / "corpus" / "docker_docs.txt"

REFUSED = {  # the start of the command -> what its one line must say
    "$ docker swarm init --advertise-addr=<IP-ADDRESS-OF-MANAGER>": "the docs' placeholder",
    "$ docker swarm join --token <TOKEN>": "the docs' placeholder",
    "$ docker swarm join --token <your_token>": "the docs' placeholder",
    "$ docker container inspect <id>": "the docs' placeholder",
    "$ docker network rm `docker network ls": "shell syntax",
    # the engine would refuse it: a fixed address needs a user-defined network
    "$ docker run -d --ip 192.0.2.100 -p 127.0.0.1:8080:80 nginx": "work only on a user-defined network",
    "$ docker run --network mynet -p '[::]::80'": "needs image",  # the docs leave the image out
    "$ docker ps nostalgic_morse": "one argument too many",  # docker ps takes no name either
    "$ docker run --net mynet busybox:latest ping test": "never ends by itself",  # a cell must end
    "$ docker service update --rollback --update-delay 0s": "needs service",  # the docs lost the name
}


def corpus() -> list[tuple[str, str]]:
    """(source URL, command) for every command of the corpus, in its order."""
    found, source = [], ""
    for line in CORPUS.read_text().splitlines():
        if line.startswith("# source: "):
            source = line.removeprefix("# source: ")
        elif line.strip() and not line.startswith("#"):
            found.append((source, line))
    return found


def outcome(command: str) -> str | None:
    """None when ``%%dnet`` accepts the command, else its one-line refusal."""
    try:
        parse_cell(command)
    except ParseError as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("source, command", corpus(), ids=[c for _, c in corpus()])
def test_each_command_is_accepted_or_refused_in_one_line(source, command):
    refusal = outcome(command)
    expected = next((why for start, why in REFUSED.items() if command.startswith(start)), None)
    if expected is None:
        assert refusal is None, f"refused: {refusal}"
    else:
        assert refusal is not None, "accepted now: take it off REFUSED"
        assert expected in refusal and "\n" not in refusal and refusal.startswith("line 1: ")


def test_tally_per_source(capsys):
    tally: dict[str, Counter] = {}
    for source, command in corpus():
        tally.setdefault(source, Counter())["refused" if outcome(command) else "accepted"] += 1
    width = max(len(source) for source in tally)
    with capsys.disabled():
        print(f"\nDocker docs corpus ({CORPUS.name}): accepted / refused per source")
        for source, counts in tally.items():
            print(f"  {source:<{width}}  {counts['accepted']:>3} / {counts['refused']}")
        total = sum(tally.values(), Counter())
        print(f"  {'all':<{width}}  {total['accepted']:>3} / {total['refused']}")
    assert total["accepted"] + total["refused"] == len(corpus())
