"""Reading what people really typed into old registers: dates, phones, postcodes,
names, and matching header names to fields. No database needed."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from carerdesk.errors import CarerdeskError
from carerdesk.legacy.convert import RowProblems, convert_row
from carerdesk.legacy.mapping import (
    LegacyMapping,
    check_columns,
    column_keys,
    find_header_row,
    suggest_mapping,
)
from carerdesk.legacy.parsing import (
    cell_text,
    is_blank,
    parse_ethnicity,
    parse_gender,
    parse_legacy_date,
    parse_phone,
    parse_postcode,
    parse_text,
    parse_yes_no,
    split_full_name,
)
from carerdesk.models.enums import Ethnicity, Gender, Relationship

TODAY = date(2025, 6, 1)
APRIL_3_1950 = date(1950, 4, 3)


@pytest.mark.parametrize(
    "typed",
    [
        "03/04/1950",
        "3/4/1950",
        "3.4.50",
        "03.04.1950",
        "3-4-1950",
        "3 4 1950",
        " 03/04/1950 ",
        "3rd April 1950",
        "3 April 1950",
        "3 Apr 1950",
        "3rd of April 1950",
        "03-Apr-1950",
        "3-apr-50",
        "April 3rd, 1950",
        "Monday 3rd April 1950",
        "1950-04-03",
        "1950-04-03 00:00:00",
        "03/04/1950 00:00",
        "03041950",
        "18356",
        18356,
        18356.0,
        3041950,
        date(1950, 4, 3),
        datetime(1950, 4, 3, 0, 0),
    ],
)
def test_uk_dates_are_read_day_first_however_typed(typed: object) -> None:
    assert parse_legacy_date(typed, TODAY) == APRIL_3_1950


def test_two_digit_years_are_never_in_the_future() -> None:
    assert parse_legacy_date("1.2.15", TODAY) == date(2015, 2, 1)
    assert parse_legacy_date("1.2.25", TODAY) == date(2025, 2, 1)
    assert parse_legacy_date("1.2.26", TODAY) == date(1926, 2, 1)


def test_september_may_be_written_sept() -> None:
    assert parse_legacy_date("3 Sept 1950", TODAY) == date(1950, 9, 3)


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_date_is_none(blank: object) -> None:
    assert parse_legacy_date(blank, TODAY) is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/1950", "does not exist"),
        ("04/23/1950", "does not exist"),  # American month-first
        ("1950", "Only a year"),
        (1950, "Only a year"),
        ("banana", "not a date"),
        ("3 Smarch 1950", "not a date"),
        (True, "not a date"),
    ],
)
def test_impossible_dates_are_refused_without_repeating_the_value(
    typed: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        parse_legacy_date(typed, TODAY)
    assert str(typed) not in str(caught.value)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (7700900123, "07700 900123"),
        (7700900123.0, "07700 900123"),
        ("7700900123", "07700 900123"),
        ("07700 900123", "07700 900123"),
        ("07700-900-123", "07700 900123"),
        ("+44 7700 900123", "07700 900123"),
        (None, None),
    ],
)
def test_phone_numbers_get_back_their_lost_leading_zero(typed: object, expected: str) -> None:
    assert parse_phone(typed) == expected


@pytest.mark.parametrize("typed", ["sg11aa", "SG1 1AA", " sg1  1aa ", "Sg1 1Aa"])
def test_postcodes_in_any_case_or_spacing(typed: str) -> None:
    assert parse_postcode(typed) == "SG1 1AA"


def test_a_bad_postcode_is_refused() -> None:
    with pytest.raises(ValueError, match="not a UK postcode"):
        parse_postcode("NOT A PC")


@pytest.mark.parametrize("name", ["Siân", "O'Testperson", "O’Testperson", "D'Arcy-Núñez", "Zoë"])
def test_names_keep_accents_and_apostrophes_exactly(name: str) -> None:
    assert parse_text(f"  {name} ") == name


def test_stray_spaces_are_trimmed_and_collapsed() -> None:
    assert parse_text("  1   Test   Street ") == "1 Test Street"


def test_formula_looking_text_is_kept_as_typed() -> None:
    assert parse_text("=Testy") == "=Testy"
    assert parse_text("+44 Test") == "+44 Test"


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("Testy McTestface", "Testy", "McTestface"),
        ("Mary Ann O'Testperson", "Mary Ann", "O'Testperson"),
        ("McTestface, Testy", "Testy", "McTestface"),
        ("McTestface", None, "McTestface"),
    ],
)
def test_full_names_are_split_into_first_and_last(typed: str, first: str, last: str) -> None:
    assert split_full_name(typed) == (first, last)


def test_cells_read_as_people_see_them() -> None:
    assert cell_text(7700900123.0) == "7700900123"
    assert cell_text(datetime(1950, 4, 3)) == "03/04/1950"
    assert cell_text(date(1950, 4, 3)) == "03/04/1950"
    assert cell_text(True) == "Yes"
    assert cell_text("  ") is None
    assert is_blank([None, "", "  "])
    assert not is_blank([None, 0])


def test_choices_are_read_from_common_abbreviations() -> None:
    assert parse_gender("F") is Gender.WOMAN
    assert parse_gender("male") is Gender.MAN
    assert parse_ethnicity("White British") is Ethnicity.WHITE_BRITISH
    assert parse_ethnicity("Asian: Indian") is Ethnicity.ASIAN_INDIAN
    assert parse_yes_no("Y") is True
    assert parse_yes_no("no") is False
    with pytest.raises(ValueError):
        parse_gender("Fem. (see notes)")


# -- header row and columns ----------------------------------------------------

HEADER = ["Surname", "Forename", "D.O.B", "Post Code", "Tel", "Mobile", "Address 1",
          "Address 2", "Town", "Email", "Date registered", "Gender", "Ethnicity", "Carer for",
          "Notes", "Ref"]  # fmt: skip


def test_header_names_are_matched_to_fields() -> None:
    assert suggest_mapping(HEADER) == {
        0: "last_name",
        1: "first_name",
        2: "date_of_birth",
        3: "postcode",
        4: "phone",
        5: "phone_other",
        6: "address_line1",
        7: "address_line2",
        8: "town",
        9: "email",
        10: "registered_on",
        11: "gender",
        12: "ethnicity",
        13: "cared_for",
        14: "notes",
    }


def test_repeated_columns_spill_into_the_next_address_line_and_other_phone() -> None:
    assert suggest_mapping(["Name", "Address", "Address", "Phone", "Phone", "DOB"]) == {
        0: "full_name",
        1: "address_line1",
        2: "address_line2",
        3: "phone",
        4: "phone_other",
        5: "date_of_birth",
    }


def test_header_row_is_found_below_a_title() -> None:
    rows = [
        ["Testshire Carers Register 2019", None],
        ["Kept by the drop-in team", None],
        [],
        HEADER,
        ["McTestface", "Testy", "03/04/1950"],
    ]
    assert find_header_row(rows) == 4


def test_without_known_names_the_header_is_the_first_wide_row() -> None:
    assert find_header_row([["A title"], ["Col one", "Col two"], ["x", "y"]]) == 2


def test_columns_get_unique_names() -> None:
    assert column_keys(["Address", None, "Address", " Town "]) == [
        "Address",
        "Column B",
        "Address (2)",
        "Town",
    ]


def test_a_mapping_needs_a_name_column_and_no_field_twice() -> None:
    keys = ["Surname", "Forename", "DOB"]
    check_columns({0: "last_name", 1: "first_name"}, keys)
    with pytest.raises(CarerdeskError, match="last name"):
        check_columns({1: "first_name"}, keys)
    with pytest.raises(CarerdeskError, match="Two columns"):
        check_columns({0: "last_name", 1: "last_name"}, keys)
    with pytest.raises(CarerdeskError, match="not a field"):
        check_columns({0: "last_name", 2: "shoe_size"}, keys)


def test_a_saved_mapping_loads_back_the_same(tmp_path: Path) -> None:
    mapping = LegacyMapping("Register", 4, {"Surname": "last_name", "D.O.B": "date_of_birth"})
    path = tmp_path / "mapping.json"
    mapping.save(path)
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "sheet": "Register",
        "header_row": 4,
        "columns": {"Surname": "last_name", "D.O.B": "date_of_birth"},
    }
    assert LegacyMapping.load(path) == mapping
    assert mapping.resolve(["Ref", "surname", "D.O.B"]) == {1: "last_name", 2: "date_of_birth"}


@pytest.mark.parametrize(
    "content",
    ["not json", "[1, 2]", '{"columns": {"Surname": "shoe_size"}}', '{"header_row": "four"}'],
)
def test_a_broken_mapping_file_is_refused_plainly(tmp_path: Path, content: str) -> None:
    path = tmp_path / "mapping.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CarerdeskError, match="mapping file"):
        LegacyMapping.load(path)


# -- one row -------------------------------------------------------------------

COLUMNS = suggest_mapping(HEADER)
KEYS = column_keys(HEADER)


def _row(**values: object) -> list[object]:
    cells: list[object] = [None] * len(HEADER)
    for key, value in values.items():
        cells[HEADER.index(key.replace("_", " "))] = value
    return cells


def test_a_row_becomes_a_carers_details() -> None:
    cells = _row(Surname="McTestface", Forename=" Testy ", Tel=7700900123, Gender="F")
    cells[2], cells[3], cells[13] = "3.4.50", "sg11aa", "Mother"
    row = convert_row(cells, COLUMNS, KEYS, TODAY)
    f = row.fields
    assert (f.first_name, f.last_name) == ("Testy", "McTestface")
    assert (f.date_of_birth, f.postcode, f.phone) == (APRIL_3_1950, "SG1 1AA", "07700 900123")
    assert f.gender is Gender.WOMAN
    assert row.cared_for is not None and row.cared_for.relationship is Relationship.PARENT


def test_a_choice_not_understood_is_kept_in_the_notes() -> None:
    cells = _row(Surname="McTestface", Forename="Testy", Notes="Likes tea", Gender="Unsure")
    f = convert_row(cells, COLUMNS, KEYS, TODAY).fields
    assert f.gender is None
    assert f.notes == "Likes tea\nGender in the old register: Unsure"


def test_a_bad_row_gives_every_reason_by_column_and_no_values() -> None:
    cells = _row(Forename="Testy", Tel="12")
    cells[2], cells[3] = "31/02/1950", "NOT A PC"
    with pytest.raises(RowProblems) as caught:
        convert_row(cells, COLUMNS, KEYS, TODAY)
    reason = caught.value.reason
    assert reason.startswith("No last name")
    assert "D.O.B: That date does not exist" in reason
    assert "Post Code: That is not a UK postcode" in reason
    assert "Tel:" in reason
    assert "Testy" not in reason and "NOT A PC" not in reason


def test_a_mobile_alone_becomes_the_main_phone() -> None:
    cells = _row(Surname="McTestface", Forename="Testy", Mobile="07700 900123")
    f = convert_row(cells, COLUMNS, KEYS, TODAY).fields
    assert (f.phone, f.phone_other) == ("07700 900123", None)
