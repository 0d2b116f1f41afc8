"""The course images against a real Docker engine, offline (DNLAB_REGISTRY=off: never a pull).

Tests marked ``slow`` prepare the images that are not everyday ones (postgres:12, dnlab/node):
about a minute each to build on a first run, seconds from the cache. ``-m "not slow"`` skips them.
"""
from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import docker
import pytest
from docker.errors import APIError, ContainerError, DockerException, NotFound

from dnlab.images import owned_image_ids, prepare
from dnlab.images.catalogue import EVERYDAY, POSTGRES, chosen_node
from dnlab.images.describe import SOURCE, TITLE, VERSION
from dnlab.labels import OWN_IMAGE, SUBSTITUTE_FOR

NODE = chosen_node()  # the lab machines' image, as the course prepares it

pytestmark = pytest.mark.engine

NETWORK = "dnlab-test-images-net"
NGINX_NAME = "dnlab-test-images-nginx"
ALPINE_NAME = "dnlab-test-images-alpine"
CLASH_NAME = "dnlab-test-images-nginx-clash"
FOREIGN = ("dnlab-test-planted:1", "dnlab-test-planted-labelled:1", "dnlab-test-derived:1")
PG_NETWORK = "dnlab-test-images-pg-net"
PG_NAME = "dnlab-test-images-database-app"
PG_ENV = {"POSTGRES_USER": "user", "POSTGRES_PASSWORD": "trek-secret", "POSTGRES_DB": "db"}
NODE_NAME = "dnlab-test-images-node"
NODE_VOLUME = "dnlab-test-images-node-docker"
NODE_NETWORK = "dnlab-test-images-underlay"
NODE_SOCKET_DIR = "/run/dnlab-node"
READY_TIMEOUT_S = 120  # a bound on waiting, not an assertion about speed
NODE_CAPABILITIES = {  # where --privileged fails with "unable to apply caps" (ENGINE-NOTES section 4)
    "cap_add": ["ALL"], "cap_drop": ["SYS_RESOURCE"],
    "security_opt": ["seccomp=unconfined", "apparmor=unconfined"],
    "device_cgroup_rules": ["a *:* rwm"],
}


@pytest.fixture(scope="module")
def offline():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DNLAB_REGISTRY", "off")
        yield


@pytest.fixture(scope="module")
def prepared(client, offline) -> dict:
    """The everyday course images, prepared offline; skips if a non-dnlab image holds one of the tags."""
    skip_unless_dnlabs(client, EVERYDAY)
    return {status.reference: status for status in prepare(client, progress=False)}


def skip_unless_dnlabs(client, images) -> None:
    """Skip when one of ``images`` is present on the engine but is not dnlab's own build."""
    owned = owned_image_ids(client)
    for image in images:
        try:
            found = client.api.inspect_image(image.reference)
        except NotFound:
            continue
        if found["Id"] not in owned:
            pytest.skip(f"{image.reference} here is not dnlab's; leaving it alone")


@pytest.fixture(scope="class")
def lab(client, prepared):
    """An nginx and an alpine substitute on one user-defined network."""
    network = client.networks.create(NETWORK, driver="bridge")
    nginx = client.containers.run("nginx:latest", name=NGINX_NAME, network=NETWORK, detach=True)
    alpine = client.containers.run("alpine:latest", ["sleep", "600"], name=ALPINE_NAME, network=NETWORK, detach=True)
    nginx.reload()
    yield alpine, nginx, nginx.attrs["NetworkSettings"]["Networks"][NETWORK]["IPAddress"]
    for name in (CLASH_NAME, ALPINE_NAME, NGINX_NAME):
        with contextlib.suppress(NotFound):
            client.containers.get(name).remove(force=True)
    network.remove()


def run_in(container, command: str) -> str:
    code, output = container.exec_run(["sh", "-c", command])
    text = output.decode(errors="replace")
    assert code == 0, f"{command!r} exited {code}: {text}"
    return text


def test_prepare_without_refs_prepares_the_everyday_images(prepared) -> None:
    assert list(prepared) == [image.reference for image in EVERYDAY] == ["alpine:latest", "nginx:latest"]


def test_everyday_images_are_labelled_substitutes(client, prepared) -> None:
    for image in EVERYDAY:
        status = prepared[image.reference]
        labels = client.api.inspect_image(image.reference)["Config"]["Labels"]
        assert status.substitute and status.how in {"local", "built", "imported from cache"}
        assert labels[SUBSTITUTE_FOR] == image.reference
        assert labels[TITLE] == image.substitute.title == status.title
        assert labels[SOURCE].startswith("pkg:deb/") and image.substitute.version_of in labels[SOURCE]


def test_alpine_version_label_is_the_debian_package(prepared) -> None:
    query = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "busybox-static"], capture_output=True, text=True)
    if query.returncode != 0:
        pytest.skip("busybox-static is not installed here to compare with")
    assert prepared["alpine:latest"].version == query.stdout


class TestLab:
    """The book's commands in containers of both substitutes (removed after the last of these tests)."""

    def test_alpine_runs_the_books_commands(self, lab) -> None:
        alpine, _, nginx_ip = lab
        assert "eth0" in run_in(alpine, "ip a")
        assert "eth0" in run_in(alpine, "ifconfig")
        assert alpine.id[:12] in run_in(alpine, "cat /etc/hosts")
        assert "1 packets received" in run_in(alpine, f"ping -c 1 -W 5 {NGINX_NAME}")
        assert nginx_ip in run_in(alpine, f"nslookup {NGINX_NAME}")
        assert "Received 1 response" in run_in(alpine, f"arping -c 1 -w 5 -I eth0 {nginx_ip}")

    def test_nginx_serves_the_welcome_page_and_logs_to_stdout(self, lab) -> None:
        alpine, nginx, _ = lab
        assert "<title>Welcome to nginx!</title>" in run_in(alpine, f"wget -q -O - http://{NGINX_NAME}/")
        assert b"GET / HTTP/1.1" in nginx.logs(stdout=True, stderr=False)

    def test_nginx_version_label_is_the_installed_package(self, prepared, lab) -> None:
        _, nginx, _ = lab
        assert prepared["nginx:latest"].version == run_in(nginx, "dpkg-query -W -f='${Version}' nginx-light")

    def test_a_second_nginx_on_a_busy_port_80_exits_with_the_bind_error(self, client, lab) -> None:
        _, nginx, _ = lab
        shared = f"container:{nginx.id}"
        clash = client.containers.run("nginx:latest", name=CLASH_NAME, network_mode=shared, detach=True)
        assert clash.wait(timeout=60)["StatusCode"] == 1
        assert b"bind() to 0.0.0.0:80 failed (98: Address already in use)" in clash.logs()


def test_a_second_prepare_makes_one_engine_call_per_image(client, prepared, monkeypatch) -> None:
    requests_sent: list[str] = []
    send = client.api.send

    def counting_send(request, **kwargs):
        requests_sent.append(request.url)
        return send(request, **kwargs)

    monkeypatch.setattr(client.api, "send", counting_send)
    statuses = prepare(client, progress=False)
    assert [status.how for status in statuses] == ["local"] * len(EVERYDAY)
    assert len(requests_sent) == len(EVERYDAY)


@pytest.mark.parametrize("reference", [image.reference for image in EVERYDAY])
def test_a_removed_substitute_comes_back_from_the_cache_unchanged(client, prepared, reference) -> None:
    try:
        client.api.remove_image(reference)
    except APIError as exc:
        pytest.skip(f"{reference} is in use elsewhere: {exc.explanation}")
    first, = prepare(client, [reference], progress=False)
    again_id = client.api.inspect_image(reference)["Id"]
    client.api.remove_image(reference)
    second, = prepare(client, [reference], progress=False)
    assert first.how in {"built", "imported from cache"} and second.how == "imported from cache"
    assert client.api.inspect_image(reference)["Id"] == again_id
    assert second.version == prepared[reference].version


@pytest.fixture
def foreign_images(client):
    """Images dnlab did not build: a plain import, one faking dnlab's label, one built FROM alpine."""
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w") as tar:
        info = tarfile.TarInfo("hello.txt")
        info.size = 6
        tar.addfile(info, io.BytesIO(b"hello\n"))
    plain, labelled, derived = FOREIGN
    client.api.import_image_from_data(layer.getvalue(), repository=plain.split(":")[0], tag="1")
    client.api.import_image_from_data(layer.getvalue(), repository=labelled.split(":")[0], tag="1",
                                      changes=[f'LABEL "{SUBSTITUTE_FOR}"="alpine:latest"'])
    dockerfile = io.BytesIO(b"FROM alpine:latest\nLABEL learner=yes\n")
    client.images.build(fileobj=dockerfile, tag=derived, rm=True)
    yield [client.api.inspect_image(reference)["Id"] for reference in FOREIGN]
    for reference in FOREIGN:
        with contextlib.suppress(NotFound):
            client.api.remove_image(reference)


def test_owned_images_are_the_substitutes_and_never_a_foreign_image(client, prepared, foreign_images) -> None:
    owned = owned_image_ids(client)
    substitutes = {client.api.inspect_image(image.reference)["Id"] for image in EVERYDAY}
    assert substitutes <= owned
    assert not owned & set(foreign_images)


# postgres:12 (Activity 6.02's database-app): Debian's PostgreSQL 15 standing in

@pytest.fixture(scope="module")
def postgres(client, offline):
    """The postgres substitute, running as database-app on a user-defined network."""
    skip_unless_dnlabs(client, [POSTGRES])
    (status,) = prepare(client, [POSTGRES.reference], progress=False)
    network = client.networks.create(PG_NETWORK, driver="bridge")
    database = client.containers.create(POSTGRES.reference, name=PG_NAME, environment=PG_ENV)
    network.connect(database, aliases=["database-app"])
    database.start()
    try:
        wait_until(lambda: database.exec_run(["pg_isready", "-q", "-h", "127.0.0.1"]).exit_code == 0, database)
        yield status, database
    finally:
        database.remove(force=True, v=True)
        network.remove()


def wait_until(ready, container) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not ready():
        container.reload()
        if container.status != "running" or time.monotonic() > deadline:
            pytest.fail(f"{container.name} is {container.status}, not ready. Its log:\n{container.logs().decode()}")
        time.sleep(0.5)


def psql(client, password: str, query: str = "select 1") -> str:
    """Like `docker run --rm --network NET -e PGPASSWORD=... postgres:12 psql -h database-app ...`."""
    command = ["psql", "-h", "database-app", "-U", "user", "-d", "db", "-c", query]
    return client.containers.run(POSTGRES.reference, command, network=PG_NETWORK, environment={"PGPASSWORD": password},
                                 remove=True, stderr=True).decode()


@pytest.mark.slow
def test_postgres_answers_a_query_from_another_container(client, postgres) -> None:
    assert "(1 row)" in psql(client, PG_ENV["POSTGRES_PASSWORD"])
    assert "db | user" in psql(client, PG_ENV["POSTGRES_PASSWORD"], "select current_database() || ' | ' || current_user")


@pytest.mark.slow
def test_postgres_refuses_a_wrong_password(client, postgres) -> None:
    with pytest.raises(ContainerError) as refused:
        psql(client, "not-the-password")
    assert b'password authentication failed for user "user"' in refused.value.stderr


@pytest.mark.slow
def test_postgres_is_labelled_truthfully(client, postgres) -> None:
    status, database = postgres
    labels = client.api.inspect_image(POSTGRES.reference)["Config"]["Labels"]
    assert labels[SUBSTITUTE_FOR] == "postgres:12" and labels[TITLE] == "PostgreSQL 15 (Debian bookworm postgresql)"
    installed = database.exec_run(["dpkg-query", "-W", "-f=${Version}", "postgresql-15"]).output.decode()
    assert labels[VERSION] == status.version == installed and installed.startswith("15.")
    assert b"starting PostgreSQL 15" in database.logs()


@pytest.mark.slow
def test_postgres_without_a_password_exits_1_like_the_official_image(client, postgres) -> None:
    lonely = client.containers.run(POSTGRES.reference, detach=True)
    try:
        assert lonely.wait(timeout=60)["StatusCode"] == 1
        assert b"Error: Database is uninitialized and superuser password is not specified." in lonely.logs()
    finally:
        lonely.remove(force=True, v=True)


# dnlab/node: a lab machine (its own Docker engine) on a user-defined bridge

@pytest.fixture(scope="module")
def node(client, prepared):
    """A node started as dnlab's lab machines start: plain --privileged, else the capability set."""
    skip_unless_dnlabs(client, [NODE])
    (status,) = prepare(client, [NODE.reference], progress=False)
    api = client.api
    socket_dir = Path(tempfile.mkdtemp(prefix="dnlab-test-images-node-"))
    api.create_network(NODE_NETWORK, driver="bridge")
    api.create_volume(NODE_VOLUME)
    try:
        node_id = start_node(api, socket_dir)
        yield status, node_id, wait_for_engine(api, node_id, socket_dir / "docker.sock")
    finally:
        with contextlib.suppress(NotFound):
            api.remove_container(NODE_NAME, force=True)
        api.remove_volume(NODE_VOLUME)
        api.remove_network(NODE_NETWORK)
        shutil.rmtree(socket_dir, ignore_errors=True)


def start_node(api, socket_dir: Path) -> str:
    for extra in ({"privileged": True}, NODE_CAPABILITIES):
        host_config = api.create_host_config(
            binds={NODE_VOLUME: {"bind": "/var/lib/docker", "mode": "rw"},
                   str(socket_dir): {"bind": NODE_SOCKET_DIR, "mode": "rw"}},
            network_mode=NODE_NETWORK, **extra)
        if not extra.get("privileged"):  # what the docker CLI sends for --security-opt systempaths=unconfined
            host_config.update(MaskedPaths=[], ReadonlyPaths=[])
        node_id = api.create_container(NODE.reference, name=NODE_NAME, hostname="machine1", host_config=host_config,
                                       environment={"DNLAB_NODE_SOCKET_DIR": NODE_SOCKET_DIR})["Id"]
        try:
            api.start(node_id)
            return node_id
        except APIError as exc:
            api.remove_container(node_id, force=True)
            if "caps" not in str(exc.explanation) or not extra.get("privileged"):
                raise
    raise AssertionError("unreachable")


def wait_for_engine(api, node_id: str, socket: Path) -> docker.DockerClient:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if socket.exists():
            with contextlib.suppress(DockerException, OSError):
                inner = docker.DockerClient(base_url=f"unix://{socket}", timeout=120)
                inner.ping()
                return inner
        if not api.inspect_container(node_id)["State"]["Running"]:
            break
        time.sleep(0.25)
    pytest.fail(f"the node's engine did not answer on {socket}. Its log:\n{api.logs(node_id).decode()}")


@pytest.mark.slow
def test_a_node_runs_its_own_engine_and_a_container_in_it(client, node) -> None:
    status, node_id, inner = node
    assert status.own and not status.substitute
    labels = client.api.inspect_image(NODE.reference)["Config"]["Labels"]
    assert labels[OWN_IMAGE] == NODE.reference and SUBSTITUTE_FOR not in labels
    info = inner.info()
    assert info["Name"] == "machine1" and info["ID"] != client.info()["ID"]
    assert not inner.api.images(name="alpine")
    for message in inner.api.load_image(client.api.get_image("alpine:latest")):
        assert "error" not in message, message
    output = inner.containers.run("alpine:latest", ["sh", "-c", "echo hello from $(hostname)"], hostname="inner",
                                  remove=True)
    assert output == b"hello from inner\n"
    log = client.api.logs(node_id).decode()
    assert "dnlab-node: starting dockerd" in log and "cgroup parent dnlab-node" in log
    assert NODE.reference in {tag for image in client.api.images() for tag in image["RepoTags"] or []}
    assert client.api.inspect_image(NODE.reference)["Id"] in owned_image_ids(client)
