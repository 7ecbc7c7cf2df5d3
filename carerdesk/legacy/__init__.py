"""Importing old carer registers (xlsx, xls, ods, csv) without losing anyone.

``load_register`` opens a file and suggests the sheet, header row and column
mapping; ``import_register`` registers the carers in one transaction and
accounts for every row (imported, duplicate or rejected with a reason).
"""

from carerdesk.legacy.importer import (
    DuplicateRow,
    LegacyResult,
    Register,
    RejectedRow,
    import_register,
    load_register,
    write_rejects,
)
from carerdesk.legacy.mapping import (
    FIELDS,
    LegacyMapping,
    column_keys,
    find_header_row,
    suggest_mapping,
)
from carerdesk.legacy.parsing import parse_legacy_date

__all__ = [
    "FIELDS",
    "DuplicateRow",
    "LegacyMapping",
    "LegacyResult",
    "Register",
    "RejectedRow",
    "column_keys",
    "find_header_row",
    "import_register",
    "load_register",
    "parse_legacy_date",
    "suggest_mapping",
    "write_rejects",
]
