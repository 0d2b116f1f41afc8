"""dnlab: Docker networking, hands-on in JupyterLab against a real Docker engine.

``%load_ext dnlab`` adds the ``%%dnet`` magic; ``dnlab.checks`` holds the checks
notebooks assert with; ``dnlab.cleanup()`` removes what dnlab created, and only that.
"""
from dnlab import checks
from dnlab import machines
from dnlab.engine import links
from dnlab.doctor import doctor
from dnlab.lab import cleanup, current
from dnlab.magics import load_ipython_extension
from dnlab.views.topology import topology

__version__ = "0.1.0"
__all__ = ["checks", "cleanup", "current", "doctor", "links", "load_ipython_extension", "machines", "topology"]
