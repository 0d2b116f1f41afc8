"""The ``dnlab`` command line: the engine, the course's images, and clean-up."""
from __future__ import annotations

import argparse
import sys

from dnlab.errors import DnlabError


def engine(args: argparse.Namespace) -> str:
    from dnlab.engine import daemon
    from dnlab.engine.report import report

    if args.action == "start":
        return f"{daemon.start()}\n{report()!r}"
    if args.action == "stop":
        return daemon.stop()
    return repr(report())


def images(args: argparse.Namespace) -> str:
    from dnlab import images as catalogue
    from dnlab.engine import connect

    client = connect()
    if not args.list_only:
        catalogue.prepare(client, everything=True)
    return catalogue.report(client).to_string(index=False)


def cleanup(args: argparse.Namespace) -> str:
    from dnlab.lab import cleanup as remove

    return repr(remove(lab=args.lab, images=args.images))


def doctor(args: argparse.Namespace) -> str:
    from dnlab.doctor import doctor as check

    return repr(check())


def machines(args: argparse.Namespace) -> str:
    from dnlab import machines as lab_machines

    if args.action == "up":
        return lab_machines.up(args.count).to_string(index=False)
    if args.action == "down":
        gone = lab_machines.down()
        return "Removed: " + ", ".join(gone) if gone else "No lab machines to remove."
    return lab_machines.ls().to_string(index=False)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dnlab", description="Docker networking, hands-on.")
    sub = parser.add_subparsers(dest="command", required=True)
    eng = sub.add_parser("engine", help="show the Docker engine dnlab reaches; start or stop one")
    eng.add_argument("action", nargs="?", choices=["start", "stop"], help="start: install and start dockerd "
                     "if none answers (root on Debian/Ubuntu); stop: stop the one dnlab started")
    eng.set_defaults(run=engine)
    img = sub.add_parser("images", help="prepare the course's images (local, pulled, or built offline)")
    img.add_argument("--list-only", action="store_true", help="only show the catalogue")
    img.set_defaults(run=images)
    doc = sub.add_parser("doctor", help="is this machine ready for the course? (prepares the images)")
    doc.set_defaults(run=doctor)
    mac = sub.add_parser("machines", help="lab machines: several Docker hosts on this one (Docker-in-Docker)")
    mac.add_argument("action", nargs="?", choices=["up", "ls", "down"], default="ls")
    mac.add_argument("count", nargs="?", type=int, default=2, help="how many machines `up` starts (default 2)")
    mac.set_defaults(run=machines)
    cln = sub.add_parser("cleanup", help="remove what dnlab created, and nothing else")
    cln.add_argument("--lab", help="only this lab's resources (default: every lab's)")
    cln.add_argument("--images", action="store_true", help="also images dnlab built or pulled")
    cln.set_defaults(run=cleanup)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        print(args.run(args))
    except DnlabError as exc:
        print(f"dnlab: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
