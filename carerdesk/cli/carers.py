"""``carerdesk carer ...`` and ``carerdesk card ...`` commands."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from carerdesk.cli.common import ExitCode, emit_json, say, signed_in
from carerdesk.cli.fieldargs import add_field_options, read_field_options
from carerdesk.errors import CarerdeskError, LikelyDuplicate
from carerdesk.models.enums import CardKind
from carerdesk.services import cards, carer_details, carers, contacts, erasure, search
from carerdesk.services.carers import CarerFields

_ALIASES = {
    "first_name": ["--first"],
    "last_name": ["--last"],
    "date_of_birth": ["--dob"],
    "address_line1": ["--address"],
}


def register(sub: argparse._SubParsersAction) -> None:
    carer = sub.add_parser("carer", help="register, find, show, change or erase carers")
    csub = carer.add_subparsers(dest="action", required=True, metavar="ACTION")

    p = csub.add_parser("add", help="register a new carer")
    add_field_options(p, CarerFields, _ALIASES)
    p.add_argument(
        "--consent",
        metavar="SCOPES",
        help="comma list of keep_record, contact, share_gp, share_partners, or 'all'",
    )
    p.add_argument(
        "--allow-duplicate", action="store_true", help="register even if a likely duplicate exists"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_add)

    p = csub.add_parser("edit", help="change a carer's details")
    p.add_argument("carer_id", metavar="ID")
    add_field_options(p, CarerFields, _ALIASES)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_edit)

    p = csub.add_parser("show", help="show a carer's whole record")
    p.add_argument("carer_id", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = csub.add_parser("find", help="search by name, postcode, town, phone or card number")
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_find)

    p = csub.add_parser("erase", help="erase a carer's personal data for good (coordinators)")
    p.add_argument("carer_id", metavar="ID")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(handler=cmd_erase)

    card = sub.add_parser("card", help="queue and look up cards")
    ksub = card.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = ksub.add_parser("queue", help="queue a card for printing")
    p.add_argument("carer_id", metavar="CARER_ID")
    p.add_argument("--kind", choices=[k.value for k in CardKind])
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_card_queue)

    p = ksub.add_parser("show", help="show a card and its history")
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_card_show)

    p = ksub.add_parser("lost", help="report a card lost or stolen and queue a replacement")
    p.add_argument("number", metavar="NUMBER")
    p.add_argument("--stolen", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_card_lost)


_SCOPES = ("keep_record", "contact", "share_gp", "share_partners")


def _consent(fields: CarerFields, text: str | None) -> None:
    if not text:
        return
    wanted = {s.strip().lower().replace("-", "_") for s in text.split(",") if s.strip()}
    if "all" in wanted:
        wanted = set(_SCOPES)
    unknown = wanted - set(_SCOPES)
    if unknown:
        raise CarerdeskError("Consent scopes are: keep_record, contact, share_gp, share_partners.")
    for scope in _SCOPES:
        setattr(fields, f"consent_{scope}", scope in wanted)


def record_json(tx: Any, carer: Any) -> dict:
    """A carer's whole record as one JSON-ready dict (no photo bytes)."""
    return {
        "carer": carer,
        "carer_type_today": carers.current_carer_type(tx, carer),
        "has_photo": carer_details.get_photo(tx, carer.id) is not None,
        "cared_for": carer_details.list_cared_for(tx, carer.id),
        "emergency_plan": carer_details.get_emergency_plan(tx, carer.id),
        "cards": cards.list_cards(tx, carer.id),
        "contacts": contacts.list_contacts(tx, carer.id, limit=20),
    }


def cmd_add(args: argparse.Namespace) -> int:
    fields = read_field_options(args, CarerFields)
    assert isinstance(fields, CarerFields)
    _consent(fields, args.consent)
    try:
        with signed_in(args) as desk, desk.transaction() as tx:
            carer = carers.register(tx, fields, allow_duplicate=args.allow_duplicate)
    except LikelyDuplicate as exc:
        if args.json:
            emit_json({"error": exc.message, "duplicates": exc.candidates})
        raise
    if args.json:
        emit_json(carer)
    else:
        say(f"Registered carer {carer.id}")
    return ExitCode.OK


def cmd_edit(args: argparse.Namespace) -> int:
    changes = read_field_options(args, CarerFields)
    with signed_in(args) as desk, desk.transaction() as tx:
        carer = carers.update(tx, args.carer_id, changes)  # type: ignore[arg-type]
    if args.json:
        emit_json(carer)
    else:
        say(f"Saved changes to carer {carer.id}")
    return ExitCode.OK


def cmd_show(args: argparse.Namespace) -> int:
    with signed_in(args) as desk, desk.read() as tx:
        carer = carers.get_carer(tx, args.carer_id)
        record = record_json(tx, carer)
    if args.json:
        emit_json(record)
        return ExitCode.OK
    c = record["carer"]
    say(f"{carers.display_name(c)}  ({record['carer_type_today'].label})")
    for label, value in (
        ("Date of birth", c.date_of_birth),
        (
            "Address",
            ", ".join(filter(None, [c.address_line1, c.address_line2, c.town, c.postcode])),
        ),
        ("Phone", c.phone),
        ("Email", c.email),
        ("Status", c.status.label),
    ):
        say(f"  {label}: {value or '-'}")
    for card in record["cards"]:
        say(f"  Card {card.number}: {card.status.label}, expires {card.expires_on}")
    return ExitCode.OK


def cmd_find(args: argparse.Namespace) -> int:
    with signed_in(args) as desk, desk.read() as tx:
        result = search.find_carers(tx, args.query, limit=args.limit)
    if args.json:
        emit_json(
            {
                "query": args.query,
                "count": len(result.hits),
                "card_number": result.card_number,
                "card_status": result.card_status,
                "message": result.message,
                "hits": result.hits,
            }
        )
        return ExitCode.OK
    if result.message:
        say(result.message)
    for h in result.hits:
        card = f"  card {h.card_number}" if h.card_number else ""
        say(f"{h.carer_id}  {h.name}  {h.date_of_birth or ''}  {h.postcode or ''}{card}")
    if not result.hits and not result.message:
        say("No carers found.")
    return ExitCode.OK


def cmd_erase(args: argparse.Namespace) -> int:
    if not args.yes:
        if not sys.stdin or not sys.stdin.isatty():
            raise CarerdeskError("Nothing was erased: add --yes to erase without being asked.")
        answer = input("Erase this carer's personal data for good? Type ERASE to confirm: ")
        if answer.strip() != "ERASE":
            say("Nothing was erased.")
            return ExitCode.USER_ERROR
    with signed_in(args) as desk, desk.transaction() as tx:
        erasure.erase_carer(tx, args.carer_id)
    say("The carer's personal data has been erased.")
    return ExitCode.OK


def cmd_card_queue(args: argparse.Namespace) -> int:
    with signed_in(args) as desk, desk.transaction() as tx:
        card = cards.queue_card(tx, args.carer_id, kind=CardKind(args.kind) if args.kind else None)
    if args.json:
        emit_json(card)
    else:
        say(f"Queued card {card.number} (expires {card.expires_on})")
    return ExitCode.OK


def cmd_card_show(args: argparse.Namespace) -> int:
    with signed_in(args) as desk, desk.read() as tx:
        card = cards.find_card(tx, args.number)
        history = cards.card_history(tx, card.id)
    if args.json:
        emit_json({"card": card, "history": history})
    else:
        say(
            f"Card {card.number}: {card.status.label}, {card.kind.label}, expires {card.expires_on}"
        )
        for e in history:
            say(f"  {e.at:%Y-%m-%d %H:%M}  {e.to_status.label}  {e.note or ''}")
    return ExitCode.OK


def cmd_card_lost(args: argparse.Namespace) -> int:
    with signed_in(args) as desk, desk.transaction() as tx:
        card = cards.find_card(tx, args.number)
        new = cards.report_lost(tx, card.id, stolen=args.stolen)
    if args.json:
        emit_json(new)
    else:
        say(
            f"Card reported {'stolen' if args.stolen else 'lost'}; replacement {new.number} queued."
        )
    return ExitCode.OK
