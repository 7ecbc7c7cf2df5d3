"""After an import's rows are in: the loose ends that keep every site consistent.

* An erasure reaches every site: records that only this site had of a carer
  erased elsewhere are blanked here too, and their live cards cancelled.
* The search index learns of every carer and card written directly.
* Conflicts the other site has since settled are closed; none stays behind
  for an erased record (they hold personal values).
* Details changed here of a carer another site has since merged into another
  record wait as a conflict on the record kept, so nothing is lost unseen.
* Carers who arrived and look like someone registered here are recorded as
  possible duplicates, for someone to look at.
"""

from __future__ import annotations

import base64
import uuid
from collections import defaultdict
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Connection, text
from sqlmodel import col, select

from carerdesk.desk import Tx
from carerdesk.exchange import vectors
from carerdesk.exchange.fileformat import ExportMeta
from carerdesk.exchange.records import BY_TABLE, RECORD_TYPES, RecordType, to_plain
from carerdesk.models import (
    Card,
    CardEvent,
    CaredFor,
    Carer,
    CarerPhoto,
    ContactLog,
    EmergencyPlan,
    ExchangeConflict,
    ExchangePeer,
    PossibleDuplicate,
)
from carerdesk.models.enums import CardStatus
from carerdesk.services import search_index
from carerdesk.services.carer_merge import cell_value, copy_into, merge_field_names
from carerdesk.services.carers import DUPLICATE_NAME_SCORE
from carerdesk.services.erasure import TOMBSTONE_COLUMNS, blank_record
from carerdesk.validation import fold

REBUILD_ABOVE = 20_000  # carers touched: past this, rebuilding the index is quicker


class Aftercare:
    """Notes what an import wrote, then ties up the loose ends in ``finish``."""

    def __init__(self, tx: Tx, peer: str, *, find_duplicates: bool) -> None:
        self.tx = tx
        self.conn: Connection = tx.session.connection()
        self.peer = peer
        self.find_duplicates = find_duplicates
        self.touched_carers: set[bytes] = set()
        self.changed: dict[bytes, str] = {}
        self.forgotten: list[bytes] = []
        self.merged_here: list[dict[str, Any]] = []
        self.carer_tombstones = False
        self.new_carers: list[tuple[bytes, str, str | None, str | None]] = []
        self.duplicates_found = 0
        self._next_key: int | None = None
        self._local: _LocalCarers | None = None
        self._ready = False

    # -- while rows go in -------------------------------------------------------

    def prepare(self) -> None:
        """Called before the carers sheet: duplicates are looked for among carers here now."""
        self._ready = self.find_duplicates

    def inserted(self, rt: RecordType, raw: dict[str, Any]) -> None:
        self._note(rt, raw)
        if rt.table == "carer" and self._ready and not raw["deleted"]:
            if self._local is None:
                self._local = _LocalCarers(self.conn)
            name = f"{raw['first_name'] or ''} {raw['last_name'] or ''}".strip()
            self.new_carers.append((raw["id"], name, raw["date_of_birth"], raw["postcode"]))

    def updated(self, rt: RecordType, raw: dict[str, Any], vector: str) -> None:
        self._note(rt, raw)
        self.changed[raw["id"]] = vector

    def merged_away(self, local: dict[str, Any]) -> None:
        """A carer changed here (``local``: its stored values) whom another site merged
        into another record meanwhile: the merge wins, the changes must not vanish."""
        self.merged_here.append(local)

    def forget(self, record_id: bytes) -> None:
        """A record removed for good (it lost to another site's copy of the same thing)."""
        self.forgotten.append(record_id)

    def search_keys(self, n: int) -> range:
        """Search index keys for ``n`` new carers."""
        if self._next_key is None:
            top = self.conn.exec_driver_sql("SELECT max(search_key) FROM carer").scalar()
            self._next_key = int(top or 0)
        start = self._next_key + 1
        self._next_key += n
        return range(start, start + n)

    def _note(self, rt: RecordType, raw: dict[str, Any]) -> None:
        if rt.table == "carer":
            self.touched_carers.add(raw["id"])
            self.carer_tombstones = self.carer_tombstones or bool(raw["deleted"])
        elif rt.table == "card":
            self.touched_carers.add(raw["carer_id"])

    # -- at the end -------------------------------------------------------------

    def finish(self, meta: ExportMeta) -> int:
        """Tie up the loose ends; return how many local records an erasure reached."""
        conn, session = self.conn, self.tx.session
        if len(self.touched_carers) > REBUILD_ABOVE:
            search_index.rebuild(conn)
        elif self.touched_carers:
            search_index.reindex(conn, [uuid.UUID(bytes=b) for b in self.touched_carers])
        session.expire_all()  # rows were written under the session's feet
        # Rows of carers move below, never carers themselves: the targets hold throughout.
        targets = merge_targets(self.tx)
        erased = erase_orphans(self.tx, self.peer, targets)
        drop_moves_by_merges(self.tx, targets)
        if self.merged_here:
            self._keep_changes_to_merged(targets)
        if self.carer_tombstones or erased:
            # No trace of an erased person may stay in the index's old segments.
            conn.execute(text("INSERT INTO carer_search(carer_search) VALUES('optimize')"))
        self._settle_conflicts()
        purge_erased(conn)
        if self._local is not None:
            self._record_duplicates()
        self._remember_peer(meta)
        self.tx.audit("exchange.import")
        return erased

    def _settle_conflicts(self) -> None:
        session = self.tx.session
        if self.forgotten:
            for rid in self.forgotten:
                self.conn.exec_driver_sql(
                    "DELETE FROM exchange_conflict WHERE record_id = ?", (rid,)
                )
        if not self.changed:
            return
        open_rows = session.exec(
            select(ExchangeConflict).where(ExchangeConflict.resolved_at == None)  # noqa: E711
        ).all()
        for conflict in open_rows:
            now = self.changed.get(conflict.record_id.bytes)
            if now is None or not conflict.remote_vector:
                continue
            order = vectors.compare(vectors.parse(now), vectors.parse(conflict.remote_vector))
            if order in (vectors.Order.SAME, vectors.Order.LOCAL_NEWER):
                conflict.resolved_at = self.tx.now()
                conflict.resolution = "superseded"
        # Written now: ``purge_erased`` next deletes, by SQL, those about erased records.
        session.flush()

    def _keep_changes_to_merged(self, targets: dict[uuid.UUID, uuid.UUID]) -> None:
        """Each field of a merged carer whose value here differs from the record kept
        waits as a conflict on that record: "here" is this site's value."""
        rt = BY_TABLE["carer"]
        names = merge_field_names()
        cols = ", ".join(f'"{n}"' for n in names)
        for here in self.merged_here:
            target = targets.get(uuid.UUID(bytes=bytes(here["id"])))
            if target is None:
                continue  # erased since: nothing of them is kept
            row = self.conn.exec_driver_sql(
                f"SELECT {cols} FROM carer WHERE id = ?", (target.bytes,)
            ).one()
            there = dict(zip(names, row, strict=True))
            differ = [n for n in names if not _blank(here[n]) and here[n] != there[n]]
            if not differ:
                continue
            plain_here, plain_there = to_plain(rt, here), to_plain(rt, there)
            self.tx.session.add(
                ExchangeConflict(
                    record_type="carer", record_id=target, peer_site=self.peer,
                    local_values={n: plain_here[n] for n in differ},
                    remote_values={n: plain_there[n] for n in differ},
                    created_at=self.tx.now(),
                )
            )  # fmt: skip
        self.tx.session.flush()

    def _record_duplicates(self) -> None:
        assert self._local is not None
        session = self.tx.session
        known = {
            (a.bytes, b.bytes)
            for a, b in session.exec(
                select(PossibleDuplicate.carer_id, PossibleDuplicate.other_carer_id)
            )
        }
        for rid, name, dob, postcode in self.new_carers:
            for local_id, score, reason in self._local.matches(name, dob, postcode):
                if (local_id, rid) in known:
                    continue
                known.add((local_id, rid))
                session.add(
                    PossibleDuplicate(
                        carer_id=uuid.UUID(bytes=local_id), other_carer_id=uuid.UUID(bytes=rid),
                        peer_site=self.peer, score=score, reason=reason,
                        created_at=self.tx.now(),
                    )
                )  # fmt: skip
                self.duplicates_found += 1
        session.flush()

    def _remember_peer(self, meta: ExportMeta) -> None:
        session = self.tx.session
        peer = session.get(ExchangePeer, meta.site) or ExchangePeer(site_code=meta.site)
        peer.last_export_id = meta.export_id
        peer.last_export_at = meta.exported_at
        peer.last_import_at = self.tx.now()
        peer.last_imported_by = self.tx.actor.user_id
        peer.imports = (peer.imports or 0) + 1
        session.add(peer)
        session.flush()


def erase_orphans(tx: Tx, peer: str, moved_to: dict[uuid.UUID, uuid.UUID]) -> int:
    """Blank what this site alone holds of carers erased elsewhere; cancel their cards.

    What it holds of a carer merged into another elsewhere moves to that
    record instead. Written through the session, so these changes count as
    this site's and travel back in its next export (``moved_to``:
    ``merge_targets(tx)``; conflicts are noted as from ``peer``). Returns how
    many records an erasure reached.
    """
    session = tx.session
    gone = select(Carer.id).where(Carer.deleted == True)  # noqa: E712
    count = 0
    for model in (CaredFor, ContactLog, EmergencyPlan, CarerPhoto):
        live = session.exec(
            select(model).where(col(model.carer_id).in_(gone), model.deleted == False)  # noqa: E712
        ).all()
        for row in live:
            target = moved_to.get(row.carer_id)
            if target is None:
                blank_record(row, TOMBSTONE_COLUMNS | {"carer_id"})
                count += 1
            elif model in (EmergencyPlan, CarerPhoto):
                _move_one_each(tx, model, row, target, peer)
            else:
                row.carer_id = target
    cards = session.exec(select(Card).where(col(Card.carer_id).in_(gone))).all()
    for card in cards:
        target = moved_to.get(card.carer_id)
        if target is not None and not card.deleted:
            card.carer_id = target
        elif card.status.is_live and not card.deleted:
            session.add(
                CardEvent(card_id=card.id, at=tx.now(), from_status=card.status,
                          to_status=CardStatus.REVOKED, by_user=tx.actor.user_id,
                          note="Record erased")
            )  # fmt: skip
            card.status = CardStatus.REVOKED
            count += 1
    session.flush()
    return count


def merge_targets(tx: Tx) -> dict[uuid.UUID, uuid.UUID]:
    """Each merged carer's record that lives on (following merges of merges)."""
    merged = dict(
        tx.session.exec(
            select(Carer.id, Carer.merged_into).where(
                Carer.deleted == True, col(Carer.merged_into).is_not(None)  # noqa: E712
            )
        ).all()
    )
    if not merged:
        return {}
    out: dict[uuid.UUID, uuid.UUID] = {}
    for start in merged:
        target, hops = merged[start], 0
        while target in merged and hops < len(merged):  # merges only point to smaller ids
            target, hops = merged[target], hops + 1
        out[start] = target
    live = set(
        tx.session.exec(
            select(Carer.id).where(col(Carer.id).in_(set(out.values())), Carer.deleted == False)  # noqa: E712
        ).all()
    )
    return {k: v for k, v in out.items() if v in live}


def follow_merges(targets: dict[uuid.UUID, uuid.UUID], carer: Any) -> Any:
    """The carer a reference means now: the record kept, if it was merged."""
    try:
        key = carer if isinstance(carer, uuid.UUID) else uuid.UUID(str(carer))
    except ValueError:
        return carer
    return targets.get(key, key)


def drop_moves_by_merges(tx: Tx, targets: dict[uuid.UUID, uuid.UUID]) -> None:
    """A record in a conflict only because a merge moved it to the record kept is no
    question: both sites' carers are one record now (and it already points there).

    ``targets``: ``merge_targets(tx)``."""
    if not targets:
        return
    rows = tx.session.exec(
        select(ExchangeConflict).where(ExchangeConflict.resolved_at == None)  # noqa: E711
    ).all()
    for conflict in rows:
        if "carer_id" not in conflict.remote_values:
            continue
        here = follow_merges(targets, conflict.local_values.get("carer_id"))
        there = follow_merges(targets, conflict.remote_values.get("carer_id"))
        if here != there:
            continue  # moved to two different records: someone chooses
        conflict.local_values = {k: v for k, v in conflict.local_values.items() if k != "carer_id"}
        conflict.remote_values = {
            k: v for k, v in conflict.remote_values.items() if k != "carer_id"
        }
        if not conflict.remote_values:
            conflict.resolved_at = tx.now()
            conflict.resolution = "superseded"
    tx.session.flush()


def _move_one_each(tx: Tx, model: Any, row: Any, target: uuid.UUID, peer: str) -> None:
    """A plan (or photo) of a merged carer: to the record kept, or waiting as a conflict.

    If that record already has its own, neither is thrown away: theirs stays
    and this one's values wait in a conflict for someone to choose from.
    """
    existing = tx.session.exec(select(model).where(model.carer_id == target)).first()
    if existing is None or existing.deleted:
        copy_into(tx, model, row, existing, target)
        return
    names = [n for n in model.model_fields if n not in TOMBSTONE_COLUMNS and n != "carer_id"
             and getattr(existing, n) != getattr(row, n)]  # fmt: skip
    if names:
        tx.session.add(
            ExchangeConflict(
                record_type=model.__tablename__, record_id=existing.id, peer_site=peer,
                local_values={n: _plain(getattr(existing, n)) for n in names},
                remote_values={n: _plain(getattr(row, n)) for n in names},
                created_at=tx.now(),
            )
        )  # fmt: skip
    blank_record(row, TOMBSTONE_COLUMNS | {"carer_id"})


def _blank(value: Any) -> bool:
    """No value worth keeping, in stored form: nothing, blank text, 'not stated'."""
    return value is None or (isinstance(value, str) and value.strip() in ("", "not_stated"))


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    return cell_value(value)


def purge_erased(conn: Connection) -> None:
    """Drop conflicts and possible duplicates about records since deleted or erased."""
    if conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM exchange_conflict)").scalar():
        for rt in RECORD_TYPES:
            conn.exec_driver_sql(
                "DELETE FROM exchange_conflict WHERE record_type = ? AND record_id IN "
                f'(SELECT id FROM "{rt.table}" WHERE deleted)',
                (rt.table,),
            )
    if conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM exchange_duplicate)").scalar():
        conn.exec_driver_sql(
            "DELETE FROM exchange_duplicate WHERE carer_id IN (SELECT id FROM carer WHERE deleted)"
            " OR other_carer_id IN (SELECT id FROM carer WHERE deleted)"
        )


class _LocalCarers:
    """Carers registered here, by date of birth and by postcode, for spotting duplicates.

    The same test as ``carers.find_duplicates``: a similar name and the same
    date of birth, or a similar name and the same postcode.
    """

    def __init__(self, conn: Connection) -> None:
        self.by_dob: dict[str, list[tuple]] = defaultdict(list)
        self.by_postcode: dict[str, list[tuple]] = defaultdict(list)
        sql = ("SELECT id, first_name, last_name, preferred_name, date_of_birth, postcode "
               "FROM carer WHERE NOT deleted")  # fmt: skip
        for rid, first, last, preferred, dob, postcode in conn.exec_driver_sql(sql):
            name = fold(f"{first or ''} {last or ''}".strip())
            alt = fold(f"{preferred} {last or ''}") if preferred else None
            entry = (bytes(rid), name, alt, dob, postcode)
            if dob:
                self.by_dob[dob].append(entry)
            if postcode:
                self.by_postcode[postcode].append(entry)

    def matches(
        self, name: str, dob: str | None, postcode: str | None
    ) -> list[tuple[bytes, int, str]]:
        if not name or (dob is None and postcode is None):
            return []
        folded = fold(name)
        found: dict[bytes, tuple[int, str]] = {}
        candidates = [*self.by_dob.get(dob or "", ()), *self.by_postcode.get(postcode or "", ())]
        for rid, other, alt, their_dob, their_postcode in candidates:
            if rid in found:
                continue
            score = int(fuzz.token_sort_ratio(folded, other))
            if alt:
                score = max(score, int(fuzz.token_sort_ratio(folded, alt)))
            if score < DUPLICATE_NAME_SCORE:
                continue
            same = [what for what, ok in (("date of birth", dob and their_dob == dob),
                                          ("postcode", postcode and their_postcode == postcode))
                    if ok]  # fmt: skip
            found[rid] = (score, "Similar name and same " + " and ".join(same))
        return sorted(((rid, s, r) for rid, (s, r) in found.items()), key=lambda m: -m[1])
