"""Reach the Docker engine through docker-py, or explain why we cannot."""
from __future__ import annotations

import functools

import docker
from docker.errors import DockerException

from dnlab.errors import EngineUnavailable
from dnlab.settings import settings

API_TIMEOUT_S = 120
QUICK_TIMEOUT_S = 3


def engine_url() -> str:
    """Where docker-py will look: ``DOCKER_HOST`` or the default socket."""
    return settings().engine_url


def on_binder() -> bool:
    """True inside a mybinder.org session, which never has a Docker engine."""
    return settings().on_binder


def unavailable(reason: str) -> EngineUnavailable:
    """The error to show when no engine answers, with the fix that fits this place."""
    where = engine_url()
    if on_binder():
        return EngineUnavailable(
            "This is Binder: it has no Docker engine, so live cells cannot run here.",
            "Read the stored outputs of a real run, or run the course on a machine with Docker (see README).",
        )
    if settings().docker_host:
        fix = f"Check that the engine at DOCKER_HOST={where} is up, or unset DOCKER_HOST to use the local one."
    else:
        fix = ("Start one: `dnlab engine start` (root on Debian/Ubuntu), start Docker Desktop, "
               "or point DOCKER_HOST at your engine.")
    return EngineUnavailable(f"No Docker engine answers at {where} ({reason}).", fix)


@functools.lru_cache(maxsize=4)
def _client_for(url: str) -> docker.DockerClient:
    try:
        client = docker.DockerClient.from_env(timeout=API_TIMEOUT_S)
        client.ping()
    except DockerException as exc:
        raise unavailable(short_reason(exc)) from None
    return client


def connect() -> docker.DockerClient:
    """Like the docker CLI's own connection: a client for ``DOCKER_HOST`` or the default socket."""
    return _client_for(engine_url())


@functools.lru_cache(maxsize=4)
def _quick_client_for(url: str) -> docker.DockerClient:
    return docker.DockerClient.from_env(timeout=QUICK_TIMEOUT_S)


def quick() -> docker.DockerClient:
    """A client that gives up after a few seconds, for things that must never hang (tab completion)."""
    try:
        return _quick_client_for(engine_url())
    except DockerException as exc:
        raise unavailable(short_reason(exc)) from None


def forget() -> None:
    """Drop cached clients (after the engine was started, stopped or DOCKER_HOST changed)."""
    _client_for.cache_clear()
    _quick_client_for.cache_clear()


def short_reason(exc: Exception) -> str:
    """A few words for why a connection failed: ``connection refused``, ``no such file or directory``."""
    text = str(exc)
    for marker in ("No such file or directory", "Connection refused", "Permission denied",
                   "timed out", "Name or service not known", "Connection broken", "Connection aborted"):
        if marker in text:
            return marker.lower()
    return text.splitlines()[0][:120] if text else type(exc).__name__
