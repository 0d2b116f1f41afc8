"""The lab a notebook is working in, and the one facade through which it creates and changes things.

Every creating call made through ``Lab.api`` carries the lab's labels, so no path can forget
them; every changing verb asks ``Lab.own_*`` first, so nothing without them is ever removed,
stopped or changed (testcontainers' labelled client is the model).
"""
from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from typing import Any

import docker

from dnlab import labels
from dnlab.engine import connect
from dnlab.engine.endpoints import client_for
from dnlab.errors import NotLabOwned

BUILT_IN_NETWORKS = {"bridge", "host", "none"}


@dataclass(frozen=True)
class Lab:
    """A named lab (``exercise-6.01``) in one kernel session, working on the local engine or on
    one of the lab machines (``machine1``)."""

    name: str = "scratch"
    session: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    machine: str | None = None

    def labels(self, role: str = "exercise") -> dict[str, str]:
        return labels.lab_labels(self.name, self.session, role)

    @property
    def client(self) -> docker.DockerClient:
        return client_for(self.machine) if self.machine else connect()

    @property
    def api(self) -> LabelledAPI:
        """The engine's API, with every creating call stamped with this lab's labels."""
        return LabelledAPI(self.client.api, self)

    def on(self, machine: str | None) -> Lab:
        """The same lab, working on lab machine ``machine`` (None: the local engine)."""
        return dataclasses.replace(self, machine=machine)

    def named(self, name: str) -> Lab:
        """Another lab of the same kernel session (the lab machines belong to ``machines``)."""
        return dataclasses.replace(self, name=name)

    def own_container(self, name: str) -> dict:
        """The container's inspect data, if dnlab created it; else a clear refusal."""
        attrs = self.client.api.inspect_container(name)
        _require_owned("container", name, attrs["Config"].get("Labels"),
                       "Use another name in the lab, or the docker CLI if you mean to change it.")
        return attrs

    def own_network(self, name: str, allow_built_in: bool = False) -> dict:
        """The network's inspect data, if dnlab created it (or it is bridge/host/none, when allowed)."""
        attrs = self.client.api.inspect_network(name)
        if not (allow_built_in and attrs["Name"] in BUILT_IN_NETWORKS):
            _require_owned("network", name, attrs.get("Labels"),
                           "Create a lab network of your own with `network create`.")
        return attrs

    def own_service(self, name: str) -> dict:
        """The service's inspect data, if dnlab created it; else a clear refusal."""
        attrs = self.client.api.inspect_service(name)
        _require_owned("service", name, attrs["Spec"].get("Labels"),
                       "Use another name in the lab, or the docker CLI if you mean to change it.")
        return attrs


def _require_owned(kind: str, name: str, found: dict[str, str] | None, fix: str) -> None:
    if not labels.is_lab_owned(found):
        raise NotLabOwned(f"{kind} {name} was not created by dnlab, so dnlab leaves it alone.", fix)


class LabelledAPI:
    """docker-py's ``APIClient``, except that ``create_container``, ``create_network``,
    ``create_volume`` and ``create_service`` stamp the lab's labels (``role`` says what for;
    ``labels`` adds to them, never replaces them)."""

    def __init__(self, api: docker.APIClient, lab: Lab) -> None:
        self._api = api
        self._lab = lab

    def __getattr__(self, name: str) -> Any:
        return getattr(self._api, name)

    def _stamp(self, role: str, extra: dict[str, str] | None) -> dict[str, str]:
        return {**(extra or {}), **self._lab.labels(role)}

    def create_container(self, *args: Any, role: str = "exercise", labels: dict[str, str] | None = None,
                         **kwargs: Any) -> dict:
        return self._api.create_container(*args, labels=self._stamp(role, labels), **kwargs)

    def create_network(self, *args: Any, role: str = "exercise", labels: dict[str, str] | None = None,
                       **kwargs: Any) -> dict:
        return self._api.create_network(*args, labels=self._stamp(role, labels), **kwargs)

    def create_volume(self, *args: Any, role: str = "exercise", labels: dict[str, str] | None = None,
                      **kwargs: Any) -> dict:
        return self._api.create_volume(*args, labels=self._stamp(role, labels), **kwargs)

    def create_service(self, task_template: dict, *args: Any, role: str = "exercise",
                       labels: dict[str, str] | None = None, **kwargs: Any) -> dict:
        """The service and its task containers both carry the labels."""
        spec = task_template.get("ContainerSpec")
        if spec is not None:
            spec["Labels"] = self._stamp(role, spec.get("Labels"))
        return self._api.create_service(task_template, *args, labels=self._stamp(role, labels), **kwargs)


_current = Lab()


def current() -> Lab:
    """The lab ``%%dnet`` and the checks are working in now."""
    return _current


def begin(name: str) -> Lab:
    """Make lab ``name`` (in a new session) the one everything is labelled with from now on."""
    global _current
    _current = Lab(name)
    return _current
