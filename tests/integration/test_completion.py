"""Tab completion offers the engine's container, network and image names where the command table says."""
import pytest
from IPython.core.completer import provisionalcompleter
from IPython.core.interactiveshell import InteractiveShell

from dnlab.completion import MATCHER_ID


@pytest.fixture
def complete(dnet):
    """A lab with network `compnet` and container `compbox`; completes through the real shell."""
    dnet("network create compnet\nrun -itd --name compbox --network compnet alpine:latest")

    def run(text: str, offset: int | None = None) -> list[str]:
        with provisionalcompleter():
            completer = InteractiveShell.instance().Completer
            found = completer.completions(text, len(text) if offset is None else offset)
            return [c.text for c in found if c._origin == MATCHER_ID]

    return run


def test_container_names_where_a_container_is_taken(complete):
    for line in ("exec comp", "logs comp", "stop comp", "rm -f comp", "start other comp", "container rm comp",
                 "network connect compnet comp", "network disconnect -f compnet comp", "run --link comp"):
        assert complete(f"%%dnet\n{line}") == ["compbox"], line


def test_network_names_where_a_network_is_taken(complete):
    for line in ("network inspect comp", "network rm comp", "network connect comp",
                 "docker network disconnect comp", "run -d --network comp"):
        assert complete(f"%%dnet\n{line}") == ["compnet"], line
    assert "bridge" in complete("%%dnet\nrun -d --network ")


def test_network_flag_also_takes_container_colon_name(complete):
    assert complete("%%dnet\nrun -d --network container:comp") == ["container:compbox"]
    assert complete("%%dnet\nrun -d --network=comp") == ["--network=compnet"]


def test_inspect_takes_containers_and_networks(complete):
    assert complete("%%dnet\ninspect comp") == ["compbox", "compnet"]


def test_run_offers_local_images(complete):
    assert "alpine:latest" in complete("%%dnet\nrun -itd --name x alp")
    assert "alpine:latest" in complete("%%dnet\nrun -dp 8080:80 alp")  # -p inside -dp takes the next word


def test_no_names_where_a_new_name_or_a_command_goes(complete):
    for line in ("network create comp", "run --name comp", "run -d alpine:latest comp", "exec compbox comp"):
        assert complete(f"%%dnet\n{line}") == [], line


def test_names_in_the_middle_of_a_cell_and_after_the_line_magic(complete):
    cell = "%%dnet\nnetwork inspect comp\nexec comp ls\nps"
    assert complete(cell, cell.index("exec comp") + 9) == ["compbox"]
    assert complete(cell, cell.index("inspect comp") + 12) == ["compnet"]
    assert complete("%dnet exec comp") == ["compbox"]
