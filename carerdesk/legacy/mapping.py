"""Finding the header row of an old register and matching its columns to fields.

A mapping is what the user confirms (or edits) before importing, and can be
saved as a small JSON file to use again next time::

    {"sheet": "Register", "header_row": 4,
     "columns": {"Surname": "last_name", "D.O.B": "date_of_birth"}}

Columns are named by their header text; an empty header is ``Column C`` and
a repeated one ``Address (2)``. Row numbers count from 1, as a spreadsheet
program shows them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carerdesk.errors import CarerdeskError
from carerdesk.legacy.parsing import cell_text

HEADER_SEARCH_ROWS = 50

# Field name -> what the user sees when choosing it.
FIELDS: dict[str, str] = {
    "title": "Title",
    "first_name": "First name",
    "last_name": "Last name",
    "full_name": "Full name (first and last together)",
    "preferred_name": "Known as",
    "date_of_birth": "Date of birth",
    "address_line1": "Address line 1",
    "address_line2": "Address line 2",
    "address_line3": "Address line 3",
    "town": "Town",
    "area": "Area",
    "postcode": "Postcode",
    "phone": "Phone",
    "phone_other": "Other phone (mobile)",
    "email": "Email",
    "registered_on": "Date registered",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "cared_for": "Cares for (who, or their relationship)",
    "gp_practice": "GP practice",
    "consent_keep_record": "Agreed to us keeping their record",
    "notes": "Notes",
}
# Fields that several columns may feed (their values are joined).
MULTI_COLUMN_FIELDS = frozenset({"notes"})

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": ("title", "salutation", "mrmrs", "mrmrsms"),
    "first_name": ("forename", "forenames", "firstname", "firstnames", "givenname",
                   "christianname", "first", "fname", "carerforename", "carerfirstname"),
    "last_name": ("surname", "lastname", "familyname", "secondname", "lname",
                  "carersurname", "carerlastname"),
    "full_name": ("name", "fullname", "carername", "carersname", "carer", "clientname",
                  "client", "nameofcarer"),
    "preferred_name": ("knownas", "preferredname", "nickname", "aka"),
    "date_of_birth": ("dob", "dateofbirth", "birthdate", "born", "birthday", "dateborn",
                      "dobddmmyyyy", "dobddmmyy"),
    "address_line1": ("address", "address1", "addressline1", "add1", "addr1", "street",
                      "firstlineofaddress", "houseandstreet", "addressfirstline"),
    "address_line2": ("address2", "addressline2", "add2", "addr2", "village", "locality"),
    "address_line3": ("address3", "addressline3", "add3", "addr3", "county"),
    "town": ("town", "city", "towncity", "posttown", "townorcity"),
    "area": ("area", "district", "borough", "localauthority", "council"),
    "postcode": ("postcode", "pcode", "postalcode", "zip", "zipcode", "pc"),
    "phone": ("tel", "telephone", "phone", "phonenumber", "phoneno", "telno", "telephoneno",
              "telephonenumber", "hometel", "homephone", "hometelephone", "landline",
              "contactnumber", "contactno", "tel1", "phone1"),
    "phone_other": ("mobile", "mob", "mobileno", "mobilenumber", "mobilephone", "mobiletel",
                    "otherphone", "workphone", "worktel", "tel2", "phone2", "cell"),
    "email": ("email", "emailaddress", "mail"),
    "registered_on": ("dateregistered", "registered", "registrationdate", "regdate",
                      "datereg", "datejoined", "joined", "startdate", "dateofregistration",
                      "registeredon", "dateofreferral", "referraldate"),
    "gender": ("gender", "sex", "mf", "genderidentity"),
    "ethnicity": ("ethnicity", "ethnicorigin", "ethnicgroup", "ethnic", "ethnicbackground"),
    "cared_for": ("carerfor", "caresfor", "caredfor", "caringfor", "caredforperson",
                  "personcaredfor", "whotheycarefor", "relationship", "relationshiptocaredfor",
                  "carefor"),
    "gp_practice": ("gp", "gppractice", "gpsurgery", "doctor", "surgery", "doctorssurgery"),
    "consent_keep_record": ("consent", "consentgiven", "dataconsent", "gdprconsent",
                            "consenttokeeprecord", "dataprotectionconsent"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "additionalinformation",
              "otherinformation", "info", "information"),
}  # fmt: skip
_LOOKUP = {word: name for name, words in _SYNONYMS.items() for word in words}
# When a field is already taken, a second column of that kind goes here.
_SPILL = {
    "address_line1": ("address_line2", "address_line3"),
    "address_line2": ("address_line3",),
    "phone": ("phone_other",),
}


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_keys(header: Sequence[object]) -> list[str]:
    """A unique name for every column: its header text, ``Column C`` if empty,
    ``Address (2)`` for a repeated one."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = " ".join((cell_text(cell) or "").split()) or f"Column {column_letter(index)}"
        seen[text] = seen.get(text, 0) + 1
        keys.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return keys


def field_for_header(text: str) -> str | None:
    """The field a header name usually means, or None."""
    return _LOOKUP.get(_squash(text))


def suggest_mapping(header: list[str]) -> dict[int, str]:
    """Column index (from 0) → field, guessed from the header names.

    Each field is used once (except notes); a second "Address" or "Phone"
    column spills into the next address line or the other phone.
    """
    taken: set[str] = set()
    out: dict[int, str] = {}
    for index, cell in enumerate(header):
        text = cell_text(cell)
        name = field_for_header(text) if text else None
        if name is None:
            continue
        if name in taken and name not in MULTI_COLUMN_FIELDS:
            name = next((n for n in _SPILL.get(name, ()) if n not in taken), None)
            if name is None:
                continue
        taken.add(name)
        out[index] = name
    return out


def find_header_row(rows: Iterable[Sequence[object]]) -> int:
    """The row number (from 1) of the header: the row among the first 50 whose
    cells name the most known fields. Title rows above it are passed over.

    With no recognisable names, the first row with two or more filled cells.
    """
    return best_header(rows)[0]


def best_header(rows: Iterable[Sequence[object]]) -> tuple[int, int]:
    """(header row number, how many known field names it has) for ``rows``."""
    best, best_score = 0, 1
    first_wide = first_filled = 0
    for number, row in enumerate(rows, start=1):
        if number > HEADER_SEARCH_ROWS:
            break
        texts = [t for t in (cell_text(c) for c in row) if t]
        if texts and not first_filled:
            first_filled = number
        if len(texts) >= 2 and not first_wide:
            first_wide = number
        score = len(suggest_mapping([c if isinstance(c, str) else None for c in row]))
        if score > best_score:
            best, best_score = number, score
    if best:
        return best, best_score
    return first_wide or first_filled or 1, 0


def check_columns(columns: dict[int, str], keys: Sequence[str]) -> None:
    """Refuse unknown fields and a field fed by two columns (other than notes)."""
    used: dict[str, int] = {}
    for index, name in columns.items():
        if name not in FIELDS:
            raise CarerdeskError(f"“{name}” is not a field carerdesk knows; choose another.")
        if not 0 <= index < len(keys):
            raise CarerdeskError("The mapping names a column that is not in the sheet.")
        if name in used and name not in MULTI_COLUMN_FIELDS:
            raise CarerdeskError(
                f"Two columns are both set to “{FIELDS[name]}”: choose one of them."
            )
        used[name] = index
    if not ({"last_name", "full_name"} & set(used)):
        raise CarerdeskError(
            "No column is set to the carer's last name (or full name): choose one first."
        )


@dataclass
class LegacyMapping:
    """A saved choice of sheet, header row and column → field."""

    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "header_row": self.header_row, "columns": self.columns}

    @classmethod
    def from_json(cls, data: object) -> LegacyMapping:
        """Build from parsed JSON, refusing anything not shaped like a mapping."""
        bad = CarerdeskError(
            'The mapping file is not valid: it needs {"sheet": ..., "header_row": ..., '
            '"columns": {"Header": "field", ...}}.'
        )
        if not isinstance(data, dict):
            raise bad
        sheet, row, columns = data.get("sheet"), data.get("header_row"), data.get("columns", {})
        if sheet is not None and not isinstance(sheet, str):
            raise bad
        if row is not None and (not isinstance(row, int) or isinstance(row, bool) or row < 1):
            raise bad
        if not isinstance(columns, dict) or not all(
            isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in columns.items()
        ):
            raise bad
        kept = {k: v for k, v in columns.items() if v}
        for name in kept.values():
            if name not in FIELDS:
                raise CarerdeskError(
                    f"The mapping file names a field carerdesk does not know: “{name}”."
                )
        return cls(sheet=sheet, header_row=row, columns=kept)

    @classmethod
    def load(cls, path: Path) -> LegacyMapping:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise CarerdeskError("The mapping file does not exist.") from None
        except (OSError, UnicodeDecodeError, ValueError):
            raise CarerdeskError("The mapping file could not be read as JSON.") from None
        return cls.from_json(data)

    def save(self, path: Path) -> None:
        try:
            Path(path).write_text(
                json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        except OSError:
            raise CarerdeskError("The mapping file could not be saved there.") from None

    def resolve(self, keys: Sequence[str]) -> dict[int, str]:
        """Column index → field for a sheet whose columns are named ``keys``."""
        where = {k: i for i, k in enumerate(keys)}
        folded = {k.casefold(): i for i, k in enumerate(keys)}
        out: dict[int, str] = {}
        for key, name in self.columns.items():
            index = where.get(key, folded.get(" ".join(key.split()).casefold()))
            if index is None:
                raise CarerdeskError(
                    f"The mapping names a column “{key}” that this sheet does not have."
                )
            out[index] = name
        return out
