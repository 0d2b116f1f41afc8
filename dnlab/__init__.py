"""dnlab: Docker networking, hands-on in JupyterLab against a real Docker engine.

``%load_ext dnlab`` adds the ``%%dnet`` magic; ``dnlab.checks`` holds the checks notebooks assert
with; ``dnlab.machines`` the lab machines; ``dnlab.links.macvlan_parent()`` a lab-made macvlan
parent; ``dnlab.start_lab(NAME)`` does what ``%dnet lab NAME`` does; ``dnlab.cleanup()`` removes what dnlab created, and only that. Notebooks use only these.
"""
from dnlab import checks, machines, plugins
from dnlab.cleanup import cleanup
from dnlab.commands.course import start_lab
from dnlab.doctor import doctor
from dnlab.errors import DnlabError
from dnlab.host import links
from dnlab.lab import current
from dnlab.magics import load_ipython_extension
from dnlab.views.topology import topology

__version__ = "0.1.0"
__all__ = ["DnlabError", "checks", "cleanup", "current", "doctor", "links", "load_ipython_extension", "machines",
           "plugins", "start_lab", "topology"]
