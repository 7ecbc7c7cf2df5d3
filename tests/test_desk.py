"""Transactions: all-or-nothing writes; what was read stays usable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlmodel import func, select

from carerdesk.models import AuditEvent, Carer
from carerdesk.services import carers
from carerdesk.store import keyfile


def _count(desk, model) -> int:  # type: ignore[no-untyped-def]
    with desk.read() as tx:
        return tx.session.exec(select(func.count()).select_from(model)).one()


def test_rows_read_stay_usable_after_the_read_block(desk):
    with desk.transaction() as tx:
        made = carers.register(tx, carers.CarerFields(first_name="Testy", last_name="McTestface"))
    with desk.read() as tx:
        carer = carers.get_carer(tx, made.id)
    assert carer.first_name == "Testy"


def test_an_error_part_way_leaves_nothing_written(desk):
    before = (_count(desk, Carer), _count(desk, AuditEvent))
    with pytest.raises(RuntimeError), desk.transaction() as tx:
        carers.register(tx, carers.CarerFields(first_name="Testy", last_name="McTestface"))
        raise RuntimeError("power cut")
    assert (_count(desk, Carer), _count(desk, AuditEvent)) == before


def test_version_and_site_are_stamped_on_every_change(desk):
    with desk.transaction() as tx:
        made = carers.register(tx, carers.CarerFields(first_name="Testy", last_name="McTestface"))
    assert (made.version, made.site_code) == (1, "TST")
    with desk.transaction() as tx:
        changed = carers.update(tx, made.id, carers.CarerFields(town="Testville"))
    assert changed.version == 2
    assert changed.updated_at > made.created_at


def test_production_argon2_settings_meet_owasp_minimum():
    # The suite runs with faster settings; the shipped defaults must stay strong.
    source = Path(keyfile.__file__).read_text()
    memory = int(re.search(r"^ARGON2_MEMORY_KIB = (\d+)", source, re.M).group(1))
    passes = int(re.search(r"^ARGON2_TIME = (\d+)", source, re.M).group(1))
    assert memory >= 19 * 1024
    assert passes >= 2
