import pytest

from dnlab.errors import ParseError
from dnlab.parser import split_cell


def argvs(cell: str) -> list[tuple[str, ...]]:
    return [line.argv for line in split_cell(cell)]


def test_one_command_per_line_with_or_without_docker_and_prompt():
    assert argvs("docker network ls\nps -a\n$ docker images") == [("network", "ls"), ("ps", "-a"), ("images",)]


def test_comments_and_blank_lines_are_skipped():
    assert argvs("# list them\n\nnetwork ls  # all of them\n   \n") == [("network", "ls")]


def test_backslash_continues_and_numbers_the_first_line():
    lines = split_cell("ps\nrun -d \\\n  --name w \\\n  nginx:latest")
    assert [line.number for line in lines] == [1, 2]
    assert lines[1].argv == ("run", "-d", "--name", "w", "nginx:latest")


def test_quotes_follow_shell_rules():
    assert argvs("exec c sh -c 'echo a b'") == [("exec", "c", "sh", "-c", "echo a b")]


@pytest.mark.parametrize("cell, fragment", [
    ("ps\nexec c sh -c 'oops", "line 2: No closing quotation"),
    ("run -d \\", "line 1: the last line ends with '\\'"),
    ("run -d \u2013-name webserver1 nginx:latest", "type plain hyphens: --name"),
    ("run -d \u2014name w nginx", "type plain hyphens: --name"),
])
def test_bad_lines_name_the_line_and_the_problem(cell, fragment):
    with pytest.raises(ParseError) as err:
        split_cell(cell)
    assert fragment in str(err.value)
    assert "\n" not in str(err.value)
