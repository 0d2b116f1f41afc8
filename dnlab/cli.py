"""The ``dnlab`` command line: the engine, the course's images, lab machines, and clean-up.

``dnlab machines ...`` reads the same command table as ``%dnet machines ...``.
"""
from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from dnlab import images as catalogue
from dnlab.images import bundle
from dnlab.cleanup import cleanup as remove
from dnlab.commands import execute
from dnlab.commands.shell import attach_starter, attach_tty, starter
from dnlab.doctor import doctor as check
from dnlab.engine import connect, daemon
from dnlab.engine.explain import learner_error
from dnlab.engine.facts import human_size
from dnlab.engine.report import report
from dnlab.host import has_ipvs
from dnlab.lab import current
from dnlab.parser import help_text, magic_options, parse_cell


def engine(args: argparse.Namespace) -> str:
    if args.action == "start":
        return f"{daemon.start()}\n{report(has_ipvs())!r}"
    if args.action == "stop":
        return daemon.stop()
    return repr(report(has_ipvs()))


def images(args: argparse.Namespace) -> str:
    client = connect()
    if args.save:
        saved = bundle.save(client, Path(args.save))
        return f"dnlab: wrote {len(saved)} course images to {args.save} ({human_size(Path(args.save).stat().st_size)})"
    if args.load:
        loaded = bundle.load(client, Path(args.load))
        return "\n".join(map(str, loaded)) + f"\ndnlab: a course image removed later comes back from {args.load}"
    if not args.list_only:
        catalogue.prepare(client, everything=True)
    return (f"{catalogue.report(client).to_string(index=False)}\n{catalogue.build_way_line()}\n"
            f"{catalogue.machines_line()}")


def cleanup(args: argparse.Namespace) -> str:
    return repr(remove(lab=args.lab, images=args.images))


def doctor(args: argparse.Namespace) -> str:
    return repr(check())


def machines(args: argparse.Namespace) -> str:
    """``dnlab machines up 2``: the line ``machines up 2`` of the command table, run as ``%dnet`` runs it."""
    [invocation] = parse_cell(shlex.join(["machines", *(args.words or ["ls"])]))
    return _text(execute(current(), invocation))


def in_a_terminal(argv: list[str]) -> str | int:
    """``dnlab exec [--on MACHINE] [-it] NAME CMD...`` and ``dnlab attach NAME``: the line ``exec ...`` (or
    ``attach ...``) of the command table; with ``-it``, and for ``attach``, this terminal is the process's
    (the way they are meant outside a notebook). The words after the verb are docker's, so the command
    table reads them, not this program's argparse."""
    options, rest = magic_options(shlex.join(argv[1:]), cell=False)
    lab = current().on(options.on)
    [invocation] = parse_cell(f"{argv[0]} {rest}")
    kw = invocation.kwargs
    if invocation.help:
        return help_text(invocation.command)
    if invocation.command.key == "container.attach":
        return attach_tty(attach_starter(lab, kw["container"]))
    if kw["interactive"] and kw["tty"]:
        lab.own_container(kw["container"])
        return attach_tty(starter(lab, kw["container"], kw["cmd"], kw["environment"], kw["workdir"]))
    return _text(execute(lab, invocation))


def _text(result: Any) -> str:
    return result.to_string(index=False) if isinstance(result, pd.DataFrame) else repr(result)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dnlab", description="Docker networking, hands-on.")
    sub = parser.add_subparsers(dest="command", required=True)
    eng = sub.add_parser("engine", help="show the Docker engine dnlab reaches; start or stop one")
    eng.add_argument("action", nargs="?", choices=["start", "stop"], help="start: install and start dockerd "
                     "if none answers (root on Debian/Ubuntu); stop: stop the one dnlab started")
    eng.set_defaults(run=engine)
    img = sub.add_parser("images", help="prepare the course's images (local, pulled, or built offline)")
    how = img.add_mutually_exclusive_group()
    how.add_argument("--list-only", action="store_true", help="only show the catalogue")
    how.add_argument("--save", metavar="FILE", help="prepare every course image and write them all to FILE, "
                     "an offline classroom bundle")
    how.add_argument("--load", metavar="FILE", help="bring the course images in bundle FILE onto this engine "
                     "(no registry, root or Debian tools needed)")
    img.set_defaults(run=images)
    doc = sub.add_parser("doctor", help="is this machine ready for the course? (prepares the images)")
    doc.set_defaults(run=doctor)
    mac = sub.add_parser("machines", help="lab machines: up [N] | ls | down (as %%dnet machines ...)")
    mac.add_argument("words", nargs=argparse.REMAINDER, help="up [N], ls or down")
    mac.set_defaults(run=machines)
    for verb, what in TERMINAL_VERBS.items():  # listed here; `main` hands their words to the command table
        sub.add_parser(verb, help=what, add_help=False)
    cln = sub.add_parser("cleanup", help="remove what dnlab created, and nothing else")
    cln.add_argument("--lab", help="only this lab's resources (default: every lab's)")
    cln.add_argument("--images", action="store_true", help="also images dnlab built or pulled")
    cln.set_defaults(run=cleanup)
    return parser


TERMINAL_VERBS = {
    "exec": "[--on MACHINE] [-it] NAME COMMAND...: like docker exec; -it: a shell in this terminal (no docker CLI)",
    "attach": "[--on MACHINE] NAME: like docker attach, this terminal on a container started with -it",
}


def dispatch(argv: list[str]) -> str | int:
    """What the command prints, or a terminal session's exit code."""
    if argv[:1] and argv[0] in TERMINAL_VERBS:
        return in_a_terminal(argv)
    args = build_parser().parse_args(argv)
    return args.run(args)


def main(argv: list[str] | None = None) -> int:
    try:
        result = dispatch(sys.argv[1:] if argv is None else argv)
        if isinstance(result, int):  # a terminal session's exit code (exec -it, attach)
            return result
        print(result)
    except Exception as exc:  # the same table of explanations as the magic's
        error = learner_error(exc)
        if error is None:
            raise
        print(f"dnlab: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
