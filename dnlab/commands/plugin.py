"""`docker plugin ...`: one function per verb. Plugins carry no labels, so dnlab installs and
changes them only on its own lab machines (``%%dnet --on machine1``); anywhere, it lists them."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from dnlab import plugins
from dnlab.commands.guard import plugins_on_lab_machine
from dnlab.errors import DnlabError, PermissionsNotGranted
from dnlab.images.preparation import Registry, registry_mode
from dnlab.lab import Lab
from dnlab.engine import facts
from dnlab.views import tables
from dnlab.views.results import Inspections, Output, PluginInspect, PluginInstall



def ls(lab: Lab) -> pd.DataFrame:
    """Like `docker plugin ls`."""
    return tables.plugins_table(lab.client.api.plugins())


def inspect(lab: Lab, names: list[str]) -> PluginInspect | Inspections:
    """Like `docker plugin inspect`: what it implements, its socket and what it may do."""
    found = [PluginInspect(lab.client.api.inspect_plugin(name)) for name in names]
    return found[0] if len(found) == 1 else Inspections(found)


def install(lab: Lab, reference: str, grant_all_permissions: bool, alias: str | None,
            disable: bool) -> PluginInstall:
    """Like `docker plugin install`: pulled where a registry answers; dnlab's own plugin (the
    offline stand-in for Weave Net) is made here with `docker plugin create`, then enabled."""
    plugins_on_lab_machine(lab, "install")
    entry = plugins.find(reference)
    name = alias or (entry.reference if entry else reference)
    if entry is not None and entry.own:
        privileges = facts.config_privileges(json.loads((entry.source / "config.json").read_text()))
        grant(reference, privileges, grant_all_permissions)
        folder = plugins.plugin_directory(lab.on(None), entry)
        lab.client.api.create_plugin(name, str(folder))
        shown = str(folder).replace(str(Path.home()), "~", 1)
        how = f"made here with `docker plugin create {name} {shown}` (dnlab's own plugin is never pulled)"
    else:
        if not Registry(lab.client, registry_mode()).answers(reference):
            raise DnlabError(f"No registry answered for {reference}, so it cannot be installed here.",
                             f"Offline, install the course's own network driver: plugin install "
                             f"--grant-all-permissions {plugins.MESH.reference}")
        privileges = lab.client.api.plugin_privileges(reference)
        grant(reference, privileges, grant_all_permissions)
        for _ in lab.client.api.pull_plugin(reference, privileges, name):
            pass
        how = "pulled from the registry"
    if not disable:
        lab.client.api.enable_plugin(name)
    return PluginInstall(name, privileges, how, enabled=not disable)


def grant(reference: str, privileges: list[dict], granted: bool) -> None:
    """Refuse, listing what the plugin asks for, unless --grant-all-permissions was given."""
    if not granted:
        asked = "; ".join(f"{p['Name']}: [{' '.join(p['Value'])}]" for p in privileges) or "nothing"
        raise PermissionsNotGranted(
            f"plugin {reference} asks for these privileges: {asked}.",
            "The docker CLI would ask [y/N]; a notebook cannot answer, so grant them on the command: "
            f"plugin install --grant-all-permissions {reference}")


def create(lab: Lab, name: str, directory: str) -> Output:
    """Like `docker plugin create NAME DIR`: a plugin from a directory holding config.json and rootfs/."""
    plugins_on_lab_machine(lab, "create")
    lab.client.api.create_plugin(name, directory)
    return Output(name)


def enable(lab: Lab, name: str) -> Output:
    """Like `docker plugin enable`: start the plugin's process; its driver becomes usable."""
    plugins_on_lab_machine(lab, "enable")
    lab.client.api.enable_plugin(name)
    return Output(name)


def disable(lab: Lab, name: str, force: bool) -> Output:
    """Like `docker plugin disable`: stop it (refused while networks use it, unless -f)."""
    plugins_on_lab_machine(lab, "disable")
    lab.client.api.disable_plugin(name, force=force)
    return Output(name)


def rm(lab: Lab, names: list[str], force: bool) -> Output:
    """Like `docker plugin rm`: remove disabled plugins (-f: enabled ones too)."""
    plugins_on_lab_machine(lab, "remove")
    for name in names:
        lab.client.api.remove_plugin(name, force=force)
    return Output("\n".join(names))
