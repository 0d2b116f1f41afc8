"""Property-based tests of `%%dnet` on arbitrary input: only the magic's usage error ever escapes,
and a cell that does not parse never reaches the engine."""
from __future__ import annotations

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from IPython.core.error import UsageError

from dnlab.magics import DnetMagics
from dnlab.errors import ParseError
from dnlab.parser import parse_cell
from dnlab.parser.grammar import COMMANDS

FORMS = [form for command in COMMANDS for form in command.forms]
FLAGS = sorted({flag for command in COMMANDS for opt in command.options for flag in opt.flags})
TOKENS = ["alpine:latest", "nginx", "10.1.1.0/24", "10.1.1.1", "300.1.1.0/33", "8080:80", "80:http", "a=b",
          "=", "--", "-", "''", '"', "\\", "#", "machine1", "container:web", "-it", "--on", "{x}", "–-name",
          "sh", "-c", "ping -c 1 web", "é", "\t", "0", "-1", "99999999999999999999"]

word = st.one_of(st.sampled_from(FLAGS), st.sampled_from(TOKENS), st.text(max_size=12))
line = st.one_of(
    st.builds(lambda form, words: " ".join([form, *words]), st.sampled_from(FORMS), st.lists(word, max_size=8)),
    st.builds(lambda form, words: "docker " + " ".join([form, *words]), st.sampled_from(FORMS), st.lists(word, max_size=4)),
    st.text(max_size=60),
)
cell = st.lists(line, min_size=0, max_size=5).map("\n".join)
magic_line = st.one_of(st.text(max_size=30), st.lists(st.sampled_from(["--on", "--needs", "machine1", "macvlan",
                                                                      "--on=", "x", "-"]), max_size=4).map(" ".join))


class EngineTouched(Exception):
    """An HTTP request toward a Docker engine (any docker-py client, any transport)."""


@pytest.fixture
def engine_calls(monkeypatch):
    """Every request docker-py would send, recorded; none reaches an engine."""
    calls: list[str] = []

    def refuse(self, request, *args, **kwargs):
        calls.append(request.url)
        raise EngineTouched(request.url)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/dnlab-property-test.sock")
    return calls


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=cell)
def test_parsing_any_cell_gives_invocations_or_one_usage_error(text):
    try:
        invocations = parse_cell(text)
    except ParseError as exc:
        assert str(exc).startswith("line ") and "\n" not in str(exc)
    else:
        assert all(invocation.command in COMMANDS for invocation in invocations)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=magic_line, text=cell)
def test_the_magic_lets_only_usage_errors_out_and_never_calls_the_engine_for_a_bad_cell(first, text, engine_calls):
    engine_calls.clear()
    magic = DnetMagics(shell=None)
    try:
        parse_cell(text)
        parses = True
    except ParseError:
        parses = False
    try:
        magic.dnet(first, text)
    except UsageError:
        pass
    except EngineTouched:
        assert parses, "a cell that does not parse reached the engine"
    if not parses:
        assert engine_calls == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=line)
def test_the_line_magic_lets_only_usage_errors_out(text, engine_calls):
    magic = DnetMagics(shell=None)
    words = text.split()
    if words and words[0] in ("lab", "machines", "topology", "panel"):
        return  # these act on the lab as a whole (tested with an engine)
    try:
        magic.dnet(text)
    except (UsageError, EngineTouched):
        pass
