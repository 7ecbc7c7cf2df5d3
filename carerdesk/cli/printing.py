"""``carerdesk print ...`` and ``carerdesk verify``: PDFs to files, cards checked offline."""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from carerdesk import cardsign
from carerdesk.cli.common import ExitCode, emit_json, say, signed_in
from carerdesk.desk import Tx
from carerdesk.errors import CarerdeskError, InvalidValue
from carerdesk.printing.report import RenderReport
from carerdesk.validation import parse_date


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("verify", help="check a scanned card code: valid, expired, lost, forged...")
    p.add_argument("payload", metavar="PAYLOAD")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_verify)

    pr = sub.add_parser("print", help="make PDFs: cards, leaflets, letters, labels, posters")
    psub = pr.add_subparsers(dest="what", required=True, metavar="WHAT")

    def out_option(q: argparse.ArgumentParser) -> None:
        q.add_argument("--out", required=True, metavar="FILE.pdf")
        q.add_argument("--json", action="store_true")

    q = psub.add_parser("cards", help="cards on A4 sheets (a4-10) or a card printer (cr80)")
    which = q.add_mutually_exclusive_group(required=True)
    which.add_argument("--queued", action="store_true", help="every card in the print queue")
    which.add_argument("--card", action="append", metavar="NUMBER", help="a card (repeatable)")
    q.add_argument(
        "--layout", default="a4-10", metavar="LAYOUT", help="a4-10 or cr80 (or a preset)"
    )
    q.add_argument("--no-backs", action="store_true", help="fronts only")
    q.add_argument("--mark-printed", action="store_true",
                   help="also mark the cards printed (as one batch)")  # fmt: skip
    out_option(q)
    q.set_defaults(handler=cmd_cards)

    q = psub.add_parser("leaflet", help="the current offers, for areas or for one carer")
    q.add_argument("--area", action="append", metavar="AREA")
    q.add_argument("--carer", metavar="ID")
    q.add_argument("--large", action="store_true", help="large print (16 pt and up)")
    out_option(q)
    q.set_defaults(handler=cmd_leaflet)

    for name, helptext in (("letters", "renewal letters for a DL window envelope"),
                           ("labels", "address labels (L7163, 14 a sheet)")):  # fmt: skip
        q = psub.add_parser(name, help=helptext)
        q.add_argument("--expiring-before", required=True, metavar="DATE")
        out_option(q)
        q.set_defaults(handler=cmd_letters if name == "letters" else cmd_labels)

    q = psub.add_parser("poster", help="what the scheme is and how to join")
    q.add_argument("--size", default="A4", choices=["A4", "A3"])
    out_option(q)
    q.set_defaults(handler=cmd_poster)

    q = psub.add_parser("sticker", help="a business window sticker")
    q.add_argument("--business", metavar="ID")
    q.add_argument("--shape", default="square", choices=["square", "circle"])
    out_option(q)
    q.set_defaults(handler=cmd_sticker)


def _write_pdf(
    args: argparse.Namespace, render: Callable[[Tx, BinaryIO], RenderReport]
) -> RenderReport:
    """Render inside one transaction (it records who printed what) into a temp file
    beside ``--out``, then move it there."""
    out = Path(args.out).expanduser()
    if not out.parent.is_dir():
        raise CarerdeskError("The folder for the PDF does not exist.")
    fd, tmp = tempfile.mkstemp(prefix=".carerdesk-", suffix=".pdf", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh, signed_in(args) as desk, desk.transaction() as tx:
            report = render(tx, fh)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return report


def _finish(args: argparse.Namespace, report: RenderReport, extra: dict | None = None) -> int:
    if args.json:
        emit_json({"out": str(Path(args.out)), **report.to_json(), **(extra or {})})
    else:
        say(f"Wrote {report.pages} page(s) to {args.out}")
        for warning in report.warnings:
            say(f"  Note: {warning}")
    return ExitCode.OK


def cmd_verify(args: argparse.Namespace) -> int:
    with signed_in(args) as desk, desk.read() as tx:
        check = cardsign.verify(tx, args.payload)
    if args.json:
        emit_json(check.to_json())
    else:
        say(check.message)
        if check.card_number:
            say(f"Card {check.card_number}, valid until {check.expires_on:%d/%m/%Y}")
    return ExitCode.OK


def cmd_cards(args: argparse.Namespace) -> int:
    from carerdesk.services import cards, print_cards

    batch: dict[str, Any] = {}

    def ids(tx: Tx) -> list:  # type: ignore[type-arg]
        if args.queued:
            found = [c.id for c in cards.queued_cards(tx)]
            if not found:
                raise CarerdeskError("There are no cards in the print queue.")
            return found
        return [cards.find_card(tx, number).id for number in args.card]

    def render(tx: Tx, fh: BinaryIO) -> RenderReport:
        chosen = ids(tx)
        blocking = [p for p in print_cards.readiness(tx, chosen) if p.blocking]
        if blocking:
            first = blocking[0]
            raise CarerdeskError(
                f"{len(blocking)} card(s) cannot be printed yet; "
                f"card {first.card_number}: {first.message}"
            )
        report = print_cards.render_cards_pdf(
            tx, chosen, fh, layout=args.layout, backs=not args.no_backs
        )
        if args.mark_printed:
            made = cards.mark_printed(tx, chosen, layout=args.layout)
            batch["batch_id"] = str(made.id)
        return report

    report = _write_pdf(args, render)
    return _finish(args, report, batch)


def cmd_leaflet(args: argparse.Namespace) -> int:
    from carerdesk.services import print_docs

    report = _write_pdf(
        args,
        lambda tx, fh: print_docs.render_leaflet(
            tx, fh, areas=args.area, carer_id=args.carer, large=args.large
        ),
    )
    return _finish(args, report)


def _date(text: str) -> Any:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise InvalidValue({"expiring_before": str(exc)}) from None


def cmd_letters(args: argparse.Namespace) -> int:
    when = _date(args.expiring_before)
    from carerdesk.services import print_docs

    report = _write_pdf(
        args, lambda tx, fh: print_docs.render_renewal_letters(tx, fh, expiring_before=when)
    )  # fmt: skip
    return _finish(args, report)


def cmd_labels(args: argparse.Namespace) -> int:
    when = _date(args.expiring_before)
    from carerdesk.services import print_docs

    report = _write_pdf(args, lambda tx, fh: print_docs.render_labels(tx, fh, expiring_before=when))
    return _finish(args, report)


def cmd_poster(args: argparse.Namespace) -> int:
    from carerdesk.services import print_docs

    report = _write_pdf(args, lambda tx, fh: print_docs.render_poster(tx, fh, size=args.size))
    return _finish(args, report)


def cmd_sticker(args: argparse.Namespace) -> int:
    from carerdesk.services import print_docs

    report = _write_pdf(
        args,
        lambda tx, fh: print_docs.render_sticker(
            tx, fh, business_id=args.business, shape=args.shape
        ),
    )
    return _finish(args, report)
