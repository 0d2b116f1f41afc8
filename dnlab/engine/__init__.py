"""The Docker engine: connecting to it, describing it, starting and stopping one."""
from dnlab.engine.client import connect, engine_url, forget

__all__ = ["connect", "engine_url", "forget"]
