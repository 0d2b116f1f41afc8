"""The course's images: the catalogue, preparing them (offline when need be), and reporting on them."""
from dnlab.images.build import build_way_line
from dnlab.images.catalogue import CATALOGUE, CatalogueImage, Substitute, find
from dnlab.images.overview import machines_line, report
from dnlab.images.preparation import Prepared, ensure, owned_image_ids, prepare, pull_other

__all__ = [
    "CATALOGUE", "CatalogueImage", "Prepared", "Substitute",
    "build_way_line", "ensure", "find", "machines_line", "owned_image_ids", "prepare", "pull_other", "report",
]
