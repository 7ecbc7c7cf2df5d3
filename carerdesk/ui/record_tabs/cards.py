"""The carer's cards, the chosen card's history, and what can be done to a card."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from carerdesk.desk import Desk, Tx
from carerdesk.models import Card, CardEvent, Carer
from carerdesk.models.enums import CardKind, CardStatus, CarerType
from carerdesk.services import cards, carers
from carerdesk.services.permissions import Permission
from carerdesk.ui.navigator import Navigator
from carerdesk.ui.record_tabs.common import (
    Column,
    RecordTab,
    RowsModel,
    ask,
    button,
    chain_focus,
    make_table,
    message_label,
    uk_date,
    uk_datetime,
)
from carerdesk.ui.widgets import heading, set_combo_value
from carerdesk.ui.worker import DbWorker

_IN_HAND = (CardStatus.PRINTED, CardStatus.ISSUED)
# Not CardKind.label: StrEnum members with equal values share a label entry, so the
# young carer card would be called "Young carer (under 18)" after CarerType's label.
KIND_NAMES = {
    CardKind.STANDARD: "Standard",
    CardKind.YOUNG_CARER: "Young carer",
    CardKind.EMERGENCY: "Emergency",
}

_HAPPENED = {
    CardStatus.QUEUED: "Queued for printing",
    CardStatus.PRINTED: "Printed",
    CardStatus.ISSUED: "Given or posted to the carer",
    CardStatus.LOST: "Reported lost",
    CardStatus.STOLEN: "Reported stolen",
    CardStatus.REVOKED: "Cancelled",
    CardStatus.EXPIRED: "Expired",
    CardStatus.REPLACED: "Replaced by a newer card",
}

_HISTORY_COLUMNS: list[Column[CardEvent]] = [
    Column("When", lambda e: uk_datetime(e.at)),
    Column("What happened", lambda e: _HAPPENED.get(e.to_status, e.to_status.label)),
    Column("Note", lambda e: e.note or ""),
]


@dataclass(frozen=True)
class _Loaded:
    cards: list[Card]
    young_carer: bool
    today: date


def _fetch(carer_id: uuid.UUID) -> Callable[[Desk], _Loaded]:
    def fetch(desk: Desk) -> _Loaded:
        with desk.read() as tx:
            carer = tx.get(Carer, carer_id, "carer")
            young = carers.current_carer_type(tx, carer) is CarerType.YOUNG_CARER
            return _Loaded(cards.list_cards(tx, carer_id), young, tx.today())

    return fetch


class CardsTab(RecordTab):
    """Queue, issue, replace and renew cards; see what happened to each."""

    WATCHES = ("card", "carer")

    def __init__(self, worker: DbWorker, nav: Navigator, parent: QWidget | None = None) -> None:
        super().__init__(worker, nav, parent)
        self.setObjectName("cardsTab")
        self.today = date.today()
        self._select_after_load: uuid.UUID | None = None
        self.model: RowsModel[Card] = RowsModel([
            Column("Card number", lambda c: c.number),
            Column("Kind", lambda c: KIND_NAMES[c.kind]),
            Column("Status", self._status_text),
            Column("Queued", lambda c: uk_date(c.queued_on)),
            Column("Issued", lambda c: uk_date(c.issued_on)),
            Column("Expires", lambda c: uk_date(c.expires_on)),
        ], self)  # fmt: skip
        self.table = make_table(self.model, "cardsTable", "The carer's cards")
        self.history_model: RowsModel[CardEvent] = RowsModel(_HISTORY_COLUMNS, self)
        self.history = make_table(
            self.history_model, "cardHistory", "History of the chosen card", stretch=2
        )
        self.history_title = heading("History of the chosen card")
        self.history_title.setObjectName("cardHistoryTitle")
        self.empty = QLabel("This carer has no cards yet.")
        self.empty.setObjectName("cardsEmpty")
        self.empty.hide()
        self.done = message_label("cardMessage")

        self.kind = QComboBox()
        self.kind.setObjectName("cardKind")
        self.kind.setAccessibleName("Type of card")
        kind_label = QLabel("&Type of card:")
        kind_label.setBuddy(self.kind)
        self.queue_button = button("&Queue a card", "queueCard", self.queue)
        self.printed_button = button("Mark &printed", "markPrinted", self.mark_printed)
        self.issued_button = button("Mark &issued", "markIssued", self.mark_issued)
        self.lost_button = button("Report &lost or stolen...", "reportLost", self.report_lost)
        self.renew_button = button("&Renew", "renewCard", self.renew)
        self.cancel_button = button("Ca&ncel from queue", "cancelQueued", self.cancel_queued)
        self.revoke_button = button("Revo&ke...", "revokeCard", self.revoke)
        self.print_button = button("Print this card...", "printCard", self.print_card)
        self.revoke_button.setToolTip("Stop this card being used, without a replacement")
        may_queue = self.can(Permission.QUEUE_CARD)
        for widget in (kind_label, self.kind, self.queue_button):
            widget.setVisible(may_queue)

        top = QHBoxLayout()
        top.addWidget(kind_label)
        top.addWidget(self.kind)
        top.addWidget(self.queue_button)
        top.addStretch(1)
        actions = QHBoxLayout()
        for b in (
            self.print_button,
            self.printed_button,
            self.issued_button,
            self.lost_button,
            self.renew_button,
            self.cancel_button,
            self.revoke_button,
        ):
            actions.addWidget(b)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.done)
        layout.addWidget(self.empty)
        layout.addWidget(self.table, 3)
        layout.addLayout(actions)
        layout.addWidget(self.history_title)
        layout.addWidget(self.history, 2)
        chain_focus(
            self.kind,
            self.queue_button,
            self.table,
            self.print_button,
            self.printed_button,
            self.issued_button,
            self.lost_button,
            self.renew_button,
            self.cancel_button,
            self.revoke_button,
            self.history,
        )
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self._update_buttons()

    # -- loading ------------------------------------------------------------------

    def load(self, carer: Carer) -> None:
        self.done.hide()
        self._select_after_load = None
        super().load(carer)

    def reload(self) -> None:
        if self.carer_id is not None:
            self.run(_fetch(self.carer_id), self._show, group=f"cards-{id(self)}")

    def _show(self, loaded: _Loaded) -> None:
        self.today = loaded.today
        self._set_kinds(loaded.young_carer)
        self.model.set_rows(loaded.cards)
        self.empty.setVisible(not loaded.cards)
        row = 0
        for i, card in enumerate(loaded.cards):
            if card.id == self._select_after_load:
                row = i
        self._select_after_load = None
        if loaded.cards:
            self.table.selectRow(row)
        else:
            self.history_model.set_rows([])
        self._update_buttons()

    def _set_kinds(self, young_carer: bool) -> None:
        self.kind.clear()
        kinds = [CardKind.YOUNG_CARER] if young_carer else []
        kinds += [CardKind.STANDARD, CardKind.EMERGENCY]
        for kind in kinds:
            self.kind.addItem(f"{KIND_NAMES[kind]} card", kind)
        set_combo_value(self.kind, kinds[0])

    def _status_text(self, card: Card) -> str:
        if card.status.is_live and card.expires_on is not None and card.expires_on < self.today:
            return f"{card.status.label} (past its expiry date)"
        return card.status.label

    def selected(self) -> Card | None:
        return self.model.row_at(self.table.currentIndex().row())

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_buttons()
        card = self.model.row_at(current.row())
        if card is None:
            self.history_title.setText("History of the chosen card")
            self.history_model.set_rows([])
            return
        self.history_title.setText(f"History of card {card.number}")
        card_id = card.id

        def fetch(desk: Desk) -> list[CardEvent]:
            with desk.read() as tx:
                return cards.card_history(tx, card_id)

        self.run(fetch, self.history_model.set_rows, group=f"card-history-{id(self)}")

    def _has_live_follower(self, card: Card) -> bool:
        return any(c.id == card.replaced_by_id and c.status.is_live for c in self.model.rows)

    def _update_buttons(self) -> None:
        card = self.selected()
        status = card.status if card is not None else None
        in_hand = status in _IN_HAND
        shown = {
            self.printed_button: self.can(Permission.PRINT_BATCH) and status is CardStatus.QUEUED,
            self.issued_button: self.can(Permission.ISSUE_CARD) and status is CardStatus.PRINTED,
            self.lost_button: self.can(Permission.REPORT_CARD) and in_hand,
            self.renew_button: self.can(Permission.QUEUE_CARD)
            and in_hand
            and card is not None
            and not self._has_live_follower(card),
            self.cancel_button: self.can(Permission.QUEUE_CARD) and status is CardStatus.QUEUED,
            self.revoke_button: self.can(Permission.ISSUE_CARD) and in_hand,
            self.print_button: self.can(Permission.PRINT_BATCH)
            and status in (CardStatus.QUEUED, CardStatus.PRINTED),
        }
        for widget, visible in shown.items():
            widget.setVisible(visible)

    # -- actions -------------------------------------------------------------------

    def print_card(self) -> None:
        """Preview the selected card on the chosen layout, then print it."""
        from carerdesk.ui import print_actions

        card = self.selected()
        if card is not None:
            print_actions.preview_card(self.worker, self, card.id, status=self.nav.notify.emit)

    def _change(
        self,
        work: Callable[[Tx], Card | None],
        message: Callable[[Card | None], str],
        keep: uuid.UUID | None = None,
    ) -> None:
        """Run a card change; then say what happened and show the card concerned.

        The card ``work`` returns is selected afterwards (else the card ``keep``).
        """

        def fn(desk: Desk) -> Card | None:
            with desk.transaction() as tx:
                return work(tx)

        def done(card: Card | None) -> None:
            text = message(card)
            self.done.setText(text)
            self.done.show()
            self._select_after_load = card.id if card is not None else keep
            self.saved("card", text)

        self.done.hide()
        self.run(fn, done)

    def queue(self) -> None:
        carer_id, chosen = self.carer_id, self.kind.currentData()
        if carer_id is None or chosen is None:
            return
        kind = CardKind(chosen)  # Qt hands enum members back as plain strings
        self._change(
            lambda tx: cards.queue_card(tx, carer_id, kind=kind),
            lambda new: f"Card {new.number if new else ''} is queued for printing.",
        )

    def mark_printed(self) -> None:
        card = self.selected()
        if card is None:
            return
        card_id, number = card.id, card.number

        def work(tx: Tx) -> None:
            cards.mark_printed(tx, [card_id])

        self._change(work, lambda _c: f"Card {number} is marked printed.", keep=card_id)

    def mark_issued(self) -> None:
        card = self.selected()
        if card is None:
            return
        card_id, number = card.id, card.number
        self._change(
            lambda tx: cards.mark_issued(tx, [card_id])[0],
            lambda _c: f"Card {number} is marked as given to the carer.",
        )

    def report_lost(self) -> None:
        card = self.selected()
        if card is None:
            return
        answer = ask(
            self,
            "Report a card lost or stolen",
            f"Was card {card.number} lost or stolen?",
            ["&Lost", "&Stolen"],
            detail="The card stops being valid straight away, and a replacement card with a "
            "new number is queued for printing.",
        )
        if answer is None:
            return
        card_id, number, stolen = card.id, card.number, answer == 1
        word = "stolen" if stolen else "lost"
        self._change(
            lambda tx: cards.report_lost(tx, card_id, stolen=stolen),
            lambda new: (
                f"Card {number} is now marked {word} and can no longer be used. "
                f"The replacement is card {new.number if new else ''}, waiting to be printed."
            ),
        )

    def renew(self) -> None:
        card = self.selected()
        if card is None:
            return
        card_id, number = card.id, card.number
        self._change(
            lambda tx: cards.renew(tx, card_id),
            lambda new: (
                f"Renewal card {new.number if new else ''} is queued for printing. "
                f"Card {number} stays valid until the new card is given to the carer."
            ),
        )

    def cancel_queued(self) -> None:
        card = self.selected()
        if card is None:
            return
        if (
            ask(
                self,
                "Cancel from queue",
                f"Take card {card.number} out of the print queue?",
                ["&Take it out"],
                detail="It will not be printed. You can queue a new card later.",
            )
            != 0
        ):
            return
        card_id, number = card.id, card.number

        def work(tx: Tx) -> None:
            cards.cancel_queued(tx, card_id)

        self._change(
            work, lambda _c: f"Card {number} is taken out of the print queue.", keep=card_id
        )

    def revoke(self) -> None:
        card = self.selected()
        if card is None:
            return
        if (
            ask(
                self,
                "Revoke a card",
                f"Stop card {card.number} being used?",
                ["&Revoke the card"],
                detail="No replacement is queued. Use this when the carer no longer needs a card.",
            )
            != 0
        ):
            return
        card_id, number = card.id, card.number
        self._change(
            lambda tx: cards.revoke(tx, card_id),
            lambda _c: f"Card {number} is revoked and can no longer be used.",
        )
