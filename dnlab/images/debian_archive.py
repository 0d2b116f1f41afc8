"""A Debian archive read over HTTP in pure Python: its signed Release, its package index, and .debs.

Where this machine cannot run mmdebstrap (an account that is not root), images are built in a
container on the engine, and that container needs no network: dnlab reads the mirror here,
resolves the packages a build needs, and hands the build a small local repository of their
.debs. Every file is checked against the SHA256 sums of the Release file, and the Release file
against Debian's keyring with gpgv, so the build may trust the local repository.
"""
from __future__ import annotations

import functools
import hashlib
import io
import lzma
import tarfile
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests

from dnlab.errors import ImageError

KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")
FETCH_TIMEOUT_S = 60
DOWNLOADS_AT_ONCE = 8
PRIORITIES = ("required", "important", "standard", "optional", "extra")
REPOSITORY = "var/cache/dnlab-repository"
"""Where a build container finds its local repository: ``deb [trusted=yes] copy:///REPOSITORY ./``."""
GPGV_FIX = "As root: apt-get install gpgv debian-archive-keyring. Or load a classroom bundle: dnlab images --load FILE"


@dataclass(frozen=True)
class Package:
    """One binary package of the index: what a resolver and a downloader need."""

    name: str
    version: str
    uri: str
    filename: str
    sha256: str
    depends: tuple[tuple[str, ...], ...]
    """Depends and Pre-Depends: each a tuple of alternatives, versions and architectures dropped."""
    provides: tuple[str, ...]
    essential: bool
    priority: str
    stanza: str


def fetch(url: str) -> bytes:
    """The body of ``url``, or an ImageError naming it."""
    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT_S)
        response.raise_for_status()
    except requests.RequestException as exc:
        raise ImageError(f"The Debian mirror did not give {url}: {exc}") from None
    return response.content


def verified_release(uri: str, suite: str) -> str:
    """The signed text of ``dists/SUITE/InRelease``, checked by gpgv against Debian's keyring (as apt does)."""
    signed = fetch(f"{uri}/dists/{suite}/InRelease")
    gpgv = shutil.which("gpgv")
    if gpgv is None or not KEYRING.is_file():
        raise ImageError("Checking the Debian mirror's signature needs gpgv and Debian's keyring, not found here.",
                         GPGV_FIX)
    with tempfile.TemporaryDirectory(prefix="dnlab-release-") as work:
        (Path(work) / "InRelease").write_bytes(signed)
        done = subprocess.run([gpgv, "--keyring", str(KEYRING), "--output", "Release", "InRelease"], cwd=work,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise ImageError(f"The signature of {uri}/dists/{suite}/InRelease does not check out: "
                             f"{(done.stderr.strip().splitlines() or ['gpgv failed'])[-1]}")
        return (Path(work) / "Release").read_text()


def release_sums(release: str) -> dict[str, str]:
    """The SHA256 section of a Release file: path below ``dists/SUITE`` to its sum."""
    sums: dict[str, str] = {}
    section = release.split("\nSHA256:\n", 1)[-1] if "\nSHA256:\n" in release else ""
    for line in section.splitlines():
        if not line.startswith(" "):
            break
        digest, _size, path = line.split()
        sums[path] = digest
    return sums


@functools.lru_cache(maxsize=1)
def package_index(mirror_lines: tuple[str, ...], architecture: str) -> dict[str, Package]:
    """The ``main`` packages of every ``deb URI SUITE main`` line, by name: the highest version of each."""
    index: dict[str, Package] = {}
    for line in mirror_lines:
        _deb, uri, suite, *_components = line.split()
        for name, package in suite_index(uri, suite, architecture).items():
            if name not in index or compare_versions(package.version, index[name].version) > 0:
                index[name] = package
    return index


def suite_index(uri: str, suite: str, architecture: str) -> dict[str, Package]:
    """The ``main`` packages of ``suite`` for ``architecture``, by name, as the signed Release vouches."""
    path = f"main/binary-{architecture}/Packages.xz"
    expected = release_sums(verified_release(uri, suite)).get(path)
    if expected is None:
        raise ImageError(f"The Debian mirror's {suite} has no {path}.")
    packed = fetch(f"{uri}/dists/{suite}/{path}")
    _check_sum(packed, expected, path)
    return parse_packages(lzma.decompress(packed).decode(), uri)


def parse_packages(text: str, uri: str) -> dict[str, Package]:
    """The stanzas of a Packages file (the last of a name wins)."""
    index: dict[str, Package] = {}
    for stanza in text.split("\n\n"):
        fields = dict(re.findall(r"^([A-Za-z0-9-]+): (.*)$", stanza, re.MULTILINE))
        if "Package" not in fields:
            continue
        relations = ", ".join(filter(None, (fields.get("Pre-Depends"), fields.get("Depends"))))
        index[fields["Package"]] = Package(
            name=fields["Package"],
            version=fields["Version"],
            uri=uri,
            filename=fields["Filename"],
            sha256=fields["SHA256"],
            depends=_relations(relations),
            provides=tuple(_bare(item) for item in fields.get("Provides", "").split(",") if item.strip()),
            essential=fields.get("Essential") == "yes",
            priority=fields.get("Priority", "optional"),
            stanza=stanza.strip(),
        )
    return index


def closure(index: dict[str, Package], wanted: Iterable[str]) -> list[Package]:
    """The essential packages, ``wanted``, and everything they depend on (the first alternative that
    exists, or the provider apt would pick: the one of highest priority), in a stable order."""
    providers: dict[str, str] = {}
    for package in sorted(index.values(), key=lambda package: PRIORITIES.index(package.priority)
                          if package.priority in PRIORITIES else len(PRIORITIES)):
        for virtual in package.provides:
            providers.setdefault(virtual, package.name)
    chosen: dict[str, Package] = {}
    todo = [*sorted(name for name, package in index.items() if package.essential), *wanted]
    while todo:
        name = todo.pop()
        if name in chosen:
            continue
        if name not in index:
            raise ImageError(f"The Debian mirror has no package {name}.")
        package = chosen[name] = index[name]
        for alternatives in package.depends:
            if any(choice in chosen for choice in alternatives):
                continue
            real = [choice for choice in alternatives if choice in index]
            virtual = [providers[choice] for choice in alternatives if choice in providers]
            if real or virtual:
                todo.append((real or virtual)[0])
    return sorted(chosen.values(), key=lambda package: package.name)


def download(packages: list[Package], into: Path, on_phase: Callable[[str], None]) -> list[Path]:
    """Each package's .deb in ``into`` (kept there for the next build), its sum checked against the signed index."""
    into.mkdir(parents=True, exist_ok=True)
    missing = [package for package in packages if not _deb_path(package, into).exists()]
    on_phase(f"downloading {len(missing)} of {len(packages)} packages")

    def fetch_one(package: Package) -> None:
        body = fetch(f"{package.uri}/{package.filename}")
        _check_sum(body, package.sha256, package.filename)
        partial = _deb_path(package, into).with_suffix(".partial")
        partial.write_bytes(body)
        partial.replace(_deb_path(package, into))

    with ThreadPoolExecutor(DOWNLOADS_AT_ONCE) as pool:
        list(pool.map(fetch_one, missing))
    return [_deb_path(package, into) for package in packages]


def write_repository(packages: list[Package], debs: list[Path], out: Path) -> None:
    """A tar of a flat apt repository at ``REPOSITORY``: the .debs and their ``Packages`` index."""
    stanzas = []
    for package, deb in zip(packages, debs):
        stanzas.append(re.sub(r"^Filename: .*$", f"Filename: ./{deb.name}", package.stanza, flags=re.MULTILINE))
    index = ("\n\n".join(stanzas) + "\n").encode()
    with tarfile.open(out, "w") as tar:
        info = tarfile.TarInfo(f"{REPOSITORY}/Packages")
        info.size, info.mode = len(index), 0o644
        tar.addfile(info, io.BytesIO(index))
        for deb in debs:
            tar.add(deb, f"{REPOSITORY}/{deb.name}")


def compare_versions(left: str, right: str) -> int:
    """Debian's version order (as ``dpkg --compare-versions``): negative, zero or positive."""
    for a, b in zip(_version_parts(left), _version_parts(right)):
        if isinstance(a, int):
            if a != b:
                return -1 if a < b else 1
            continue
        order = _compare_revisions(a, b)  # type: ignore[arg-type]
        if order:
            return order
    return 0


def _version_parts(version: str) -> tuple[int | str, str, str]:
    epoch, _, rest = version.rpartition(":") if ":" in version else ("0", "", version)
    upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "0")
    return int(epoch or 0), upstream, revision


def _compare_revisions(a: str, b: str) -> int:
    """dpkg's verrevcmp: non-digit runs by dpkg's character order (``~`` first), digit runs as numbers."""

    def order(character: str) -> int:
        if character == "~":
            return -1
        return ord(character) if character.isalpha() else ord(character) + 256

    while a or b:
        a_text, a = _split_run(a, digits=False)
        b_text, b = _split_run(b, digits=False)
        for x, y in zip(a_text.ljust(len(b_text), "\0"), b_text.ljust(len(a_text), "\0")):
            ox, oy = (0 if x == "\0" else order(x)), (0 if y == "\0" else order(y))
            if ox != oy:
                return -1 if ox < oy else 1
        a_number, a = _split_run(a, digits=True)
        b_number, b = _split_run(b, digits=True)
        if int(a_number or 0) != int(b_number or 0):
            return -1 if int(a_number or 0) < int(b_number or 0) else 1
    return 0


def _split_run(text: str, digits: bool) -> tuple[str, str]:
    end = 0
    while end < len(text) and text[end].isdigit() == digits:
        end += 1
    return text[:end], text[end:]


def _deb_path(package: Package, into: Path) -> Path:
    return into / Path(package.filename).name


def _check_sum(body: bytes, expected: str, what: str) -> None:
    if hashlib.sha256(body).hexdigest() != expected:
        raise ImageError(f"{what} from the Debian mirror does not match the SHA256 sum its Release file gives.")


def _relations(text: str) -> tuple[tuple[str, ...], ...]:
    groups = [tuple(_bare(choice) for choice in item.split("|")) for item in text.split(",") if item.strip()]
    return tuple(groups)


def _bare(relation: str) -> str:
    """``libc6:any (>= 2.34)`` -> ``libc6``."""
    return relation.strip().split(" ", 1)[0].split("(", 1)[0].split(":", 1)[0]
