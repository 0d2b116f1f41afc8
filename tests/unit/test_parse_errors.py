"""Bad input gives one line naming the line and the problem; nothing runs."""
import pytest

from dnlab.errors import ParseError
from dnlab.parser import parse_cell
from dnlab.parser.values import port_mapping


@pytest.mark.parametrize("cell, message", [
    ("run --frobnicate alpine:latest", "line 1: `docker run` has no flag --frobnicate in dnlab"),
    ("network ls\nnetwork create n --subnet 10.0.0.1/24",
     "line 2: --subnet: '10.0.0.1/24' has host bits set; did you mean 10.0.0.0/24?"),
    ("network create n --subnet 300.1.0.0/24", "line 1: --subnet: '300.1.0.0/24' is not a subnet"),
    ("network create n --subnet 10.0.0.0", "line 1: --subnet: '10.0.0.0' has no prefix length"),
    ("network create n --subnet 10.0.0.0/24 --gateway 10.1.0.1",
     "line 1: --gateway 10.1.0.1 is in no --subnet given"),
    ("network create n --gateway 10.1.0.1", "line 1: --gateway needs a --subnet"),
    ("exec", "line 1: `docker exec` needs container"),
    ("exec webserver1 /bin/bash", "exec -it webserver1 /bin/bash opens one in the notebook"),
    ("run -p 80:http nginx:latest", "line 1: --publish: '80:http' is not a port mapping"),
    ("network frob", "line 1: 'network frob' is not supported; try: connect, create"),
    ("volume ls", "line 1: unknown command 'volume'"),
    ("inspect", "line 1: `docker inspect` needs names"),
    ("logs --tail many c", "line 1: --tail: 'many' is not a whole number"),
    ("run -d --name w", "line 1: `docker run` needs image"),
    ("run -d --network-aliass a alpine:latest", "`docker run` has no flag --network-aliass"),
])
def test_one_line_error(cell, message):
    with pytest.raises(ParseError) as err:
        parse_cell(cell)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_no_abbreviated_flags():
    with pytest.raises(ParseError, match="--netw"):
        parse_cell("run --netw x alpine:latest")


@pytest.mark.parametrize("text, expected", [
    ("8080:80", (("80/tcp", 8080),)),
    ("80", (("80/tcp", None),)),
    ("53:53/udp", (("53/udp", 53),)),
    ("127.0.0.1:8080:80", (("80/tcp", ("127.0.0.1", 8080)),)),
    ("127.0.0.1::80", (("80/tcp", ("127.0.0.1",)),)),
    ("8080-8081:80-81", (("80/tcp", 8080), ("81/tcp", 8081))),
    ("8000-9000:5000", (("5000/tcp", "8000-9000"),)),
    ("[::1]:8080:80", (("80/tcp", ("::1", 8080)),)),
    ("[::]::80", (("80/tcp", ("::",)),)),
])
def test_port_mappings_become_docker_py_bindings(text, expected):
    assert port_mapping(text) == expected
