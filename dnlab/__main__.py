"""``python -m dnlab``: the same as the ``dnlab`` command."""
import sys

from dnlab.cli import main

sys.exit(main())
