"""Tab completion in ``%%dnet`` cells and after ``%dnet``: command words, flags and the engine's names.

Everything offered comes from the command table (`dnlab.parser.grammar`): its forms, its flags,
and each argument's ``completes`` (which engine objects it names).
"""
from __future__ import annotations

import re
from typing import Any

from docker.errors import DockerException
from IPython.core.completer import CompletionContext, SimpleCompletion, SimpleMatcherResult, context_matcher

from dnlab.engine.client import quick
from dnlab.engine.endpoints import real_machines
from dnlab.errors import DnlabError, ParseError
from dnlab.parser import FORMS, MAGIC_OPTIONS, Arg, Command, Line, Opt, find_command
from dnlab.settings import settings

MATCHER_ID = "dnlab.dnet"
LINE_MAGIC = re.compile(r"\s*%dnet\s(.*)")
VARIADIC = ("+", "...")
MAGIC_FLAGS = {flag: option for option in MAGIC_OPTIONS for flag in option.flags}


def register(shell: Any) -> None:
    """Add the matcher to the shell's completer, replacing one an earlier load added."""
    matchers = shell.Completer.custom_matchers
    matchers[:] = [m for m in matchers if getattr(m, "matcher_identifier", None) != MATCHER_ID]
    matchers.append(dnet_matcher)


@context_matcher(identifier=MATCHER_ID)
def dnet_matcher(context: CompletionContext) -> SimpleMatcherResult:
    """Completions for the command under the cursor; nothing outside ``%%dnet`` and ``%dnet``."""
    text = command_before_cursor(context)
    if text is None:
        return SimpleMatcherResult(completions=[], suppress=False)
    fragment, completions = complete(text)
    # Python names are noise in a docker command line: ours replace them when we have any.
    return SimpleMatcherResult(completions=completions, matched_fragment=fragment, suppress=bool(completions))


def command_before_cursor(context: CompletionContext) -> str | None:
    """The command the cursor is in, up to the cursor (``\\`` continuations joined), or None."""
    lines = context.full_text.split("\n")
    here = lines[context.cursor_line][:context.cursor_position]
    line_magic = LINE_MAGIC.match(here)
    if line_magic:
        return line_magic.group(1)
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if context.cursor_line < first or lines[first].split()[:1] != ["%%dnet"]:
        return None
    if context.cursor_line == first:  # the %%dnet line itself: its options
        options = here.split("%%dnet", 1)[1]
        return options if options[:1].isspace() else None
    start = context.cursor_line
    while start - 1 > first and _continues(lines[start - 1]):
        start -= 1
    return " ".join([line.rstrip()[:-1] for line in lines[start:context.cursor_line]] + [here])


def complete(text: str) -> tuple[str, list[SimpleCompletion]]:
    """The word being typed at the end of ``text`` and what may replace it."""
    words = text.split()
    fragment = "" if not text or text[-1].isspace() else words.pop()
    words, pending = _after_magic_options(words)
    if pending is not None or (not words and fragment.startswith("-")):
        found = _magic_option_candidates(pending, fragment)
        return fragment, [SimpleCompletion(word, type=kind) for word, kind in found if word.startswith(fragment)]
    if words[:1] == ["$"]:
        words = words[1:]
    if words[:1] == ["docker"]:
        words = words[1:]
    if any(word.startswith("#") for word in [*words, fragment]):
        return fragment, []
    found = [SimpleCompletion(word, type=kind) for word, kind in _candidates(words, fragment)
             if word.startswith(fragment)]
    return fragment, found


def _after_magic_options(words: list[str]) -> tuple[list[str], Opt | None]:
    """The words after ``%dnet``'s own options (``--on machine1``, ``--on=machine1``, ``--needs X``),
    and the option still waiting for its value, if the words end with one."""
    while words and words[0].split("=", 1)[0] in MAGIC_FLAGS:
        option = MAGIC_FLAGS[words[0].split("=", 1)[0]]
        if "=" in words[0]:
            words = words[1:]
        elif len(words) == 1:
            return [], option
        else:
            words = words[2:]
    return words, None


def _magic_option_candidates(pending: Opt | None, fragment: str) -> list[tuple[str, str]]:
    """``--on``/``--needs`` themselves, or the values one takes (``--on=`` written with them)."""
    if pending is not None:
        return _option_values(pending)
    flag, equals, _ = fragment.partition("=")
    if equals and flag in MAGIC_FLAGS:
        return [(f"{flag}={value}", kind) for value, kind in _option_values(MAGIC_FLAGS[flag])]
    return [(flag, "flag") for flag in sorted(MAGIC_FLAGS)]


def _option_values(option: Opt) -> list[tuple[str, str]]:
    return [(choice, "value") for choice in option.choices] or _names(option.completes)


def _candidates(words: list[str], fragment: str) -> list[tuple[str, str]]:
    if not words:
        return [(word, "command") for word in sorted({form[0] for form in FORMS})]
    try:
        command, rest = find_command(Line(0, " ".join(words), tuple(words)))
    except ParseError:
        verbs = {form[1] for form in FORMS if len(form) > 1 and form[0] == words[0]}
        return [(verb, "command") for verb in sorted(verbs)] if len(words) == 1 else []
    return _arguments(command, rest, fragment)


def _arguments(command: Command, rest: list[str], fragment: str) -> list[tuple[str, str]]:
    """Flags, or the names an argument or a flag's value takes, after a command's words."""
    options = {flag: opt for opt in command.options for flag in opt.flags}
    pending: Opt | None = None
    position = 0
    for word in rest:
        if pending is not None:
            pending = None
        elif word.startswith("-") and len(word) > 1:
            pending = _takes_value(word, options)
        else:
            position += 1
    arg = _arg_at(command.args, position)
    if arg is not None and arg.nargs == "...":
        return []  # the words of the command run inside the container
    if pending is not None:
        return [(choice, "value") for choice in pending.choices] or _names(pending.completes)
    if fragment.startswith("--") and "=" in fragment:
        flag = fragment.split("=", 1)[0]
        opt = options.get(flag)
        return [(f"{flag}={name}", kind) for name, kind in _names(opt.completes)] if opt else []
    if fragment.startswith("-"):
        return [(flag, "flag") for flag in sorted({*options, "--help"})]
    if arg is not None and arg.choices:
        return [(choice, "value") for choice in arg.choices]
    return _names(arg.completes) if arg is not None else []


def _takes_value(word: str, options: dict[str, Opt]) -> Opt | None:
    """The flag whose value is the next word (``--network``, ``-dp``), if ``word`` ends in one."""
    if word.startswith("--"):
        opt = options.get(word)
        return opt if opt is not None and opt.kind != "switch" else None
    for index, char in enumerate(word[1:], start=2):
        opt = options.get("-" + char)
        if opt is None or opt.kind != "switch":
            return opt if index == len(word) else None
    return None


def _arg_at(args: tuple[Arg, ...], position: int) -> Arg | None:
    """The positional argument a word at ``position`` fills (a ``+``/``...`` one takes the rest)."""
    for index, arg in enumerate(args):
        if index == position or (index < position and arg.nargs in VARIADIC):
            return arg
    return None


def _names(kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """Names of the engine's objects of these kinds; ``container:`` kinds are written container:NAME."""
    return [(kind + name if kind.endswith(":") else name, kind.rstrip(":"))
            for kind in kinds for name in engine_names(kind.rstrip(":"))]


def engine_names(kind: str) -> list[str]:
    """Names of the engine's containers, networks, plugins or images (repo:tag), with one call; none without one."""
    if kind == "machine":  # the lab machines' sockets and real hosts: no engine is asked
        return lab_machine_names()
    try:
        api = quick().api  # a hung engine costs Tab seconds, not minutes
        if kind == "container":
            return [name[1:] for c in api.containers(all=True) for name in c.get("Names") or []
                    if name.count("/") == 1]  # "/a/b" names are legacy link aliases
        if kind == "network":
            return [network["Name"] for network in api.networks()]
        if kind == "plugin":
            return [plugin["Name"] for plugin in api.plugins()]
        return [tag for image in api.images() for tag in image.get("RepoTags") or [] if tag != "<none>:<none>"]
    except (DnlabError, DockerException, OSError):  # no engine, or it failed: words and flags still work
        return []


def lab_machine_names() -> list[str]:
    """The lab machines there are: nodes with a socket on this host, and real hosts."""
    nodes = sorted(path.parent.name for path in settings().machines_dir.glob("machine*/docker.sock"))
    return list(dict.fromkeys([*nodes, *real_machines()]))


def _continues(line: str) -> bool:
    return line.rstrip().endswith("\\") and not line.lstrip().startswith("#")
