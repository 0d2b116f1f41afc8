"""Where dnlab keeps built images between runs, its record of the images it pulled, and the bundle it loaded."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from dnlab.settings import settings


def cache_dir() -> Path:
    """The image cache: ``$DNLAB_CACHE``, ``$XDG_CACHE_HOME/dnlab`` or ``~/.cache/dnlab``, plus ``images``."""
    path = settings().cache_root / "images"
    path.mkdir(parents=True, exist_ok=True)
    return path


def debs_dir() -> Path:
    """Where the .debs that builds in the engine use are kept between builds: the cache root, plus ``debs``."""
    return settings().cache_root / "debs"


def state_file() -> Path:
    """The record of pulled images: ``$XDG_STATE_HOME/dnlab`` or ``~/.local/state/dnlab``, ``images.json``."""
    return settings().state_root / "images.json"


def pulled_ids(engine_id: str) -> set[str]:
    """Ids of the images dnlab pulled into the engine ``engine_id`` (some may be gone since)."""
    return set(_read_state().get("pulled", {}).get(engine_id, []))


def record_pull(engine_id: str, image_id: str) -> None:
    """Remember that dnlab pulled ``image_id`` into the engine ``engine_id``."""
    state = _read_state()
    pulled = state.setdefault("pulled", {})
    pulled[engine_id] = sorted({*pulled.get(engine_id, []), image_id})
    _write_state(state)


def _write_state(state: dict) -> None:
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp") as out:
        json.dump(state, out, indent=1)
    os.replace(out.name, path)


def remember_bundle(path: Path) -> None:
    """Remember the classroom bundle last loaded (``dnlab images --load``), to restore images from."""
    _write_state({**_read_state(), "bundle": str(path)})


def bundle() -> Path | None:
    """The classroom bundle last loaded, if it is still there (a USB stick may have gone)."""
    path = _read_state().get("bundle")
    return Path(path) if path and Path(path).is_file() else None


def _read_state() -> dict:
    try:
        return json.loads(state_file().read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}
