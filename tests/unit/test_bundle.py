"""The classroom bundle's one image, taken out alone: no engine needed to check what it holds."""
from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from dnlab.errors import ImageError
from dnlab.images.archive import image_from_bundle


def add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A `docker save` archive of two images, as the engine's /images/get writes one."""
    path = tmp_path / "course.tar"
    manifest = [{"Config": "aaa.json", "RepoTags": ["alpine:latest"], "Layers": ["l1/layer.tar"]},
                {"Config": "bbb.json", "RepoTags": ["nginx:latest", "nginx:mine"], "Layers": ["l1/layer.tar",
                                                                                              "l2/layer.tar"]}]
    with tarfile.open(path, "w") as archive:
        add(archive, "manifest.json", json.dumps(manifest).encode())
        for name in ("aaa.json", "bbb.json", "l1/layer.tar", "l2/layer.tar"):
            add(archive, name, name.encode())
    return path


def test_one_image_comes_out_with_its_config_and_layers_and_only_its_own_tag(bundle: Path, tmp_path: Path):
    out = tmp_path / "nginx.tar"
    assert image_from_bundle(bundle, "nginx:latest", out)
    with tarfile.open(out) as single:
        assert sorted(single.getnames()) == ["bbb.json", "l1/layer.tar", "l2/layer.tar", "manifest.json"]
        [entry] = json.load(single.extractfile("manifest.json"))
        assert entry["RepoTags"] == ["nginx:latest"] and entry["Config"] == "bbb.json"
        assert single.extractfile("l2/layer.tar").read() == b"l2/layer.tar"


def test_an_image_the_bundle_lacks_is_said_so(bundle: Path, tmp_path: Path):
    assert not image_from_bundle(bundle, "postgres:12", tmp_path / "none.tar")


def test_a_bundle_that_is_not_one_is_one_line(tmp_path: Path):
    broken = tmp_path / "broken.tar"
    broken.write_bytes(b"not a tar")
    with pytest.raises(ImageError) as err:
        image_from_bundle(broken, "alpine:latest", tmp_path / "x.tar")
    assert "cannot be read" in str(err.value) and "\n" not in str(err.value)
