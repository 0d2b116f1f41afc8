"""The image catalogue and offline preparation, without a Docker engine or a network."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from docker.errors import ImageNotFound

from dnlab.errors import ImageError
from dnlab.images import apt_sources, debian, preparation, store
from dnlab.images.archive import CREATED_BY, image_config, write_image_archive
from dnlab.images.build import BASES, cached_archive, recipe_key, stale_archives
from dnlab.images.busybox import write_busybox_tar
from dnlab.images.catalogue import (ALPINE, CATALOGUE, EVERYDAY, NGINX, NODE_ENGINES, NODES, POSTGRES, Substitute, chosen_node,
                                    course, find)

from dnlab.engine.facts import human_size, short_id
from dnlab.images.packages import installed_version, package_url
from dnlab.labels import OWN_IMAGE, RECIPE, SUBSTITUTE_FOR, image_labels, own_image_labels

DEB822 = """\
Types: deb
# a snapshot comment
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Components: main
Enabled: no

Types: deb-src
URIs: http://sources-only.example/debian
Suites: bookworm
Components: main

Types: deb
URIs: http://other.example/node
Suites: nodistro
Components: main
"""

ONE_LINE = """\
# a comment line
deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] http://mirror.example/debian bookworm main non-free
deb-src http://mirror.example/debian bookworm main
deb http://mirror.example/debian-security bookworm-security main  # trailing comment
deb http://ubuntu.example/ubuntu jammy main universe
deb http://mirror.example/debian bookworm-backports main
deb http://cloud.example/apt cloud-sdk-bookworm main
"""

BOOKWORM_LINES = [
    "deb http://mirror.example/debian bookworm main",
    "deb http://mirror.example/debian bookworm-updates main",
    "deb http://mirror.example/debian-security bookworm-security main",
]


# The catalogue

NODE = NODES[1]  # the default: trixie's Docker 26
NODE_REFERENCES = ["dnlab/node:20.10", "dnlab/node:26", "dnlab/node:28"]


def test_catalogue_has_the_course_images() -> None:
    references = [image.reference for image in CATALOGUE]
    assert references == ["alpine:latest", "nginx:latest", "postgres:12", *NODE_REFERENCES, "dnlab/mesh-rootfs:latest"]
    assert len(set(references)) == len(references)


def test_the_course_runs_the_default_lab_machines_unless_another_engine_is_chosen(monkeypatch) -> None:
    monkeypatch.delenv("DNLAB_NODE_ENGINE", raising=False)
    assert chosen_node() is NODE and NODE.substitute.suite == "trixie"
    assert [image.reference for image in course()] == [
        "alpine:latest", "nginx:latest", "postgres:12", "dnlab/node:26", "dnlab/mesh-rootfs:latest"]
    assert [image.reference for image in course(NODE_ENGINES[2])][3] == "dnlab/node:28"
    for chosen, reference in (("28", "dnlab/node:28"), ("sid", "dnlab/node:28"), ("20.10", "dnlab/node:20.10")):
        monkeypatch.setenv("DNLAB_NODE_ENGINE", chosen)
        assert chosen_node().reference == reference and find("dnlab/node").reference == reference
    monkeypatch.setenv("DNLAB_NODE_ENGINE", "29")
    with pytest.raises(ImageError, match=r"^DNLAB_NODE_ENGINE=29 is not an engine dnlab builds lab machines from") as raised:
        chosen_node()
    assert raised.value.fix == "Set it to one of: 20.10, 26, 28 (or unset it for 26)."


@pytest.mark.parametrize("engine", NODE_ENGINES, ids=lambda engine: engine.version)
def test_each_lab_machine_image_is_tagged_with_its_docker_version_and_built_from_its_suite(engine) -> None:
    image = NODES[NODE_ENGINES.index(engine)]
    assert image.reference == f"dnlab/node:{engine.version}" and image.substitute.suite == engine.suite
    assert image.substitute.promised_version == engine.version and image.own and not image.everyday
    assert {"mount", "util-linux"} <= set(image.substitute.packages)  # sid's rootfs lacks them otherwise
    assert ("docker-cli" in image.substitute.packages) == (engine.suite != "bookworm")  # split out after bookworm
    assert bool(image.substitute.apt_options) == (engine.suite == "sid")  # this mirror's sid Release is expired


def test_only_the_quick_images_are_everyday_and_only_the_node_and_plugin_rootfs_are_dnlabs_own() -> None:
    assert EVERYDAY == (ALPINE, NGINX)
    assert not POSTGRES.everyday and not any(node.everyday for node in NODES)
    assert [image.reference for image in CATALOGUE if image.own] == [*NODE_REFERENCES, "dnlab/mesh-rootfs:latest"]


@pytest.mark.parametrize("image", CATALOGUE, ids=lambda image: image.reference)
def test_every_substitute_can_be_built_and_says_what_it_is(image) -> None:
    substitute = image.substitute
    assert substitute.base in BASES
    assert substitute.version_of in substitute.packages
    assert substitute.title and (substitute.cmd or substitute.entrypoint) and image.used_for


def test_postgres_substitute_says_it_is_postgresql_15_and_runs_like_the_official_image() -> None:
    substitute = POSTGRES.substitute
    assert substitute.title == "PostgreSQL 15 (Debian bookworm postgresql)" and substitute.version_of == "postgresql-15"
    assert {"postgresql-15", "postgresql-client-15"} <= set(substitute.packages)
    assert substitute.entrypoint == ("docker-entrypoint.sh",) and substitute.cmd == ("postgres",)
    assert substitute.expose == ("5432/tcp",) and substitute.stop_signal == "SIGINT"
    assert "PGDATA=/var/lib/postgresql/data" in substitute.env
    assert any(item.startswith("PATH=/usr/lib/postgresql/15/bin:") for item in substitute.env)
    assert "var/lib/postgresql/15" in substitute.remove  # Debian's own cluster is not shipped


def test_postgres_entrypoint_honours_the_official_variables() -> None:
    (script,) = POSTGRES.substitute.files
    assert script.path == "usr/local/bin/docker-entrypoint.sh" and script.mode == 0o755
    text = script.content
    assert text.startswith("#!/bin/sh\n")
    for needed in ("POSTGRES_USER:-postgres", "POSTGRES_DB:-$user", "POSTGRES_HOST_AUTH_METHOD:-scram-sha-256",
                   "superuser password is not specified", "exit 1", "listen_addresses = '*'",
                   "host all all all %s", "setpriv --reuid=postgres", 'exec "$@"'):
        assert needed in text, needed


def test_postgres_entrypoint_is_valid_sh() -> None:
    (script,) = POSTGRES.substitute.files
    assert subprocess.run(["sh", "-n"], input=script.content, text=True).returncode == 0


def test_node_image_is_labelled_as_dnlabs_own_and_runs_its_engine_script() -> None:
    substitute = NODE.substitute
    assert substitute.title == "dnlab lab machine: Debian trixie with docker.io" and substitute.version_of == "docker.io"
    assert {"docker.io", "iproute2", "iptables", "iputils-ping", "procps", "ca-certificates", "mount"} <= set(
        substitute.packages)
    assert substitute.entrypoint == ("/usr/local/bin/dnlab-node",) and substitute.cmd == ()
    (script,) = substitute.files
    assert script.path == "usr/local/bin/dnlab-node" and script.mode == 0o755
    assert subprocess.run(["sh", "-n"], input=script.content, text=True).returncode == 0


def test_node_entrypoint_follows_the_verified_recipe() -> None:
    (script,) = NODE.substitute.files
    text = script.content
    for needed in ("mount -o remount,rw /sys", "none,name=systemd", "cgroup2", "DNLAB_NODE_SOCKET_DIR:-/run/dnlab-node",
                   "export DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1", '--cgroup-parent="$cgroup_parent"',
                   '-H "unix://$socket_dir/docker.sock"', "exec dockerd", 'skipped: cgroup $name'):
        assert needed in text, needed
    assert "--ip-forward" not in text  # overlay networks between nodes need forwarding inside a node


def test_node_image_archive_is_labelled_as_dnlabs_not_as_a_substitute(tmp_path: Path) -> None:
    labels = own_image_labels("dnlab/node:26", NODE.substitute.title, "26", "pkg:deb/debian/docker.io@26")
    config = image_config(NODE, labels, "amd64")
    assert config["config"]["Entrypoint"] == ["/usr/local/bin/dnlab-node"] and config["config"]["Cmd"] == []
    assert OWN_IMAGE in config["config"]["Labels"] and SUBSTITUTE_FOR not in config["config"]["Labels"]
    assert config["history"][0]["created_by"] == f"{CREATED_BY}built dnlab/node:26 ({NODE.substitute.title})"


def test_nginx_substitute_is_configured_like_the_official_image() -> None:
    substitute = NGINX.substitute
    assert substitute.cmd == ("nginx", "-g", "daemon off;")
    assert substitute.expose == ("80/tcp",) and substitute.stop_signal == "SIGQUIT"
    links = {link.path: link.target for link in substitute.links}
    assert links["var/log/nginx/access.log"] == "/dev/stdout"
    assert links["var/log/nginx/error.log"] == "/dev/stderr"
    assert {"nginx-light", "curl", "iproute2", "iputils-ping"} <= set(substitute.packages)


def test_alpine_substitute_has_a_root_user_and_a_shell() -> None:
    files = {file.path: file.content for file in ALPINE.substitute.files}
    assert files["etc/passwd"].startswith("root:x:0:0:")
    assert files["etc/group"].startswith("root:x:0:")
    assert ALPINE.substitute.cmd == ("/bin/sh",)


def test_find_accepts_what_docker_pull_accepts() -> None:
    assert find("nginx") is find("docker.io/library/nginx:latest") is find("library/nginx") is NGINX
    assert find("alpine:latest") is ALPINE
    assert find("postgres:12") is find("docker.io/library/postgres:12") is POSTGRES
    assert find("dnlab/node") is find("dnlab/node:latest") is find("dnlab/node:26") is NODE
    assert find("postgres:9") is None and find("nginx:1.25") is None and find("learner/nginx") is None


def test_preparing_an_image_the_course_does_not_use_is_an_error() -> None:
    with pytest.raises(ImageError, match="not one of the course's images") as raised:
        preparation.prepare(fake_client(FakeAPI()), ["postgres:9"], progress=False)
    assert "alpine:latest" in raised.value.fix


# The Debian mirror, read from apt's sources

def test_deb822_sources_keep_enabled_binary_sources() -> None:
    sources = apt_sources.parse_deb822(DEB822)
    assert apt_sources.AptSource("http://mirror.example/debian", "bookworm-updates", ("main", "contrib")) in sources
    assert all("disabled" not in s.uri and "sources-only" not in s.uri for s in sources)
    assert apt_sources.mirror_lines("bookworm", sources) == BOOKWORM_LINES


def test_one_line_sources_skip_comments_options_and_deb_src() -> None:
    sources = apt_sources.parse_one_line(ONE_LINE)
    assert apt_sources.mirror_lines("bookworm", sources) == [
        "deb http://mirror.example/debian bookworm main",
        "deb http://mirror.example/debian-security bookworm-security main",
    ]
    assert apt_sources.AptSource("http://ubuntu.example/ubuntu", "jammy", ("main", "universe")) in sources


def test_machine_sources_reads_both_formats(tmp_path: Path) -> None:
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list").write_text(ONE_LINE)
    (tmp_path / "sources.list.d" / "debian.sources").write_text(DEB822)
    disabled = "Types: deb\nURIs: http://disabled.example\nSuites: bookworm\nComponents: main\n"
    (tmp_path / "sources.list.d" / "old.sources.disabled").write_text(disabled)
    lines = apt_sources.mirror_lines("bookworm", apt_sources.machine_sources(tmp_path))
    assert lines == [BOOKWORM_LINES[0], BOOKWORM_LINES[2], BOOKWORM_LINES[1]]


def test_no_debian_mirror_is_an_error_with_a_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(apt_sources.MIRROR_VARIABLE, raising=False)
    ubuntu_only = apt_sources.parse_one_line("deb http://ubuntu.example/ubuntu jammy main\n")
    monkeypatch.setattr(apt_sources, "machine_sources", lambda: ubuntu_only)
    with pytest.raises(ImageError) as raised:
        apt_sources.debian_mirror_lines("bookworm")
    assert apt_sources.MIRROR_VARIABLE in raised.value.fix


def test_mirror_variable_overrides_apt_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(apt_sources.MIRROR_VARIABLE, "http://classroom.example/debian")
    assert apt_sources.debian_mirror_lines("bookworm") == ["deb http://classroom.example/debian bookworm main"]


def test_no_mirror_host_is_written_into_the_images_package() -> None:
    package = Path(apt_sources.__file__).parent
    assert not [path for path in package.glob("*.py") if "debian.org" in path.read_text()]


# The cache key of a recipe

def test_recipe_key_is_stable_for_equal_recipes_and_changes_with_them() -> None:
    copy = Substitute(**{**vars(NGINX.substitute)})
    assert recipe_key(copy) == recipe_key(NGINX.substitute)
    assert len(recipe_key(copy)) == 16
    changed = Substitute(**{**vars(NGINX.substitute), "packages": ("nginx-light",)})
    assert recipe_key(changed) != recipe_key(NGINX.substitute)


def test_recipe_keys_of_the_first_images_did_not_change_when_fields_were_added() -> None:
    assert recipe_key(ALPINE.substitute) == "11f339f2ab3ff2a8"  # cached archives stay valid
    assert recipe_key(NGINX.substitute) == "de030a43fca338ba"
    with_entrypoint = Substitute(**{**vars(NGINX.substitute), "entrypoint": ("/bin/sh",)})
    assert recipe_key(with_entrypoint) != recipe_key(NGINX.substitute)


def test_recipe_key_does_not_depend_on_the_process() -> None:
    code = ("from dnlab.images.build import recipe_key; from dnlab.images.catalogue import NGINX;"
            " print(recipe_key(NGINX.substitute))")
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip() for seed in ("1", "2")}
    assert keys == {recipe_key(NGINX.substitute)}


def test_cache_lives_where_dnlab_cache_says(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DNLAB_CACHE", str(tmp_path))
    assert cached_archive(NGINX) == tmp_path / "images" / f"nginx-latest-{recipe_key(NGINX.substitute)}.tar"


# Building blocks of a substitute

def test_busybox_tar_has_the_binary_its_applets_and_the_recipe_files(tmp_path: Path) -> None:
    binary = tmp_path / "busybox"
    binary.write_bytes(b"\x7fELF fake")
    out = tmp_path / "rootfs.tar"
    write_busybox_tar(binary, ["bin/sh", "usr/bin/wget", "sbin/ip"], ALPINE.substitute, out)
    with tarfile.open(out) as tar:
        members = {member.name: member for member in tar}
        assert tar.extractfile("etc/passwd").read().decode().startswith("root:x:0:0:")
    assert members["bin/busybox"].isfile() and members["bin/busybox"].mode == 0o755
    assert members["usr/bin/wget"].issym() and members["usr/bin/wget"].linkname == "/bin/busybox"
    assert members["tmp"].mode == 0o1777 and members["usr"].isdir() and members["usr/bin"].isdir()
    assert {member.uid for member in members.values()} == {0}


def test_image_archive_is_a_docker_load_archive(tmp_path: Path) -> None:
    rootfs = tmp_path / "rootfs.tar"
    rootfs.write_bytes(b"layer bytes")
    labels = image_labels("nginx:latest", "nginx (test)", "1.0", "pkg:deb/debian/nginx-light@1.0")
    config = image_config(NGINX, labels, "arm64")
    archive = tmp_path / "image.tar"
    write_image_archive(rootfs, config, "nginx:latest", archive)
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))[0]
        config_bytes = tar.extractfile(manifest["Config"]).read()
    written = json.loads(config_bytes)
    assert manifest["RepoTags"] == ["nginx:latest"]
    assert manifest["Config"] == hashlib.sha256(config_bytes).hexdigest() + ".json"
    assert written["rootfs"]["diff_ids"] == ["sha256:" + hashlib.sha256(b"layer bytes").hexdigest()]
    assert written["architecture"] == "arm64" and written["config"]["StopSignal"] == "SIGQUIT"
    assert written["config"]["ExposedPorts"] == {"80/tcp": {}}
    assert written["config"]["Labels"][SUBSTITUTE_FOR] == "nginx:latest"
    assert written["history"][0]["created_by"].startswith(CREATED_BY)


def test_mmdebstrap_hooks_make_the_recipe_links() -> None:
    hooks = debian.customize_hooks(NGINX.substitute)
    path = '"$1"/var/log/nginx/access.log'
    assert f"--customize-hook=rm -rf {path} && ln -s /dev/stdout {path}" in hooks


def test_mmdebstrap_hooks_write_the_entrypoint_and_remove_paths() -> None:
    hooks = debian.customize_hooks(POSTGRES.substitute)
    assert any(hook.startswith("--customize-hook=printf %s ") and "docker-entrypoint.sh && chmod 755 " in hook
               for hook in hooks)
    assert '--customize-hook=rm -rf "$1"/var/lib/postgresql/15' in hooks
    assert hooks.index('--customize-hook=rm -rf "$1"/etc/postgresql/15') == len(hooks) - 2


def test_a_new_build_removes_archives_of_older_recipes(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DNLAB_CACHE", str(tmp_path))
    old = tmp_path / "images" / "nginx-latest-0123456789abcdef.tar"
    other = tmp_path / "images" / "alpine-latest-0123456789abcdef.tar"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old")
    other.write_bytes(b"other")
    cached_archive(NGINX).write_bytes(b"new")
    assert stale_archives(NGINX) == [old]


def test_missing_mmdebstrap_without_root_is_an_error_with_the_fix(monkeypatch) -> None:
    monkeypatch.setattr(debian.shutil, "which", lambda name: None)
    monkeypatch.setattr(debian.os, "geteuid", lambda: 1000)
    with pytest.raises(ImageError) as raised:
        debian.ensure_mmdebstrap(lambda phase: None)
    assert raised.value.fix == "Install it as root: apt-get install mmdebstrap"


def test_missing_mmdebstrap_is_installed_with_apt_get_as_root(monkeypatch) -> None:
    installed: list[list[str]] = []

    def which(name: str) -> str | None:
        return f"/usr/bin/{name}" if installed or name == "apt-get" else None

    def run(command: list[str], **kwargs) -> SimpleNamespace:
        installed.append(command)
        return SimpleNamespace(returncode=0)

    monkeypatch.setattr(debian.shutil, "which", which)
    monkeypatch.setattr(debian.os, "geteuid", lambda: 0)
    monkeypatch.setattr(debian.subprocess, "run", run)
    assert debian.ensure_mmdebstrap(lambda phase: None) == "/usr/bin/mmdebstrap"
    assert installed == [["apt-get", "install", "-y", "--no-install-recommends", "mmdebstrap"]]


def test_installed_version_reads_a_dpkg_status_file() -> None:
    status = ("Package: nginx-common\nStatus: install ok installed\nVersion: 1.0\n\n"
              "Package: nginx-light\nStatus: install ok installed\nDescription: x\n y: z\n"
              "Version: 1.22.1-9+deb12u11\n\n"
              "Package: curl\nStatus: deinstall ok config-files\nVersion: 7\n")
    assert installed_version(status, "nginx-light") == "1.22.1-9+deb12u11"
    with pytest.raises(ImageError):
        installed_version(status, "curl")


def test_package_url_encodes_the_version() -> None:
    url = package_url("debian", "bookworm", "busybox-static", "1:1.35.0-4+deb12u1+b1", "amd64")
    assert url == "pkg:deb/debian/busybox-static@1:1.35.0-4%2Bdeb12u1%2Bb1?arch=amd64&distro=bookworm"


def test_sizes_and_ids_look_like_docker_images() -> None:
    assert [human_size(n) for n in (512, 1_985_581, 134_921_652, 999_999)] == ["512B", "1.99MB", "135MB", "1MB"]
    assert short_id("sha256:0123456789abcdef") == "0123456789ab"


# Deciding how to make an image present: local, pulled, built or imported from cache

class FakeAPI:
    """The few engine calls prepare makes, against an in-memory image store."""

    base_url = "http+docker://localhost"
    api_version = "1.41"

    def __init__(self, present: tuple[str, ...] = (), registry: bool = False) -> None:
        self.registry = registry
        self.calls: list[str] = []
        self.store: dict[str, dict] = {ref: attrs_of(ref, {}) for ref in present}

    def inspect_image(self, reference: str) -> dict:
        self.calls.append("inspect_image")
        if reference not in self.store:
            raise ImageNotFound(reference)
        return self.store[reference]

    def get(self, url: str, timeout: float) -> SimpleNamespace:
        self.calls.append("distribution")
        assert timeout <= 5
        if not self.registry:
            raise requests.ConnectionError("no registry")
        return SimpleNamespace(status_code=200)

    def pull(self, repository: str, tag: str, stream: bool, decode: bool):
        self.calls.append("pull")
        self.store[f"{repository}:{tag}"] = attrs_of(f"{repository}:{tag}", {})
        return iter([{"status": "Pull complete"}])

    def images(self, quiet: bool = False, all: bool = False, filters: dict | None = None) -> list:
        if quiet:
            return [attrs["Id"] for attrs in self.store.values()]
        label = (filters or {}).get("label", SUBSTITUTE_FOR)
        return [attrs for attrs in self.store.values() if label in attrs["Config"]["Labels"]]

    def history(self, image_id: str) -> list:
        return [{"CreatedBy": f"{CREATED_BY}test"}]

    def remove_image(self, image: str) -> None:
        self.calls.append(f"remove_image {image}")


def attrs_of(reference: str, labels: dict) -> dict:
    return {"Id": "sha256:" + hashlib.sha256(reference.encode()).hexdigest(), "Size": 1000,
            "Config": {"Labels": labels}, "RepoDigests": []}


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Cache and state in tmp_path; building and loading are recorded, not done."""
    monkeypatch.setenv("DNLAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    built: list[str] = []

    def build(client, image, on_phase):
        built.append(image.reference)
        cached_archive(image).write_bytes(b"archive")
        return cached_archive(image)

    def load(client, archive):
        image = next(image for image in CATALOGUE if cached_archive(image) == archive)
        make_labels = own_image_labels if image.own else image_labels
        labels = make_labels(image.reference, image.substitute.title, "1.0", "pkg:deb/debian/x@1.0")
        client.api.store[image.reference] = attrs_of(image.reference, labels)

    monkeypatch.setattr(preparation, "build_archive", build)
    monkeypatch.setattr(preparation, "load_archive", load)
    return built


def fake_client(api: FakeAPI) -> SimpleNamespace:
    return SimpleNamespace(api=api, info=lambda: {"ID": "ENGINE-1"})


def test_present_images_are_used_with_one_engine_call_each(offline, monkeypatch) -> None:
    monkeypatch.setenv("DNLAB_REGISTRY", "auto")
    api = FakeAPI(present=("alpine:latest", "nginx:latest"), registry=True)
    statuses = preparation.prepare(fake_client(api), progress=False)
    assert [status.how for status in statuses] == ["local", "local"]
    assert api.calls == ["inspect_image", "inspect_image"] and offline == []


def test_registry_off_builds_without_contacting_a_registry(offline, monkeypatch) -> None:
    monkeypatch.setenv("DNLAB_REGISTRY", "off")
    api = FakeAPI(registry=True)
    statuses = preparation.prepare(fake_client(api), progress=False)
    assert [(s.how.split()[0], s.substitute, s.version) for s in statuses] == [("built", True, "1.0")] * 2
    assert "distribution" not in api.calls and "pull" not in api.calls
    assert offline == ["alpine:latest", "nginx:latest"]


def test_a_cached_substitute_is_imported_not_rebuilt(offline, monkeypatch) -> None:
    monkeypatch.setenv("DNLAB_REGISTRY", "off")
    cached_archive(ALPINE).write_bytes(b"archive")
    statuses = preparation.prepare(fake_client(FakeAPI()), ["alpine"], progress=False)
    assert statuses[0].how == "imported from cache" and offline == []


def test_a_silent_registry_is_checked_once_then_substitutes_are_built(offline, monkeypatch) -> None:
    monkeypatch.delenv("DNLAB_REGISTRY", raising=False)
    api = FakeAPI(registry=False)
    statuses = preparation.prepare(fake_client(api), progress=False)
    assert [status.how.split()[0] for status in statuses] == ["built", "built"]
    assert api.calls.count("distribution") == 1 and "pull" not in api.calls


def test_pulled_images_are_recorded_and_owned(offline, monkeypatch) -> None:
    monkeypatch.setenv("DNLAB_REGISTRY", "auto")
    api = FakeAPI(present=("learner/own:1",), registry=True)
    client = fake_client(api)
    statuses = preparation.prepare(client, ["nginx"], progress=False)
    assert statuses[0].how == "pulled" and not statuses[0].substitute
    pulled_id = api.store["nginx:latest"]["Id"]
    assert store.pulled_ids("ENGINE-1") == {pulled_id} and store.pulled_ids("ENGINE-2") == set()
    assert preparation.owned_image_ids(client) == {pulled_id}


def test_a_learners_image_pulled_again_is_not_recorded(offline, monkeypatch) -> None:
    monkeypatch.setenv("DNLAB_REGISTRY", "auto")
    api = FakeAPI(present=("learner/tool:1",), registry=True)
    status = preparation.pull_other(fake_client(api), "learner/tool:1", progress=False)
    assert status.how == "pulled" and store.pulled_ids("ENGINE-1") == set()


def test_pulling_another_image_offline_uses_a_local_copy_or_explains(offline, monkeypatch) -> None:
    monkeypatch.setenv("DNLAB_REGISTRY", "off")
    api = FakeAPI(present=("learner/tool:1",), registry=True)
    assert preparation.pull_other(fake_client(api), "learner/tool:1", progress=False).how == "local"
    with pytest.raises(ImageError, match="No registry answers"):
        preparation.pull_other(fake_client(api), "learner/other:1", progress=False)
    assert "distribution" not in api.calls and "pull" not in api.calls


def test_a_status_reads_as_one_line() -> None:
    status = preparation.Prepared("nginx:latest", "built", True, "nginx (Debian bookworm nginx-light)",
                                  "1.22.1-9+deb12u11", "pkg:deb/debian/nginx-light", 134_921_652, "2fb380bfd9f9")
    assert str(status) == ("nginx:latest: built, offline substitute: nginx (Debian bookworm nginx-light)"
                           " 1.22.1-9+deb12u11 (135MB, image 2fb380bfd9f9)")


def test_prepare_without_refs_prepares_only_the_everyday_images(offline, monkeypatch) -> None:
    monkeypatch.setenv("DNLAB_REGISTRY", "off")
    statuses = preparation.prepare(fake_client(FakeAPI()), progress=False)
    assert [status.reference for status in statuses] == ["alpine:latest", "nginx:latest"]
    assert offline == ["alpine:latest", "nginx:latest"]


@pytest.mark.parametrize("way, said", [("host", "built on this host with mmdebstrap"),
                                       ("engine", "built in the engine, by mmdebstrap in a dnlab/builder:bookworm container")])
def test_everything_prepares_every_catalogue_image_and_says_where_it_was_built(offline, monkeypatch, way, said) -> None:
    monkeypatch.setenv("DNLAB_REGISTRY", "off")
    monkeypatch.setenv("DNLAB_BUILD", way)
    statuses = preparation.prepare(fake_client(FakeAPI()), progress=False, everything=True)
    assert [status.reference for status in statuses] == [image.reference for image in course()]
    node = statuses[3]
    assert node.own and not node.substitute and node.how == said
    assert str(node).startswith(f"dnlab/node:26: {said}, dnlab's own: dnlab lab machine")
    assert statuses[0].how == "built on this host"  # alpine's busybox


def test_named_images_are_prepared_even_when_not_everyday(offline, monkeypatch) -> None:
    monkeypatch.setenv("DNLAB_REGISTRY", "off")
    statuses = preparation.prepare(fake_client(FakeAPI()), ["postgres:12", "docker.io/library/postgres:12"], progress=False)
    assert [status.reference for status in statuses] == ["postgres:12"] and offline == ["postgres:12"]


def test_dnlabs_own_image_is_never_pulled(offline, monkeypatch) -> None:
    monkeypatch.setenv("DNLAB_REGISTRY", "auto")
    api = FakeAPI(registry=True)
    (status,) = preparation.prepare(fake_client(api), ["dnlab/node"], progress=False)
    assert status.how.startswith("built") and "pull" not in api.calls and "distribution" not in api.calls


def test_the_node_image_is_owned(offline, monkeypatch) -> None:
    monkeypatch.setenv("DNLAB_REGISTRY", "off")
    api = FakeAPI()
    client = fake_client(api)
    preparation.prepare(client, ["dnlab/node:26", "alpine"], progress=False)
    assert preparation.owned_image_ids(client) == {api.store["dnlab/node:26"]["Id"], api.store["alpine:latest"]["Id"]}


def test_an_image_built_from_an_older_recipe_is_rebuilt_and_the_old_one_removed(offline, monkeypatch) -> None:
    monkeypatch.setenv("DNLAB_REGISTRY", "off")
    api = FakeAPI()
    old = attrs_of("old node", own_image_labels(NODE.reference, "t", "1", "s") | {RECIPE: "0123456789abcdef"})
    api.store[NODE.reference] = old
    (status,) = preparation.prepare(fake_client(api), [NODE.reference], progress=False)
    assert status.how.startswith("built") and offline == [NODE.reference]
    assert f"remove_image {old['Id']}" in api.calls


def test_an_image_of_the_current_recipe_or_without_one_is_used_as_it_is(offline, monkeypatch) -> None:
    monkeypatch.setenv("DNLAB_REGISTRY", "off")
    api = FakeAPI(present=("alpine:latest",))
    api.store[NODE.reference] = attrs_of("node", {OWN_IMAGE: NODE.reference, RECIPE: recipe_key(NODE.substitute)})
    statuses = preparation.prepare(fake_client(api), ["alpine", NODE.reference], progress=False)
    assert [status.how for status in statuses] == ["local", "local"] and offline == []


def test_an_image_derived_from_a_substitute_is_not_owned() -> None:
    api = FakeAPI()
    derived = attrs_of("learner/derived:1", image_labels("alpine:latest", "BusyBox", "1", "x"))
    api.store["learner/derived:1"] = derived
    api.history = lambda image_id: [{"CreatedBy": "/bin/sh -c apk add curl"}, {"CreatedBy": f"{CREATED_BY}alpine"}]
    assert preparation.owned_image_ids(fake_client(api)) == set()


def test_an_unknown_registry_mode_is_an_error(monkeypatch) -> None:
    monkeypatch.setenv("DNLAB_REGISTRY", "sometimes")
    with pytest.raises(ImageError, match="DNLAB_REGISTRY"):
        preparation.registry_mode()


def test_step_lines_show_the_duration(capsys) -> None:
    with preparation.step("nginx:latest: building", True) as phase:
        phase("downloading")
    last_line = capsys.readouterr().err.split("\r")[-1].strip()
    assert last_line.startswith("nginx:latest: building") and last_line.endswith(" 0 s")


@pytest.mark.parametrize("setting, euid, said", [
    ("", 0, "built on this host with mmdebstrap (as root)"),
    ("", 1000, "built in the engine, by mmdebstrap in a dnlab/builder:bookworm container (this account is not root"),
    ("engine", 0, "built in the engine, by mmdebstrap in a dnlab/builder:bookworm container (DNLAB_BUILD=engine)"),
])
def test_where_debian_images_are_built_is_said_in_one_line(monkeypatch, setting, euid, said) -> None:
    from dnlab.images.build import build_way_line

    monkeypatch.setenv("DNLAB_BUILD", setting)
    monkeypatch.setattr("os.geteuid", lambda: euid)
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    assert build_way_line().startswith(f"dnlab: Debian images are {said}")


def test_an_unknown_build_way_is_refused_with_the_choices(monkeypatch) -> None:
    from dnlab.images.build import build_way_line

    monkeypatch.setenv("DNLAB_BUILD", "laptop")
    with pytest.raises(ImageError, match="DNLAB_BUILD=laptop"):
        build_way_line()
