"""pytest's root configuration: the egress watch (tests/egress.py) covers tests and notebooks alike."""
pytest_plugins = ["tests.egress"]
