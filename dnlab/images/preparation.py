"""Make the course's images present: a local copy, a pull, or an offline substitute."""
from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import docker
import requests
from docker.errors import APIError, ImageNotFound
from docker.utils import parse_repository_tag
from tqdm.auto import tqdm
from tqdm.notebook import tqdm as notebook_tqdm

from dnlab.errors import ImageError
from dnlab.images import store
from dnlab.images.archive import CREATED_BY, image_from_bundle, load_archive
from dnlab.images.build import build_archive, cached_archive, how_built, recipe_key
from dnlab.images.catalogue import CATALOGUE, EVERYDAY, CatalogueImage, course, find
from dnlab.images.describe import TITLE, VERSION, inspect_or_none, labels_of, source_of
from dnlab.engine.facts import human_size, short_id
from dnlab.labels import OWN_IMAGE, RECIPE, SUBSTITUTE_FOR
from dnlab.settings import REGISTRY, settings

REGISTRY_VARIABLE = REGISTRY
REGISTRY_MODES = ("auto", "off")
REGISTRY_CHECK_S = 4.0
IN_NOTEBOOK = issubclass(tqdm, notebook_tqdm)
STEP_FORMAT = "{desc} " + ("{bar}" if IN_NOTEBOOK else "...") + " {elapsed_s:.0f} s{postfix}"


@dataclass(frozen=True)
class Prepared:
    """How one course image was made present, and what it really is."""

    reference: str
    how: str  # "local", "pulled", "built ..." (and where), "imported from cache" or "loaded from bundle"
    substitute: bool
    title: str
    version: str
    source: str
    size: int
    short_id: str
    own: bool = False  # dnlab's own image (the lab machine node), not a stand-in for another

    def __str__(self) -> str:
        what = f", offline substitute: {self.title} {self.version}" if self.substitute else ""
        what = f", dnlab's own: {self.title} {self.version}" if self.own else what
        return f"{self.reference}: {self.how}{what} ({human_size(self.size)}, image {self.short_id})"


def prepare(client: docker.DockerClient, refs: Iterable[str] | None = None, progress: bool = True,
            everything: bool = False) -> list[Prepared]:
    """Like `docker pull` for each course image, with offline substitutes when no registry answers.

    Without ``refs``, the everyday images (alpine, nginx); with ``everything=True``, every
    image the course runs (the others take minutes to build; of the lab-machine images, the chosen
    engine's only); with ``refs``, those images.
    An image already present is used as it is (one engine call). ``DNLAB_REGISTRY=off``
    never contacts a registry; ``auto`` (the default) pulls after a short check that one answers.
    dnlab's own images are never pulled: they are built.
    """
    if refs is not None:
        images = tuple(dict.fromkeys(catalogue_entry(ref) for ref in refs))
    else:
        images = course() if everything else EVERYDAY
    registry = Registry(client, registry_mode())
    return [prepare_one(client, image, registry, progress) for image in images]


def pull_other(client: docker.DockerClient, reference: str, progress: bool = True) -> Prepared:
    """Like `docker pull REF` for an image the course cannot build offline; offline, a local copy."""
    if Registry(client, registry_mode()).answers(reference):
        return describe(reference, pull(client, reference, progress), "pulled")
    attrs = inspect_or_none(client, reference)
    if attrs:
        return describe(reference, attrs, "local")
    raise ImageError(f"No registry answers here (or {REGISTRY_VARIABLE}=off), and {reference} is not on this engine.",
                     "Use the course's images (`dnlab images` lists them), which work offline.")


def catalogue_entry(reference: str) -> CatalogueImage:
    """The catalogue entry for ``reference``, or an ImageError naming the course's images."""
    image = find(reference)
    if image is None:
        known = ", ".join(image.reference for image in CATALOGUE)
        raise ImageError(f"{reference} is not one of the course's images.", f"Use one of: {known}.")
    return image


def prepare_one(client: docker.DockerClient, image: CatalogueImage, registry: Registry, progress: bool) -> Prepared:
    """Make one course image present and say how.

    A present image is used as it is, unless dnlab built it from an older recipe: then the
    current one is built (or imported from the cache) and the old image removed if unused.
    """
    reference = image.reference
    attrs = inspect_or_none(client, reference)
    if attrs and not (outdated(image, attrs) and made_by_dnlab(client, attrs["Id"])):
        return describe(reference, attrs, "local")
    prepared = make_present(client, image, registry, progress)
    if attrs and attrs["Id"] != client.api.inspect_image(reference)["Id"]:
        with contextlib.suppress(APIError):
            client.api.remove_image(attrs["Id"])  # refused while a container still uses it
    return prepared


def outdated(image: CatalogueImage, attrs: dict[str, Any]) -> bool:
    """True when ``attrs`` are of an image dnlab built from an older recipe of ``image``."""
    built_from = labels_of(attrs).get(RECIPE)
    return built_from is not None and built_from != recipe_key(image.substitute)


def make_present(client: docker.DockerClient, image: CatalogueImage, registry: Registry, progress: bool) -> Prepared:
    """Pull ``image``, or import its substitute from the cache, or build it."""
    reference = image.reference
    if not image.own and registry.answers(reference):
        with contextlib.suppress(ImageError):
            return describe(reference, pull(client, reference, progress), "pulled")
    loaded = from_bundle(client, image, progress)
    if loaded is not None:
        return loaded
    archive = cached_archive(image)
    if archive.exists():
        try:
            with step(f"{reference}: importing {'' if image.own else 'offline substitute '}from cache", progress):
                load_archive(client, archive)
            return describe(reference, client.api.inspect_image(reference), "imported from cache")
        except ImageError:
            archive.unlink()
    what = "building" if image.own else "building offline substitute:"
    with step(f"{reference}: {what} {image.substitute.title}", progress) as phase:
        load_archive(client, build_archive(client, image, phase))
    return describe(reference, client.api.inspect_image(reference), how_built(image))


def from_bundle(client: docker.DockerClient, image: CatalogueImage, progress: bool) -> Prepared | None:
    """``image`` from the classroom bundle last loaded (``dnlab images --load``), if it holds it."""
    bundle = store.bundle()
    if bundle is None:
        return None
    with tempfile.TemporaryDirectory(prefix="dnlab-bundle-") as scratch:
        single = Path(scratch) / "image.tar"
        if not image_from_bundle(bundle, image.reference, single):
            return None
        with step(f"{image.reference}: loading from the classroom bundle", progress):
            load_archive(client, single)
    return describe(image.reference, client.api.inspect_image(image.reference), "loaded from bundle")


def registry_mode() -> str:
    """``DNLAB_REGISTRY``: ``auto`` (the default) or ``off``."""
    mode = settings().registry
    if mode not in REGISTRY_MODES:
        fix = f"Set it to one of: {', '.join(REGISTRY_MODES)}."
        raise ImageError(f"{REGISTRY_VARIABLE}={mode} is not understood.", fix)
    return mode


class Registry:
    """Whether pulls are worth trying; after one failed check, none are tried again."""

    def __init__(self, client: docker.DockerClient, mode: str) -> None:
        self.client = client
        self.usable = mode != "off"

    def answers(self, reference: str) -> bool:
        """True when the engine's registry describes ``reference`` within a few seconds."""
        if self.usable:
            self.usable = distribution_answers(self.client, reference)
        return self.usable


def distribution_answers(client: docker.DockerClient, reference: str) -> bool:
    """Like `docker manifest inspect REF` through the engine, bounded to ``REGISTRY_CHECK_S`` seconds."""
    api = client.api
    url = f"{api.base_url}/v{api.api_version}/distribution/{quote(reference, safe='/:')}/json"
    try:
        return api.get(url, timeout=REGISTRY_CHECK_S).status_code == 200
    except requests.RequestException:
        return False


def pull(client: docker.DockerClient, reference: str, progress: bool) -> dict[str, Any]:
    """Like `docker pull REF`; an image new to this engine is recorded as dnlab's (a learner's never is)."""
    known = set(client.api.images(quiet=True, all=True))
    repository, tag = parse_repository_tag(reference)
    with step(f"{reference}: pulling", progress) as phase:
        try:
            for message in client.api.pull(repository, tag or "latest", stream=True, decode=True):
                if "error" in message:
                    raise ImageError(f"Pulling {reference} failed: {message['error']}")
                phase(message.get("status", ""))
        except APIError as exc:
            raise ImageError(f"Pulling {reference} failed: {exc.explanation or exc}") from None
    attrs = client.api.inspect_image(reference)
    if attrs["Id"] not in known:
        store.record_pull(client.info()["ID"], attrs["Id"])
    return attrs


def owned_image_ids(client: docker.DockerClient) -> set[str]:
    """Ids of the images dnlab built or pulled that still exist; never a learner's own image.

    Built: carries the substitute label (or, for dnlab's own images, the own-image label) and
    was made in one step by dnlab (an image a learner builds FROM one inherits its labels, but
    not its one-step history). Pulled: recorded by ``prepare`` for this engine.
    """
    labelled = [image for label in (SUBSTITUTE_FOR, OWN_IMAGE) for image in client.api.images(filters={"label": label})]
    built = {image["Id"] for image in labelled if made_by_dnlab(client, image["Id"])}
    pulled = store.pulled_ids(client.info()["ID"]) & set(client.api.images(quiet=True))
    return built | pulled


def made_by_dnlab(client: docker.DockerClient, image_id: str) -> bool:
    """True when ``image_id``'s whole history is the one step in which dnlab built it."""
    history = client.api.history(image_id)
    return len(history) == 1 and (history[0].get("CreatedBy") or "").startswith(CREATED_BY)


def describe(reference: str, attrs: dict[str, Any], how: str) -> Prepared:
    """The status of one present course image, from its inspect data."""
    labels = labels_of(attrs)
    return Prepared(
        reference=reference,
        how=how,
        substitute=SUBSTITUTE_FOR in labels,
        title=labels.get(TITLE, reference),
        version=labels.get(VERSION, ""),
        source=source_of(attrs),
        size=attrs.get("Size", 0),
        short_id=short_id(attrs["Id"]),
        own=OWN_IMAGE in labels,
    )


@contextlib.contextmanager
def step(description: str, progress: bool) -> Iterator[Callable[[str], None]]:
    """Show one long step: a bar in a notebook, a line with its duration on a terminal.

    Yields a function that shows the step's current phase next to it. Where output goes to a
    log rather than a terminal or a notebook, the step is one line, printed when it ends.
    """
    if progress and not IN_NOTEBOOK and not sys.stderr.isatty():
        started = time.monotonic()
        yield lambda phase: None
        print(f"{description} ... {time.monotonic() - started:.0f} s", file=sys.stderr)
        return
    bar = tqdm(total=1, desc=description, bar_format=STEP_FORMAT, disable=not progress)
    try:
        yield bar.set_postfix_str
        bar.set_postfix_str("")
        bar.update(1)
    finally:
        bar.close()


def ensure(client: docker.DockerClient, reference: str) -> None:
    """Make sure ``reference`` is here before a container needs it: course images are prepared
    (pulled, or built offline); any other image must already be present."""
    try:
        client.api.inspect_image(reference)
        return
    except ImageNotFound:
        pass
    image = find(reference)
    if image is None:
        raise ImageError(f"image {reference} is not on this engine, and it is not one of the course's images.",
                         f"Pull it first (`pull {reference}`) where a registry answers.")
    prepare(client, [image.reference])
