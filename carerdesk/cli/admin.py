"""Database and account commands: init, demo, user, passwd, recover, info, check."""

from __future__ import annotations

import argparse
import importlib.util
import os
from pathlib import Path

from carerdesk.cli import exchange_cli
from carerdesk.cli.common import (
    ExitCode,
    ask,
    ask_new_password,
    db_path,
    emit_json,
    say,
    signed_in,
)
from carerdesk.desk import create_database, recover_access
from carerdesk.errors import CarerdeskError
from carerdesk.models.enums import Role
from carerdesk.services import info, users
from carerdesk.store.paths import default_db_path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create a new encrypted database for a scheme")
    p.add_argument("--scheme", metavar="NAME", help="the scheme's name (new schemes)")
    p.add_argument("--site", required=True, metavar="CODE", help="this site's code, e.g. STV")
    p.add_argument("--site-name", metavar="NAME")
    p.add_argument("--admin", required=True, metavar="USERNAME", help="the first coordinator")
    p.add_argument("--admin-name", metavar="NAME", help="the coordinator's display name")
    p.add_argument("--json", action="store_true")
    exchange_cli.add_init_from(p)
    p.set_defaults(handler=cmd_init, needs_db=False)

    p = sub.add_parser("demo", help="build a demo database full of made-up carers and open it")
    p.add_argument("--carers", type=int, help="how many carers (default 2000)")
    p.add_argument("--seed", type=int, help="random seed, for the same data every time")
    p.add_argument("--rebuild", action="store_true", help="build afresh even if it exists")
    p.add_argument("--no-gui", action="store_true", help="build it and print how to sign in")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_demo)

    user = sub.add_parser("user", help="add, list and disable users (coordinators)")
    usub = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    q = usub.add_parser("add", help="add a user (password from CARERDESK_NEW_PASSWORD or asked)")
    q.add_argument("username")
    q.add_argument("--role", required=True, choices=[r.value for r in Role])
    q.add_argument("--name", metavar="DISPLAY_NAME")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_user_add)
    q = usub.add_parser("list", help="list users")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_user_list)
    q = usub.add_parser("disable", help="stop a user signing in")
    q.add_argument("username")
    q.set_defaults(handler=cmd_user_disable)
    q = usub.add_parser("reset-password", help="give a user a new password")
    q.add_argument("username")
    q.set_defaults(handler=cmd_user_reset)

    p = sub.add_parser("passwd", help="change your own password")
    p.set_defaults(handler=cmd_passwd)

    p = sub.add_parser("recover", help="set a coordinator's password with the recovery key")
    p.add_argument("--admin", metavar="USERNAME", help="the coordinator (default: --user)")
    p.set_defaults(handler=cmd_recover)

    p = sub.add_parser("info", help="counts, schema version and site")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_info)

    p = sub.add_parser("check", help="check the database for damage")
    p.add_argument("--repair", action="store_true", help="rebuild the search index")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_check)


def cmd_init(args: argparse.Namespace) -> int:
    if args.from_file:
        return exchange_cli.run_init_from(args)
    if not args.scheme:
        raise CarerdeskError("Give the scheme's name with --scheme, or join one with --from.")
    path = db_path(args)
    password = os.environ.get("CARERDESK_PASSWORD") or ask_new_password(
        "CARERDESK_PASSWORD", "the coordinator's"
    )
    recovery = create_database(
        path,
        scheme_name=args.scheme,
        site_code=args.site,
        site_name=args.site_name,
        admin_username=args.admin,
        admin_password=password,
        admin_display_name=args.admin_name,
    )
    if args.json:
        emit_json({"database": path, "site": args.site.upper(), "recovery_key": recovery})
        return ExitCode.OK
    say(f"Created the database at {path}")
    say()
    say("RECOVERY KEY - write this down now and keep it somewhere safe and locked:")
    say()
    say(f"    {recovery}")
    say()
    say("It is shown only this once. With it, a coordinator can set a new password")
    say("if every password is forgotten. Without it, the data cannot be recovered.")
    return ExitCode.OK


def demo_path(args: argparse.Namespace) -> Path:
    if args.db:
        return Path(args.db).expanduser()
    return default_db_path().parent / "demo" / "carerdesk-demo.db"


def cmd_demo(args: argparse.Namespace) -> int:
    from carerdesk.demo import DEMO_PASSWORD, DEMO_USERNAME, build_demo
    from carerdesk.store.paths import key_path

    path = demo_path(args)
    rebuild = args.rebuild or args.carers is not None or args.seed is not None
    if path.exists() and rebuild:
        if not _is_demo(path):
            raise CarerdeskError("That database is not a demo database, so it was not replaced.")
        for old in (path, key_path(path), *path.parent.glob(path.name + "-*")):
            old.unlink(missing_ok=True)
    if not path.exists():
        carers = args.carers if args.carers is not None else 2000
        if carers < 0 or carers > 1_000_000:
            raise CarerdeskError("The demo can have from 0 to 1,000,000 carers.")
        if not args.json:
            say(f"Building a demo database with {carers:,} made-up carers...")
        build_demo(path, carers=carers, seed=args.seed if args.seed is not None else 1)
    if args.json:
        emit_json({"database": path, "username": DEMO_USERNAME, "password": DEMO_PASSWORD})
    else:
        say(f"Demo database: {path}")
        say(f"Sign in as '{DEMO_USERNAME}' with the password '{DEMO_PASSWORD}'.")
        say("(Also 'volunteer' and 'staff', same password.) All of its people are made up.")
    if args.no_gui or importlib.util.find_spec("carerdesk.ui.app") is None:
        return ExitCode.OK
    from carerdesk.launch import launch_gui

    return launch_gui(path, username=DEMO_USERNAME, password=DEMO_PASSWORD)


def _is_demo(path: Path) -> bool:
    from carerdesk.demo import DEMO_PASSWORD, DEMO_USERNAME
    from carerdesk.desk import open_desk

    try:
        desk = open_desk(path, DEMO_USERNAME, DEMO_PASSWORD)
    except CarerdeskError:
        return False
    desk.close()
    return True


def cmd_user_add(args: argparse.Namespace) -> int:
    with signed_in(args) as desk:
        password = ask_new_password(who=f"{args.username}'s")
        with desk.transaction() as tx:
            summary = users.add_user(
                tx,
                username=args.username,
                role=Role(args.role),
                password=password,
                display_name=args.name,
                must_change_password=True,
            )
    if args.json:
        emit_json(summary)
    else:
        say(
            f"Added {summary.username} ({summary.role.label.lower()}). "
            "They will be asked to choose their own password when they first sign in."
        )
    return ExitCode.OK


def cmd_user_list(args: argparse.Namespace) -> int:
    with signed_in(args) as desk, desk.read() as tx:
        rows = users.list_users(tx)
    if args.json:
        emit_json(rows)
        return ExitCode.OK
    for u in rows:
        state = "disabled" if u.disabled else "active"
        say(f"{u.username:<20} {u.role.label:<12} {state:<9} {u.display_name}")
    return ExitCode.OK


def cmd_user_disable(args: argparse.Namespace) -> int:
    with signed_in(args) as desk, desk.transaction() as tx:
        users.disable_user(tx, args.username)
    say(f"{args.username} can no longer sign in.")
    return ExitCode.OK


def cmd_user_reset(args: argparse.Namespace) -> int:
    with signed_in(args) as desk:
        password = ask_new_password(who=f"{args.username}'s")
        with desk.transaction() as tx:
            users.reset_password(tx, args.username, password)
    say(f"{args.username} has a new password and will be asked to change it.")
    return ExitCode.OK


def cmd_passwd(args: argparse.Namespace) -> int:
    with signed_in(args) as desk:
        current = os.environ.get("CARERDESK_PASSWORD") or ""
        new = ask_new_password(who="your new")
        with desk.transaction() as tx:
            users.change_own_password(tx, current, new)
    say("Your password has been changed.")
    return ExitCode.OK


def cmd_recover(args: argparse.Namespace) -> int:
    username = args.admin or args.user or os.environ.get("CARERDESK_USER")
    if not username:
        username = ask("Coordinator's username: ", "CARERDESK_USER", secret=False)
    key = ask("Recovery key: ", "CARERDESK_RECOVERY_KEY")
    password = ask_new_password(who="the coordinator's new")
    recover_access(db_path(args), key, username, password)
    say(f"{username} can now sign in with the new password.")
    return ExitCode.OK


def cmd_info(args: argparse.Namespace) -> int:
    with signed_in(args) as desk, desk.read() as tx:
        facts = info.database_info(tx)
    if args.json:
        emit_json(facts.to_json())
        return ExitCode.OK
    say(f"Scheme: {facts.scheme}   Site: {facts.site}   Schema: {facts.schema_version}")
    say(f"Database: {facts.path}")
    for name, n in facts.counts.items():
        extra = f" (+{facts.deleted[name]} deleted)" if facts.deleted[name] else ""
        say(f"  {name.replace('_', ' '):<16} {n:>8,}{extra}")
    return ExitCode.OK


def cmd_check(args: argparse.Namespace) -> int:
    with signed_in(args) as desk:
        if args.repair:
            with desk.transaction() as tx:
                info.rebuild_search(tx)
        with desk.read() as tx:
            report = info.check_database(tx)
    if args.json:
        emit_json({"ok": report.ok, "problems": report.problems})
    else:
        say("The database is healthy." if report.ok else "\n".join(report.problems))
    return ExitCode.OK if report.ok else ExitCode.USER_ERROR
