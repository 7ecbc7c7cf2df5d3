"""Facts about the database: counts, schema version, integrity."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select, text

from carerdesk import __version__
from carerdesk.desk import Tx
from carerdesk.models import (
    AuditEvent,
    Business,
    Card,
    CaredFor,
    Carer,
    ContactLog,
    EmergencyPlan,
    Offer,
    Site,
    User,
)
from carerdesk.services.permissions import Permission
from carerdesk.store import migrate

_COUNTED = {
    "carers": Carer,
    "cared_for": CaredFor,
    "emergency_plans": EmergencyPlan,
    "cards": Card,
    "businesses": Business,
    "offers": Offer,
    "contacts": ContactLog,
    "users": User,
    "sites": Site,
}


@dataclass(frozen=True)
class DatabaseInfo:
    app_version: str
    schema_version: str | None
    site: str
    scheme: str
    counts: dict[str, int]
    deleted: dict[str, int]
    audit_events: int
    path: str

    def to_json(self) -> dict:
        return {
            "app_version": self.app_version,
            "schema_version": self.schema_version,
            "site": self.site,
            "scheme": self.scheme,
            "counts": self.counts,
            "deleted": self.deleted,
            "audit_events": self.audit_events,
            "path": self.path,
        }


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    problems: list[str] = field(default_factory=list)


def database_info(tx: Tx) -> DatabaseInfo:
    """Counts of live and deleted rows per table, schema version and site."""
    tx.require(Permission.FIND)
    counts, deleted = {}, {}
    for name, model in _COUNTED.items():
        rows = tx.session.execute(select(model.deleted, func.count()).group_by(model.deleted)).all()
        by_flag = {bool(flag): n for flag, n in rows}
        counts[name] = by_flag.get(False, 0)
        deleted[name] = by_flag.get(True, 0)
    audit = tx.session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    schema = tx.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return DatabaseInfo(
        app_version=__version__,
        schema_version=schema,
        site=tx.site_code,
        scheme=tx.scheme().name,
        counts=counts,
        deleted=deleted,
        audit_events=audit,
        path=str(tx.desk.path),
    )


def check_database(tx: Tx) -> CheckReport:
    """SQLite and SQLCipher integrity checks, foreign keys, schema version, search index."""
    tx.require(Permission.FIND)
    problems: list[str] = []
    conn = tx.session.connection()
    result = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").all()]
    if result != ["ok"]:
        problems.append(f"The database structure check found {len(result)} problem(s).")
    cipher = conn.exec_driver_sql("PRAGMA cipher_integrity_check").all()
    if cipher:
        problems.append(f"The encryption check found {len(cipher)} damaged page(s).")
    fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
    if fk:
        problems.append(f"{len(fk)} record(s) point at records that do not exist.")
    schema = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    if schema != migrate.head_revision():
        problems.append("The database schema is not the version this program expects.")
    try:
        conn.exec_driver_sql(
            "INSERT INTO carer_search(carer_search, rank) VALUES('integrity-check', 0)"
        )
    except Exception:
        problems.append("The search index is out of step: run 'carerdesk check --repair'.")
    return CheckReport(ok=not problems, problems=problems)


def rebuild_search(tx: Tx) -> None:
    """Refill the search index from the tables."""
    from carerdesk.services import search_index

    tx.require(Permission.SETTINGS)
    search_index.rebuild(tx.session)
    tx.audit("search.rebuild")
