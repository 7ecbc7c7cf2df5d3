"""Plain-English names and values for what an exchange shows people."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from carerdesk.exchange.labels import EMPTY, field_label, record_label, shown_value
from carerdesk.exchange.records import RECORD_TYPES
from carerdesk.models.enums import CardStatus, CaringHours


@pytest.mark.parametrize(("record_type", "one", "many"), [
    ("carer", "Carer", "Carers"),
    ("cared_for", "Cared-for person", "Cared-for people"),
    ("emergency_plan", "Emergency plan", "Emergency plans"),
    ("card", "Card", "Cards"),
    ("contact_log", "Contact", "Contacts"),
    ("business", "Business", "Businesses"),
    ("offer", "Offer", "Offers"),
    ("carer_photo", "Photo", "Photos"),
])  # fmt: skip
def test_record_types_have_plain_names(record_type, one, many) -> None:
    assert record_label(record_type) == one
    assert record_label(record_type, plural=True) == many


def test_sheet_names_work_as_well_as_table_names() -> None:
    assert record_label("carers") == "Carer"
    assert record_label("cared_for", plural=True) == "Cared-for people"
    assert record_label("emergency_plans", plural=True) == "Emergency plans"
    assert field_label("carers", "status") == field_label("carer", "status") == "Record status"


def test_every_record_type_and_column_has_a_readable_name() -> None:
    for rt in RECORD_TYPES:
        for name in (record_label(rt.table), record_label(rt.sheet, plural=True)):
            assert name[:1].isupper() and "_" not in name
        for column in rt.data_columns:
            label = field_label(rt.table, column.name)
            assert label[:1].isupper() and "_" not in label, (rt.table, column.name)
            assert not label.lower().endswith(" id")


def test_an_unknown_record_type_or_column_is_still_readable() -> None:
    assert record_label("food_bank_voucher") == "Food bank voucher"
    assert field_label("carer", "address_line1") == "Address line 1"
    assert field_label("carer", "shoe_size_uk") == "Shoe size uk"
    assert field_label("offer", "business_id") == "Business"
    assert field_label("anything", "gp_practice") == "GP practice"


@pytest.mark.parametrize(("record_type", "name", "label"), [
    ("carer", "first_name", "First name"),
    ("carer", "date_of_birth", "Date of birth"),
    ("carer", "postcode", "Postcode"),
    ("carer", "phone_other", "Other phone"),
    ("carer", "caring_hours", "Caring hours a week"),
    ("carer", "referral_source", "How they heard of us"),
    ("carer", "area", "Local authority area"),
    ("cared_for", "area", "Area where they get services"),
    ("cared_for", "relationship", "Relationship to the carer"),
    ("emergency_plan", "contact_name", "Main contact's name"),
    ("emergency_plan", "needs_to_know", "What they need to know"),
    ("contact_log", "kind", "Kind of contact"),
    ("card", "number", "Card number"),
])  # fmt: skip
def test_field_names_match_what_the_forms_say(record_type, name, label) -> None:
    assert field_label(record_type, name) == label


def test_consent_fields_read_as_on_the_register_form() -> None:
    assert field_label("carer", "consent_keep_record") == "Agrees to us keeping their record"
    assert field_label("carer", "consent_share_partners") == (
        "Agrees to share with partner organisations")  # fmt: skip


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_values_say_so(value) -> None:
    assert shown_value("carer", "town", value) == EMPTY == "(empty)"


def test_dates_are_day_first() -> None:
    assert shown_value("carer", "date_of_birth", "1950-04-03") == "03/04/1950"
    assert shown_value("card", "expires_on", "2027-12-31") == "31/12/2027"
    assert shown_value("somewhere", "some_day", "2025-01-02") == "02/01/2025"  # looks like one
    assert shown_value("carer", "date_of_birth", "not a date") == "not a date"


def test_moments_are_shown_in_local_time_day_first() -> None:
    moment = datetime(2025, 4, 1, 9, 30, tzinfo=UTC)
    expected = moment.astimezone().strftime("%d/%m/%Y %H:%M")
    assert shown_value("contact_log", "at", moment.isoformat()) == expected


def test_yes_and_no() -> None:
    assert shown_value("carer", "consent_contact", True) == "Yes"
    assert shown_value("carer", "consent_contact", False) == "No"
    assert shown_value("carer", "consent_share_gp", 0) == "No"
    assert shown_value("scheme_settings", "photos_required", 1) == "Yes"
    assert shown_value("unknown", "flag", True) == "Yes"


def test_choices_show_their_labels() -> None:
    assert shown_value("carer", "gender", "woman") == "Woman"
    assert shown_value("carer", "caring_hours", "50_plus") == CaringHours.H50_PLUS.label
    assert shown_value("carer", "lives_with_cared_for", "not_stated") == "Not stated"
    assert shown_value("card", "status", "revoked") == CardStatus.REVOKED.label
    assert shown_value("carer", "gender", "no_such_choice") == "no_such_choice"


def test_lists_numbers_and_text() -> None:
    assert shown_value("offer", "areas", '["Stevenage", "Hitchin"]') == "Stevenage, Hitchin"
    assert shown_value("offer", "areas", "[]") == EMPTY
    assert shown_value("contact_log", "minutes", 15) == "15"
    assert shown_value("contact_log", "minutes", 15.0) == "15"
    long_note = "Prefers a call in the morning. " * 20
    assert shown_value("carer", "notes", long_note) == long_note  # shortening is the screen's job
    assert shown_value("carer_photo", "jpeg", "aGVsbG8=") == "(a picture)"


def test_a_record_title_is_what_a_person_would_call_it():
    from carerdesk.exchange.labels import record_title

    assert record_title("carer", {"first_name": "Testy", "last_name": "McTestface"}) == (
        "Testy McTestface"
    )
    assert record_title("cards", {"number": "TST-000123-87"}) == "TST-000123-87"
    assert record_title("carer", {"first_name": None, "deleted": True}) == ""
    assert record_title("contact_log", {"what_was_done": "Rang"}) == ""
    long = record_title("offer", {"text": "x" * 100})
    assert len(long) == 60 and long.endswith("…")
