"""Docker network plugins for Exercise 6.05: Weave Net from a registry, or dnlab/mesh built here."""
from dnlab.plugins.calls import plugin_calls
from dnlab.plugins.catalogue import MESH, PLUGINS, WEAVE, CataloguePlugin, choose, find
from dnlab.plugins.package import plugin_directory

__all__ = ["MESH", "PLUGINS", "WEAVE", "CataloguePlugin", "choose", "find", "plugin_calls", "plugin_directory"]
