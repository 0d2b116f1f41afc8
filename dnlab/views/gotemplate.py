"""The part of Go's text/template that the docker CLI's ``--format`` / ``-f`` flag uses in Docker's docs.

``render`` evaluates a template against the engine's raw JSON answer (or a dict of a ``docker ps``
row's CLI fields); ``table`` splits a ``table ...`` format into headers and cells. A lexer cuts the
template into text and actions, a recursive parser builds a tree, and an evaluator walks it with
Go's rules: truth (false, 0, nil and empty are false), maps ranged over in sorted key order, and
values printed as Go's ``fmt`` prints them (``%v``).

It knows ``{{.}}``, ``{{.A.B}}``, ``{{$}}``, variables (``{{range $k, $v := .M}}``, ``{{$x := .A}}``,
``{{$v.A}}``), ``if`` / ``else if`` / ``else``, ``with``, ``range`` (and its ``else``), pipes (``|``),
``(pipelines)``, ``{{-`` / ``-}}``, ``{{/* comments */}}``, "strings", `raw strings`, numbers,
``true`` / ``false`` / ``nil``, and the functions of ``_FUNCS``: json, index, len, join, split,
upper, lower, title, print, println, eq, ne, not, and, or.

Where this differs from docker, and why:

* docker first evaluates against its Go structs, which print as ``{v1 v2}`` and which ``json``
  writes in struct order. Here every object is a dict: it prints as ``map[k1:v1 k2:v2]`` (sorted
  keys, as docker's own fallback to the raw answer prints it), and ``json`` keeps the order the
  engine sent (Go would sort a map's keys). Prefer ``{{json .X}}`` for objects.
* A missing field is an error at any level, as for docker's structs (and its ``missingkey=error``
  fallback), even where docker prints ``<no value>`` for a key its map fields lack (``.Options.x``).
  ``index`` gives ``""`` for a key a map of strings (``Labels``, ``Options``) lacks, as docker does,
  and ``<no value>`` for one any other map lacks (docker prints that value type's zero).
* ``null`` prints ``<nil>`` (docker prints ``[]`` or ``map[]`` where its field is a list or a
  map); times print as the engine's text (docker prints Go's, ``2024-05-14 09:12:03 +0000 UTC``).
* Text is copied as is: a two-character ``\\t`` stays, except in ``table`` formats.
* Beyond this subset (``printf``, ``define``, ``template``, ``block``, ...), errors point to ``.attrs``.
"""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, NamedTuple

from dnlab.errors import DnlabError

_TOKEN = re.compile(r"""
    (?P<close>(?:[ \t\r\n]+-)?}})  | (?P<space>[ \t\r\n]+)   | (?P<comment>/\*.*?\*/)
  | (?P<str>"(?:[^"\\\n]|\\.)*")   | (?P<raw>`[^`]*`)        | (?P<var>\$\w*)
  | (?P<field>(?:\.[A-Za-z_]\w*)+) | (?P<dot>\.)             | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<ident>[A-Za-z_]\w*)        | (?P<punct>:=|[()|,=])
""", re.VERBOSE | re.DOTALL)
_LEFT_TRIM = re.compile(r"-[ \t\r\n]")
_WORDS = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")  # where camelCase splits: IP|Address
_SPACE = " \t\r\n"
_LITERALS = {"true": True, "false": False, "nil": None}
_A = {"nil": "<nil>", "bool": "true/false", "number": "a number", "string": "a string", "list": "a list",
      "map": "an object"}


def render(template: str, data: Any) -> str:
    """``template`` evaluated against ``data``, as the docker CLI prints it for one object (no final newline)."""
    return _run(_parse(template), data)


def table(template: str, rows: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]] | None:
    """Headers and cells of a ``table ...`` format (columns split at ``\\t``), or None for any other format.

    A header is its column's text with each action replaced by its first field's name, upper-cased
    and split into words (``.CreatedAt`` -> ``CREATED AT``). A bare ``table`` has no columns: the
    caller shows its own default table.
    """
    if not template.startswith("table"):
        return None
    body = template[len("table"):].strip(" ").replace("\\t", "\t")
    if not body:
        return [], [[] for _ in rows]
    nodes = _parse(body)
    return _headers(nodes), [_run(nodes, row).split("\t") for row in rows]


class _Token(NamedTuple):
    kind: str  # the regex group, or the punctuation itself
    text: str
    spaced: bool  # whitespace came just before it


class _Pipe(NamedTuple):
    decl: list[str]  # ``$k, $v :=``
    cmds: list[list[Any]]  # _Chain, _Const, or a function's name; a command's value ends the next one's args


class _Chain(NamedTuple):
    base: str | _Pipe  # "." for the dot, "$x" for a variable, or a (pipeline)
    names: list[str]  # the fields read from it, in order


class _Const(NamedTuple):
    value: Any


class _Block(NamedTuple):
    kind: str  # if, with or range
    pipe: _Pipe
    body: list[Any]
    alt: list[Any]  # what its {{else}} holds


class _NoValue:
    """What ``index`` gives for a key a map (other than one of strings) lacks: false, printed ``<no value>``."""

    def __bool__(self) -> bool:
        return False


_NO_VALUE = _NoValue()


def _error(message: str, fix: str = "") -> DnlabError:
    """A one-line error about the template: ``--format: what failed;`` and the fix, if there is one."""
    def one_line(text: str) -> str:
        return re.sub(r"\s*[\r\n]+\s*", " ", text)
    return DnlabError(one_line(f"--format: {message}" + (";" if fix else ".")), one_line(fix and fix + "."))


def _unsupported(word: str) -> DnlabError:
    known = ", ".join(["if", "with", "range", "table", *_FUNCS])
    return _error(f"'{{{{{word} ...}}}}' is beyond what dnlab evaluates (it knows .Field, $var, {known})",
                  "use Python instead: the result's .attrs holds the engine's whole answer")


def _lex(template: str) -> list[str | _Stream]:
    """The template's text (trimmed by ``{{-`` and ``-}}``) and actions, in order."""
    items: list[str | _Stream] = []
    pos, trim = 0, False
    while True:
        start = template.find("{{", pos)
        text = template[pos:] if start < 0 else template[pos:start]
        text, inner = text.lstrip(_SPACE) if trim else text, start + 2
        if start >= 0 and _LEFT_TRIM.match(template, inner):
            text, inner = text.rstrip(_SPACE), inner + 1
        if text:
            items.append(text)
        if start < 0:
            return items
        tokens, pos, trim = _tokens(template, start, inner)
        items.append(_Stream(tokens, template[start:pos]))


def _tokens(template: str, start: int, pos: int) -> tuple[list[_Token], int, bool]:
    """The tokens of the action opened at ``start``, the position after its ``}}``, and whether that trims."""
    tokens: list[_Token] = []
    spaced = False
    while pos < len(template):
        match = _TOKEN.match(template, pos)
        if not match:
            raise _error(f"can't read '{template[start:pos + 1][:40]}': '{template[pos]}' makes no sense there")
        kind, text, pos = match.lastgroup or "", match.group(), match.end()
        if kind == "close":
            return tokens, pos, text != "}}"
        if kind != "space":
            tokens.append(_Token(text if kind == "punct" else kind, text, spaced))
        spaced = kind == "space"
    raise _error(f"unterminated action '{template[start:start + 40]}': it has no closing }}}}")


class _Stream:
    """The tokens of one action, read left to right."""

    def __init__(self, tokens: list[_Token], source: str) -> None:
        self.tokens, self.source, self.pos = tokens, source, 0  # source: "{{...}}" as written, for errors

    @property
    def done(self) -> bool:
        return self.pos >= len(self.tokens)

    def peek(self, *kinds: str) -> bool:
        """Whether the next tokens are of these kinds."""
        ahead = [token.kind for token in self.tokens[self.pos:self.pos + len(kinds)]]
        return ahead == list(kinds)

    def take(self, kind: str = "") -> _Token:
        if self.done or kind and self.tokens[self.pos].kind != kind:
            raise self.fail(f"expected {kind or 'more'} {'at the end' if self.done else 'here'}")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def fail(self, why: str) -> DnlabError:
        return _error(f"can't read '{self.source[:40]}': {why}")


def _nodes(items: Iterator[str | _Stream], opener: str = "") -> tuple[list[Any], str, _Stream]:
    """The tree up to ``opener``'s ``{{else}}`` or ``{{end}}``: that word, and the rest of its action."""
    nodes: list[Any] = []
    for item in items:
        word = item.tokens[0].text if isinstance(item, _Stream) and item.peek("ident") else ""
        if isinstance(item, str):
            nodes.append(item)
        elif item.peek("comment") and len(item.tokens) == 1:
            continue
        elif word in ("else", "end") and not opener:
            raise _error(f"'{{{{{word}}}}}' has no {{{{if}}}}, {{{{with}}}} or {{{{range}}}} before it")
        elif word in ("else", "end"):
            return nodes, item.take().text, item
        elif word in ("if", "with", "range"):
            item.take()
            nodes.append(_block(items, word, item))
        else:
            nodes.append(_pipeline(item, 1))
    if opener:
        raise _error(f"'{{{{{opener}}}}}' has no {{{{end}}}}", "close every if, with and range with {{end}}")
    return nodes, "", _Stream([], "")


def _block(items: Iterator[str | _Stream], kind: str, stream: _Stream) -> _Block:
    """An ``{{if}}``, ``{{with}}`` or ``{{range}}`` and what follows it, to its ``{{end}}``."""
    pipe = _pipeline(stream, 2 if kind == "range" else 1)
    body, closer, rest = _nodes(items, kind)
    if closer == "else" and not rest.done:  # {{else if ...}}
        if rest.take("ident").text != "if":
            raise rest.fail("only 'else if' can follow 'else'")
        return _Block(kind, pipe, body, [_block(items, "if", rest)])
    alt: list[Any] = []
    if closer == "else":
        alt, closer, rest = _nodes(items, kind)
        if closer == "else":
            raise _error(f"'{{{{{kind}}}}}' has two {{{{else}}}}")
    if not rest.done:
        raise rest.fail("{{end}} takes nothing more")
    return _Block(kind, pipe, body, alt)


def _parse(template: str) -> list[Any]:
    return _nodes(iter(_lex(template)))[0]


def _pipeline(stream: _Stream, max_decl: int, closing: str = "") -> _Pipe:
    """``[$x [, $y] :=] command {| command}``, up to ``closing`` (``)``) or the end of the action."""
    decl: list[str] = []
    if stream.peek("var", ":=") or stream.peek("var", ","):
        decl.append(stream.take().text)
        if stream.peek(",", "var"):
            stream.take()
            decl.append(stream.take().text)
        stream.take(":=")
        if len(decl) > max_decl:
            raise stream.fail("too many variables")
    cmds = [_command(stream)]
    while stream.peek("|"):
        stream.take()
        cmds.append(_command(stream))
    if closing:
        stream.take(closing)
    elif not stream.done:
        raise stream.fail(f"unexpected '{stream.take().text}'")
    return _Pipe(decl, cmds)


def _command(stream: _Stream) -> list[Any]:
    operands = []
    while not stream.done and not (stream.peek("|") or stream.peek(")")):
        operands.append(_operand(stream))
    if not operands:
        raise stream.fail("it has nothing to evaluate")
    if operands[0] == _Const(None):
        raise stream.fail("nil is not a command")
    return operands


def _operand(stream: _Stream) -> _Chain | _Const | str:
    """One term, and the fields written right after it: ``.A.B``, ``$v.A``, ``(index .L 0).A``, ``"x"``."""
    token = stream.take()
    operand: _Chain | _Const | str
    if token.kind == "(":
        operand = _Chain(_pipeline(stream, 0, ")"), [])
    elif token.kind in ("field", "dot", "var"):
        names = token.text.split(".")[1:] if token.kind == "field" else []
        operand = _Chain(token.text if token.kind == "var" else ".", names)
    elif token.kind == "raw":
        operand = _Const(token.text[1:-1])
    elif token.kind in ("str", "num"):
        try:  # a "quoted" string has escapes like \t, \n, \"
            operand = _Const(json.loads(token.text, strict=False))
        except ValueError:
            raise stream.fail(f"dnlab can't read {token.text}") from None
    elif token.kind == "ident" and token.text in ("if", "with", "range", "else", "end"):
        raise stream.fail(f"'{token.text}' must open its own {{{{...}}}}")
    elif token.kind == "ident" and token.text in _LITERALS:
        operand = _Const(_LITERALS[token.text])
    elif token.kind == "ident" and token.text in _FUNCS:
        operand = token.text
    elif token.kind == "ident":
        raise _unsupported(token.text)
    else:
        raise stream.fail(f"unexpected '{token.text}'")
    while stream.peek("field") and not stream.tokens[stream.pos].spaced:
        if not isinstance(operand, _Chain):
            raise stream.fail(f"{token.text} has no fields")
        operand.names.extend(stream.take().text.split(".")[1:])
    return operand


def _run(nodes: list[Any], data: Any) -> str:
    out: list[str] = []
    _exec(nodes, data, {"$": data}, out)
    return "".join(out)


def _exec(nodes: list[Any], dot: Any, scope: dict[str, Any], out: list[str]) -> None:
    """Appends to ``out`` what ``nodes`` print; ``{{$x := ...}}`` sets ``$x`` until the enclosing ``{{end}}``."""
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, _Pipe) and node.decl:
            scope[node.decl[0]] = _pipe(node, dot, scope)
        elif isinstance(node, _Pipe):
            out.append(_text(_pipe(node, dot, scope)))
        elif node.kind == "range":
            _range(node, _pipe(node.pipe, dot, scope), dot, dict(scope), out)
        else:
            value, inner = _pipe(node.pipe, dot, scope), dict(scope)
            inner.update(zip(node.pipe.decl, [value]))
            _exec(node.body if value else node.alt, value if value and node.kind == "with" else dot, inner, out)


def _range(node: _Block, value: Any, dot: Any, scope: dict[str, Any], out: list[str]) -> None:
    """Each item of a list, or each value of a map in sorted key order; the ``{{else}}`` if there are none."""
    if isinstance(value, dict):
        pairs = [(key, value[key]) for key in sorted(value)]
    elif isinstance(value, list):
        pairs = list(enumerate(value))
    elif value is None or value is _NO_VALUE:
        pairs = []  # Go ranges over nothing here, without an error
    else:
        raise _error(f"{{{{range}}}} can't go over {_A[_kind(value)]}", "range over a list or an object")
    if not pairs:
        _exec(node.alt, dot, scope, out)
    for key, item in pairs:
        inner = dict(scope)  # one variable gets the item; two get the key (or index) and the item
        inner.update(zip(node.pipe.decl, [key, item][2 - len(node.pipe.decl):]))
        _exec(node.body, item, inner, out)


def _pipe(pipe: _Pipe, dot: Any, scope: dict[str, Any]) -> Any:
    final: tuple[Any, ...] = ()
    for cmd in pipe.cmds:
        final = (_command_value(cmd, dot, scope, final),)
    return final[0]


def _command_value(cmd: list[Any], dot: Any, scope: dict[str, Any], final: tuple[Any, ...]) -> Any:
    """A command's value; ``final`` (the previous command's value, if any) is a function's last argument."""
    head, args = cmd[0], cmd[1:]
    if isinstance(head, str):
        thunks: list[Callable[[], Any]] = [partial(_value, arg, dot, scope) for arg in args]
        return _call(head, thunks + [partial(lambda v: v, v) for v in final])
    if args or final:
        name = _label(head, len(head.names)) if isinstance(head, _Chain) else json.dumps(head.value)
        raise _error(f"{name} is not a function, so it takes no arguments", f"functions: {', '.join(_FUNCS)}")
    return _value(head, dot, scope)


def _value(operand: _Chain | _Const | str, dot: Any, scope: dict[str, Any]) -> Any:
    if isinstance(operand, _Const):
        return operand.value
    if isinstance(operand, str):
        return _call(operand, [])
    if isinstance(operand.base, _Pipe):
        value = _pipe(operand.base, dot, scope)
    elif operand.base == ".":
        value = dot
    elif operand.base in scope:
        value = scope[operand.base]
    else:
        raise _error(f"{operand.base} is not defined here", "variables come from {{range $k, $v := ...}}")
    for index in range(len(operand.names)):
        value = _field(value, operand, index)
    return value


def _label(chain: _Chain, upto: int) -> str:
    """How the template names ``chain`` after its first ``upto`` fields: ``.A.B``, ``$v.A``, ``(...).A``."""
    base = "(...)" if isinstance(chain.base, _Pipe) else chain.base.rstrip(".")
    return base + "".join("." + name for name in chain.names[:upto]) or "."


def _field(value: Any, chain: _Chain, index: int) -> Any:
    """Field ``chain.names[index]`` of ``value``; an error naming the fields there if it has none of that name."""
    name = chain.names[index]
    if not isinstance(value, dict):
        where = _label(chain, index)
        hint = f"take one item first: (index {where} 0).{name}" if isinstance(value, list) else ""
        raise _error(f"{where} is {_A[_kind(value)]}, which has no field .{name}", hint)
    if name in value:
        return value[name]
    keys = [str(key) for key in value]
    shown = difflib.get_close_matches(name, keys, n=3)
    shown += [key for key in keys if key not in shown]
    listing = ", ".join(shown[:10]) + (", ..." if len(shown) > 10 else "")
    raise _error(f"the answer has no field {_label(chain, index + 1)}", f"fields at that level: {listing or 'none'}")


def _kind(value: Any) -> str:
    for kind, types in (("bool", bool), ("number", (int, float)), ("string", str), ("list", list), ("map", dict)):
        if isinstance(value, types):
            return kind
    return "nil"


def _text(value: Any) -> str:
    """``value`` as Go's fmt prints it (``%v``): ``<nil>``, ``true``, ``[a b]``, ``map[k:v]`` (sorted keys)."""
    if value is _NO_VALUE:
        return "<no value>"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + " ".join(map(_text, value)) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{key}:{_text(value[key])}" for key in sorted(value)) + "]"
    return str(value)


def _call(name: str, thunks: list[Callable[[], Any]]) -> Any:
    """``name`` called on its arguments; ``and`` and ``or`` evaluate theirs only as far as needed, as in Go."""
    function, kinds = _FUNCS[name]
    fixed = [kind for kind in kinds if kind != "*"]
    if len(thunks) < len(fixed) or (len(thunks) > len(fixed) and "*" not in kinds):
        want = f"at least {len(fixed)}" if "*" in kinds else str(len(fixed))
        raise _error(f"'{name}' takes {want} argument{'' if want == '1' else 's'}, not {len(thunks)}")
    args = thunks if name in ("and", "or") else [thunk() for thunk in thunks]
    for kind, arg in zip(fixed, args):
        if kind != "any" and _kind(arg) not in kind.split("|"):
            raise _error(f"'{name}' needs {' or '.join(_A[k] for k in kind.split('|'))}, not {_A[_kind(arg)]}")
    return function(*args)


def _json(value: Any) -> str:
    """Compact JSON, as docker's ``json`` writes it: with ``<``, ``>`` and ``&`` as they are (docker
    turns Go's HTML escaping off), U+2028 and U+2029 escaped, and each dict in its own order."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=lambda _: None)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _index(item: Any, *keys: Any) -> Any:
    for key in keys:
        if isinstance(item, dict) and isinstance(key, str) and key not in item:  # Labels, Options: "", as in docker
            item = "" if all(isinstance(value, str) for value in item.values()) else _NO_VALUE
        elif isinstance(item, dict) and isinstance(key, str):
            item = item[key]
        elif isinstance(item, list) and _kind(key) == "number" and isinstance(key, int):
            if not 0 <= key < len(item):
                raise _error(f"index {key} is out of range: the list has {len(item)} items")
            item = item[key]
        else:
            raise _error(f"index can't look up {_A[_kind(key)]} in {_A[_kind(item)]}",
                         'an object takes a "key", a list a number from 0')
    return item


def _sprint(*args: Any) -> str:
    """Go's ``print``: a space between two operands only when neither is a string."""
    out = ""
    for i, arg in enumerate(args):
        out += " " if i and not isinstance(arg, str) and not isinstance(args[i - 1], str) else ""
        out += _text(arg)
    return out


def _eq(first: Any, *others: Any) -> bool:
    """Go's ``eq``: whether ``first`` equals any of ``others``; nil equals only nil."""
    for other in others:
        kinds = {_kind(first), _kind(other)}
        if "nil" not in kinds and (len(kinds) > 1 or kinds & {"list", "map"}):
            raise _error(f"'eq' can't compare {_A[_kind(first)]} with {_A[_kind(other)]}",
                         'compare a string with a "string", a number with a number')
        if kinds == {"nil"} or "nil" not in kinds and first == other:
            return True
    return False


def _first(stop: bool, *thunks: Callable[[], Any]) -> Any:
    """``and`` (stop=False) and ``or`` (stop=True): the first argument whose truth is ``stop``, else the last."""
    for thunk in thunks:
        value = thunk()
        if bool(value) is stop:
            break
    return value


_FUNCS: dict[str, tuple[Callable[..., Any], tuple[str, ...]]] = {  # each with its arguments' kinds
    "json": (_json, ("any",)),
    "index": (_index, ("any", "*")),
    "len": (lambda value: len(value.encode() if isinstance(value, str) else value), ("string|list|map",)),
    "join": (lambda items, sep: sep.join(map(_text, items)), ("list", "string")),
    "split": (lambda text, sep: text.split(sep) if sep else list(text), ("string", "string")),
    "upper": (str.upper, ("string",)),
    "lower": (str.lower, ("string",)),
    "title": (lambda text: re.sub(r"(?<!\w)\w", lambda m: m.group().upper(), text), ("string",)),
    "print": (_sprint, ("*",)),
    "println": (lambda *args: " ".join(map(_text, args)) + "\n", ("*",)),
    "eq": (_eq, ("any", "any", "*")),
    "ne": (lambda first, other: not _eq(first, other), ("any", "any")),
    "not": (lambda value: not value, ("any",)),
    "and": (partial(_first, False), ("any", "*")),
    "or": (partial(_first, True), ("any", "*")),
}


def _headers(nodes: list[Any]) -> list[str]:
    """Each tab-separated column's header: its text, with each action replaced by its first field's header."""
    columns = [""]
    for node in nodes:
        if isinstance(node, str):
            first, *more = node.split("\t")
            columns[-1] += first
            columns += more
        elif isinstance(node, _Pipe) and not node.decl:
            fields = [op.names[0] for cmd in node.cmds for op in cmd
                      if isinstance(op, _Chain) and op.base == "." and op.names]
            columns[-1] += _WORDS.sub(" ", fields[0]).upper() if fields else ""  # CreatedAt -> CREATED AT
    return columns
