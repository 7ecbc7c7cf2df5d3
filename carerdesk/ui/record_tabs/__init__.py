"""The tabs of a carer's record after Details, in the order they appear.

Each tab is built as ``Tab(worker, nav)`` and offers ``load(carer)``,
``reload()``, ``data_changed(what)``, ``has_unsaved_changes()`` and
``discard_changes()``.
"""

from __future__ import annotations

from carerdesk.ui.record_tabs.cards import CardsTab
from carerdesk.ui.record_tabs.cared_for import CaredForTab
from carerdesk.ui.record_tabs.common import RecordTab
from carerdesk.ui.record_tabs.contacts import ContactsTab
from carerdesk.ui.record_tabs.emergency_plan import EmergencyPlanTab
from carerdesk.ui.record_tabs.offers import CarerOffersTab

TABS: list[tuple[str, type[RecordTab]]] = [
    ("Cared-for &people", CaredForTab),
    ("&Emergency plan", EmergencyPlanTab),
    ("C&ards", CardsTab),
    ("C&ontacts", ContactsTab),
    ("O&ffers for them", CarerOffersTab),
]

__all__ = [
    "TABS",
    "CardsTab",
    "CaredForTab",
    "CarerOffersTab",
    "ContactsTab",
    "EmergencyPlanTab",
    "RecordTab",
]
