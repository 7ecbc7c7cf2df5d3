"""Entry point: ``carerdesk [--db PATH] [--user NAME] COMMAND``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from carerdesk import __version__
from carerdesk.cli import (
    admin,
    carers,
    exchange_cli,
    legacy_cli,
    offers_cli,
    printing,
    returns_cli,
)
from carerdesk.cli.common import ExitCode
from carerdesk.errors import CarerdeskError
from carerdesk.logs import setup_logging

log = logging.getLogger("carerdesk.cli")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="carerdesk",
        description="An offline desk for Carer Passport schemes. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"carerdesk {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="the database file (default: CARERDESK_DB, "
        "else carerdesk.db in your user data folder)",
    )
    parser.add_argument("--user", metavar="NAME", help="sign in as (default: CARERDESK_USER)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    admin.register(sub)
    carers.register(sub)
    printing.register(sub)
    legacy_cli.register(sub)
    offers_cli.register(sub)
    returns_cli.register(sub)
    exchange_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging()
    try:
        if args.command is None:
            from carerdesk.cli.common import db_path
            from carerdesk.launch import launch_gui

            return launch_gui(db_path(args))
        return int(args.handler(args))
    except CarerdeskError as exc:
        print(f"carerdesk: {exc.message}", file=sys.stderr)
        return ExitCode.USER_ERROR
    except KeyboardInterrupt:
        print("carerdesk: stopped; nothing more was changed.", file=sys.stderr)
        return ExitCode.USER_ERROR
    except Exception:
        log.exception("internal error in command %s", args.command)
        if args.debug:
            raise
        print(
            "carerdesk: something went wrong inside carerdesk; nothing was changed. "
            "Details are in the log file.",
            file=sys.stderr,
        )
        return ExitCode.INTERNAL


if __name__ == "__main__":
    sys.exit(main())
