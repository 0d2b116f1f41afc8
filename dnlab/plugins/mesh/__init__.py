"""dnlab/mesh, the course's own network driver plugin: ``driver.py`` and its ``config.json``."""
