"""`aurelis` entry point. Each subcommand lives in its own module exposing
``add_parser(subparsers)``; a new subcommand is a module and a line in ``COMMANDS``."""

from __future__ import annotations

import argparse
import importlib
import sys

from aurelis import __version__

COMMANDS = ["serve", "summary", "index", "search", "check", "ai", "trust", "report"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aurelis", description="Aurelis: Python code-intelligence language server."
    )
    parser.add_argument("--version", action="version", version=f"aurelis {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"aurelis.cli.{name}").add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        # `aurelis` with no subcommand is what editors usually spawn: serve over stdio.
        args = parser.parse_args(["serve", *(argv if argv is not None else sys.argv[1:])])
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
