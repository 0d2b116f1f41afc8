"""The course images against a real Docker engine, offline (DNLAB_REGISTRY=off: never a pull)."""
from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile

import pytest
from docker.errors import APIError, NotFound

from dnlab.images import CATALOGUE, owned_image_ids, prepare
from dnlab.images.describe import SOURCE, TITLE
from dnlab.labels import SUBSTITUTE_FOR

pytestmark = pytest.mark.engine

NETWORK = "dnlab-test-images-net"
NGINX_NAME = "dnlab-test-images-nginx"
ALPINE_NAME = "dnlab-test-images-alpine"
CLASH_NAME = "dnlab-test-images-nginx-clash"
FOREIGN = ("dnlab-test-planted:1", "dnlab-test-planted-labelled:1", "dnlab-test-derived:1")


@pytest.fixture(scope="module")
def offline():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DNLAB_REGISTRY", "off")
        yield


@pytest.fixture(scope="module")
def prepared(client, offline) -> dict:
    """Both course images, prepared offline; skips if a non-dnlab image holds one of the tags."""
    owned = owned_image_ids(client)
    for image in CATALOGUE:
        try:
            found = client.api.inspect_image(image.reference)
        except NotFound:
            continue
        if found["Id"] not in owned:
            pytest.skip(f"{image.reference} here is not dnlab's substitute; leaving it alone")
    return {status.reference: status for status in prepare(client, progress=False)}


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


def test_both_images_are_labelled_substitutes(client, prepared) -> None:
    for image in CATALOGUE:
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
    assert [status.how for status in statuses] == ["local"] * len(CATALOGUE)
    assert len(requests_sent) == len(CATALOGUE)


@pytest.mark.parametrize("reference", [image.reference for image in CATALOGUE])
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
    substitutes = {client.api.inspect_image(image.reference)["Id"] for image in CATALOGUE}
    assert substitutes <= owned
    assert not owned & set(foreign_images)
