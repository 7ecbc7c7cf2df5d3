"""Scheme settings: checked values, coordinators only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import select

from carerdesk.desk import Desk
from carerdesk.errors import InvalidValue, PermissionDenied
from carerdesk.models import AuditEvent
from carerdesk.models.enums import Role
from carerdesk.services import settings
from carerdesk.services.settings import SchemeFields

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _scheme(desk: Desk):  # type: ignore[no-untyped-def]
    with desk.read() as tx:
        return settings.get_scheme(tx)


def test_coordinator_can_change_the_scheme(desk: Desk) -> None:
    before = _scheme(desk)
    with desk.transaction() as tx:
        settings.update_scheme(
            tx,
            SchemeFields(
                name="  Testshire   Carers Card ",
                primary_colour="#1A2B3C",
                accent_colour="#ffffff",
                card_validity_years=2,
                logo_png=PNG,
                contact_phone="7700900123",
                contact_email="hello@example.org",
                young_carer_max_age=18,
                idle_lock_minutes=5,
            ),
        )
    after = _scheme(desk)
    assert after.name == "Testshire Carers Card"
    assert (after.primary_colour, after.accent_colour) == ("#1a2b3c", "#ffffff")
    assert after.card_validity_years == 2
    assert after.logo_png == PNG
    assert after.contact_phone == "07700 900123"
    assert (after.young_carer_max_age, after.idle_lock_minutes) == (18, 5)
    assert after.young_adult_max_age == before.young_adult_max_age  # unset: left alone
    assert after.version == before.version + 1
    with desk.read() as tx:
        actions = tx.session.exec(select(AuditEvent.action)).all()
    assert "scheme.update" in actions


def test_bad_settings_are_refused_field_by_field(desk: Desk) -> None:
    before = _scheme(desk)
    with desk.transaction() as tx, pytest.raises(InvalidValue) as caught:
        settings.update_scheme(
            tx,
            SchemeFields(
                name="   ",
                primary_colour="blue",
                accent_colour="#12345",
                card_validity_years=0,
                young_carer_max_age=9,
                young_adult_max_age=31,
                idle_lock_minutes=0,
                small_count_threshold=21,
                contact_phone="123",
                contact_email="nope",
                logo_png=b"GIF89a",
            ),
        )
    assert set(caught.value.errors) == {
        "name",
        "primary_colour",
        "accent_colour",
        "card_validity_years",
        "young_carer_max_age",
        "young_adult_max_age",
        "idle_lock_minutes",
        "small_count_threshold",
        "contact_phone",
        "contact_email",
        "logo_png",
    }
    assert "PNG" in caught.value.errors["logo_png"]
    after = _scheme(desk)
    assert (after.name, after.primary_colour, after.version) == (
        before.name,
        before.primary_colour,
        before.version,
    )


@pytest.mark.parametrize(("years", "ok"), [(0, False), (1, True), (10, True), (11, False)])
def test_card_validity_is_one_to_ten_years(desk: Desk, years: int, ok: bool) -> None:
    with desk.transaction() as tx:
        if ok:
            assert settings.update_scheme(tx, SchemeFields(card_validity_years=years))
        else:
            with pytest.raises(InvalidValue) as caught:
                settings.update_scheme(tx, SchemeFields(card_validity_years=years))
            assert "1 to 10 years" in caught.value.errors["card_validity_years"]


def test_logo_must_be_a_small_png_and_can_be_removed(desk: Desk) -> None:
    too_big = PNG + b"\x00" * settings.MAX_LOGO_BYTES
    with desk.transaction() as tx:
        with pytest.raises(InvalidValue) as caught:
            settings.update_scheme(tx, SchemeFields(logo_png=too_big))
        assert "too large" in caught.value.errors["logo_png"]
        settings.update_scheme(tx, SchemeFields(logo_png=PNG))
    assert _scheme(desk).logo_png == PNG
    with desk.transaction() as tx:
        settings.update_scheme(tx, SchemeFields(logo_png=None))
    assert _scheme(desk).logo_png is None


def test_only_coordinators_change_settings(desk: Desk, desk_as: Callable[[Role], Desk]) -> None:
    for role in (Role.VOLUNTEER, Role.STAFF):
        other = desk_as(role)
        with other.transaction() as tx:
            with pytest.raises(PermissionDenied) as caught:
                settings.update_scheme(tx, SchemeFields(name="Hijacked"))
            assert "settings" in caught.value.message
            assert settings.get_scheme(tx).name == "Testshire Carer Passport"


def test_local_site_is_listed(desk: Desk) -> None:
    with desk.read() as tx:
        assert [s.code for s in settings.list_sites(tx)] == ["TST"]
        assert settings.local_site(tx).code == "TST"
