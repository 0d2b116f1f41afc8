"""Every label dnlab puts on what it creates, made in one place.

A resource belongs to dnlab when it carries ``dnlab.lab``; nothing without it is
ever removed, stopped or changed by dnlab.
"""
from __future__ import annotations

COURSE = "docker-networking"
LAB = "dnlab.lab"
SESSION = "dnlab.session"
ROLE = "dnlab.role"
COURSE_KEY = "dnlab.course"


def lab_labels(lab: str, session: str, role: str = "exercise") -> dict[str, str]:
    """The labels of one resource that lab ``lab`` creates in kernel session ``session``."""
    return {COURSE_KEY: COURSE, LAB: lab, SESSION: session, ROLE: role}


def build_labels() -> dict[str, str]:
    """The labels of the scratch containers and images of an image build, so a clean-up finds any left over."""
    return lab_labels("images", "build", role="builder")


def lab_filter(lab: str | None = None) -> dict[str, list[str]]:
    """A docker-py ``filters`` dict matching dnlab's resources, of one lab or of all."""
    return {"label": [f"{LAB}={lab}" if lab else LAB]}


def is_lab_owned(labels: dict[str, str] | None, lab: str | None = None) -> bool:
    """True when ``labels`` mark a dnlab resource (of ``lab``, when given)."""
    labels = labels or {}
    return LAB in labels and (lab is None or labels[LAB] == lab)


IPAM_CHOSEN = "dnlab.ipam"
"""On a network made with ``--subnet``: ``chosen``. Docker's own answer cannot tell a chosen subnet
from one it allocated, and the activity checkers need to know."""

SUBSTITUTE_FOR = "dnlab.image.substitute-for"


def image_labels(substitute_for: str, title: str, version: str, source: str) -> dict[str, str]:
    """Labels of an image dnlab builds offline: what it stands in for and what it really is."""
    return {COURSE_KEY: COURSE, SUBSTITUTE_FOR: substitute_for,
            **_open_containers(title, version, source, f"Built offline by dnlab to stand in for {substitute_for}")}


OWN_IMAGE = "dnlab.image.own"
RECIPE = "dnlab.image.recipe"
"""On images dnlab builds: the key of the recipe they were built from (an older one is rebuilt)."""


def own_image_labels(reference: str, title: str, version: str, source: str) -> dict[str, str]:
    """Labels of an image of dnlab's own (not a stand-in for another): what it is and where it comes from."""
    return {COURSE_KEY: COURSE, OWN_IMAGE: reference,
            **_open_containers(title, version, source, f"Built by dnlab: {reference}")}


def _open_containers(title: str, version: str, source: str, description: str) -> dict[str, str]:
    """The OCI image annotations that say what an image truly is."""
    return {"org.opencontainers.image.title": title, "org.opencontainers.image.version": version,
            "org.opencontainers.image.source": source, "org.opencontainers.image.description": description}
