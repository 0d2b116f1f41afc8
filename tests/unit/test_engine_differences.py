"""The engines learners have: the explicit choice of engine, and what differs from the book's on each."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from dnlab.engine import client as engine_client
from dnlab.engine.differences import (DIFFERENCES, LINK_ENVIRONMENT, RANDOM_MAC, applies, differences, firewall_backend,
                                      release)
from dnlab.engine.report import EngineReport
from dnlab.errors import EngineUnavailable


@pytest.mark.parametrize("version, expected", [("20.10.24+dfsg1", (20, 10)), ("26.1.5+dfsg1", (26, 1)),
                                               ("28.5.2+dfsg4", (28, 5)), ("29.0.0-rc.1", (29, 0)), ("dev", (0, 0))])
def test_an_engine_version_is_read_as_debian_and_docker_print_it(version, expected) -> None:
    assert release(version) == expected


def test_what_differs_from_the_book_grows_with_the_engine() -> None:
    assert differences("20.10.24+dfsg1") == []
    assert differences("26.1.5+dfsg1") == []  # what the course shows did not change before 28
    assert RANDOM_MAC in {d.key for d in differences("28.5.2+dfsg4")}
    assert not applies(LINK_ENVIRONMENT, "28.5.2") and applies(LINK_ENVIRONMENT, "29.0.1")
    assert len(differences("29.0.0")) == len(DIFFERENCES)
    with pytest.raises(KeyError, match="no difference 'typo'"):
        applies("typo", "28.5.2")


def test_each_difference_is_one_line_a_learner_can_read() -> None:
    for difference in DIFFERENCES:
        assert "\n" not in difference.line and len(str(difference)) < 200, difference.key
        assert str(difference).startswith(f"since Docker {difference.since[0]}.")


def test_the_firewall_backend_is_the_engines_word_or_iptables_before_it_had_one() -> None:
    assert firewall_backend({"FirewallBackend": {"Driver": "nftables"}}) == "nftables"
    assert firewall_backend({"FirewallBackend": {"Driver": "iptables"}}) == "iptables"
    assert firewall_backend({}).startswith("iptables (the only backend before Docker 28.2)")


def test_the_engine_report_says_which_engine_why_and_what_differs() -> None:
    report = EngineReport("unix:///var/run/docker.sock", "28.5.2+dfsg4", "1.51", "Debian linux/amd64", "Linux engine",
                          "inactive", chosen="from DOCKER_HOST", firewall="iptables", differences=differences("28.5.2"))
    text = repr(report)
    assert "unix:///var/run/docker.sock (from DOCKER_HOST)" in text and "firewall                  iptables" in text
    assert "differs from the book     since Docker 28.0:" in text and "random MAC addresses" in text


@pytest.fixture
def docker_config(monkeypatch, tmp_path: Path) -> Path:
    """An empty docker CLI configuration, as a learner's ~/.docker has it."""
    monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path))
    monkeypatch.delenv("DOCKER_HOST", raising=False)
    monkeypatch.delenv("DOCKER_CONTEXT", raising=False)
    return tmp_path


def test_without_docker_host_or_a_context_dnlab_says_it_uses_the_default_socket(docker_config) -> None:
    choice = engine_client.engine_choice()
    assert str(choice) == "unix:///var/run/docker.sock (the default socket)"


def test_docker_host_wins_and_is_named(docker_config, monkeypatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", "unix:///run/learner/docker.sock")
    (docker_config / "config.json").write_text(json.dumps({"currentContext": "desktop-linux"}))
    assert str(engine_client.engine_choice()) == "unix:///run/learner/docker.sock (from DOCKER_HOST)"


def test_the_docker_clis_context_is_followed_and_named_as_docker_desktop_sets_it(docker_config) -> None:
    meta = docker_config / "contexts" / "meta" / "fe9c6bd7a66301f49ca9b6a70b217107cd1284598bfc254700c989b916da791e"
    meta.mkdir(parents=True)
    meta.joinpath("meta.json").write_text(json.dumps({
        "Name": "desktop-linux", "Metadata": {},
        "Endpoints": {"docker": {"Host": "unix:///home/learner/.docker/desktop/docker.sock", "SkipTLSVerify": False}}}))
    (docker_config / "config.json").write_text(json.dumps({"currentContext": "desktop-linux"}))
    choice = engine_client.engine_choice()
    assert (choice.url, choice.why) == ("unix:///home/learner/.docker/desktop/docker.sock",
                                        "the docker CLI's context desktop-linux")


def test_a_context_that_does_not_exist_is_one_clear_error(docker_config, monkeypatch) -> None:
    monkeypatch.setenv("DOCKER_CONTEXT", "classroom")
    with pytest.raises(EngineUnavailable, match=r"^The docker context classroom \(chosen in DOCKER_CONTEXT\) does not exist"):
        engine_client.engine_choice()
