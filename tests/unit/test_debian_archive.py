"""The pure-Python reading of a Debian archive that builds in the engine rely on: versions, the
index (recorded from this machine's bookworm mirror), the resolver, .debs, and the two tars."""
from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from dnlab.errors import ImageError
from dnlab.images import bootstrap, debian_archive
from dnlab.images.debian_archive import Package, closure, compare_versions, parse_packages, release_sums

RECORDED = Path(__file__).parent / "recorded"
MIRROR = "http://deb.debian.org/debian"


@pytest.mark.parametrize("left, right, order", [
    ("1.0", "1.0", 0), ("1.0~rc1", "1.0", -1), ("1:1.0", "2.0", 1), ("1.0-1", "1.0-2", -1),
    ("1.22.1-9+deb12u11", "1.22.1-9", 1), ("2.36-9+deb12u10", "2.36-9+deb12u9", 1), ("1.0a", "1.0", 1),
    ("1.0", "1.0+", -1), ("20.10.24+dfsg1-1+deb12u1+b6", "20.10.24+dfsg1-1+deb12u1+b1", 1), ("1.2.3", "1.10", -1),
    ("0:1.0", "1.0", 0), ("1.0~~", "1.0~", -1),
])
def test_versions_are_ordered_as_dpkg_orders_them(left, right, order) -> None:
    assert (compare_versions(left, right) > 0) - (compare_versions(left, right) < 0) == order
    assert (compare_versions(right, left) > 0) - (compare_versions(right, left) < 0) == -order


def test_the_recorded_index_is_read_with_its_relations_and_sums() -> None:
    index = parse_packages((RECORDED / "debian-bookworm-packages-excerpt.txt").read_text(), MIRROR)
    assert set(index) == {"base-files", "dash", "debianutils", "gawk", "gcc-12-base", "libc6", "libgcc-s1", "mawk"}
    libc = index["libc6"]
    assert libc.uri == MIRROR and libc.filename.startswith("pool/main/g/glibc/libc6_") and len(libc.sha256) == 64
    assert ("libgcc-s1",) in libc.depends
    assert index["mawk"].priority == "required" and "awk" in index["mawk"].provides
    assert index["dash"].essential and not index["gawk"].essential
    assert index["dash"].stanza.startswith("Package: dash\n")


def test_the_release_file_gives_the_sum_of_each_index() -> None:
    sums = release_sums((RECORDED / "debian-bookworm-release-excerpt.txt").read_text())
    assert sums["main/binary-amd64/Packages.xz"] == "9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5"


def package(name: str, depends: str = "", provides: str = "", essential: bool = False,
            priority: str = "optional") -> Package:
    relations = debian_archive._relations(depends)
    return Package(name, "1", MIRROR, f"pool/{name}.deb", "0" * 64, relations,
                   tuple(p.strip() for p in provides.split(",") if p.strip()), essential, priority, f"Package: {name}")


def test_the_closure_takes_the_essential_set_and_the_first_alternative_and_the_apt_choice_of_a_provider() -> None:
    index = {p.name: p for p in (
        package("dash", essential=True, depends="libc6 (>= 2.34)"),
        package("libc6"),
        package("tool", depends="missing-one | libc6, awk"),
        package("gawk", provides="awk"),
        package("mawk", provides="awk", priority="required"),
        package("unrelated"),
    )}
    chosen = [p.name for p in closure(index, ["tool"])]
    assert chosen == ["dash", "libc6", "mawk", "tool"]  # apt picks the required awk, as mmdebstrap's apt did


def test_a_missing_package_is_named() -> None:
    with pytest.raises(ImageError, match="no package nginx-heavy"):
        closure({}, ["nginx-heavy"])


def a_deb(files: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    """A .deb as dpkg-deb writes one: an ar archive of debian-binary, control.tar.xz and data.tar.xz."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:xz") as tar:
        for name, body in files.items():
            info = tarfile.TarInfo(f"./{name}")
            info.size = len(body)
            tar.addfile(info, io.BytesIO(body))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(f"./{name}")
            info.type, info.linkname = tarfile.LNKTYPE, f"./{target}"
            tar.addfile(info)
    members = [("debian-binary", b"2.0\n"), ("control.tar.xz", b""), ("data.tar.xz", data.getvalue())]
    out = b"!<arch>\n"
    for name, body in members:
        out += f"{name:<16}{0:<12}{0:<6}{0:<6}{100644:<8}{len(body):<10}`\n".encode() + body + b"\n" * (len(body) % 2)
    return out


def test_a_debs_files_are_moved_into_a_merged_usr() -> None:
    deb = a_deb({"bin/dash": b"#!", "usr/share/doc/dash/copyright": b"c"}, links={"sbin/sh-link": "bin/dash"})
    members = [(m.name, m.linkname) for m, _ in bootstrap.deb_files(io.BytesIO(deb), "dash.deb")]
    assert members == [("usr/bin/dash", ""), ("usr/share/doc/dash/copyright", ""), ("usr/sbin/sh-link", "usr/bin/dash")]
    assert bootstrap.merged_path("./lib/x86_64-linux-gnu/libc.so.6") == "usr/lib/x86_64-linux-gnu/libc.so.6"
    assert bootstrap.merged_path("./etc/passwd") == "etc/passwd"


def test_not_a_deb_is_refused() -> None:
    with pytest.raises(ImageError, match="not a Debian package"):
        list(bootstrap.deb_files(io.BytesIO(b"<html>"), "page.deb"))


def test_stage_one_holds_each_path_once_with_bin_and_lib_as_links(tmp_path) -> None:
    first, second = tmp_path / "a.deb", tmp_path / "b.deb"
    first.write_bytes(a_deb({"bin/dash": b"one", "etc/shared": b"first"}))
    second.write_bytes(a_deb({"etc/shared": b"second", "usr/bin/mawk": b"awk"}))
    out = tmp_path / "stage-one.tar"
    bootstrap.write_stage_one([first, second], out)
    with tarfile.open(out) as tar:
        names = tar.getnames()
        assert len(names) == len(set(names))  # the engine refuses a tar with a path twice
        assert tar.getmember("bin").linkname == "usr/bin" and tar.getmember("usr/bin/sh").linkname == "dash"
        assert tar.extractfile("etc/shared").read() == b"first"
        assert f"{bootstrap.DEBS}/a.deb" in names and "var/lib/dpkg/status" in names


def test_the_local_repository_points_each_stanza_at_its_deb(tmp_path) -> None:
    deb = tmp_path / "dash_1_amd64.deb"
    deb.write_bytes(b"deb")
    stanza = "Package: dash\nVersion: 1\nFilename: pool/main/d/dash/dash_1_amd64.deb\nSHA256: 00"
    out = tmp_path / "repository.tar"
    debian_archive.write_repository([Package("dash", "1", MIRROR, "pool/main/d/dash/dash_1_amd64.deb", "00", (), (),
                                             True, "required", stanza)], [deb], out)
    with tarfile.open(out) as tar:
        index = tar.extractfile(f"{debian_archive.REPOSITORY}/Packages").read().decode()
        assert "Filename: ./dash_1_amd64.deb" in index and "pool/" not in index
        assert f"{debian_archive.REPOSITORY}/dash_1_amd64.deb" in tar.getnames()
