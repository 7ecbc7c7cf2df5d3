"""Site exchange: the sites of one scheme share their records by spreadsheet file.

Sites have no network between them. Each exports a workbook of everything it
holds (``export_file``); another site merges it by UUID (``import_file``),
conflicts wait to be settled field by field (``resolve_conflict``), likely
matches wait to be merged (``merge_carers``) or dismissed, and a new
site starts from an export (``join_scheme``). How records are merged:
``carerdesk.exchange.merge``; the version vectors behind "changed since the
sites last met": ``carerdesk.exchange.vectors``.
"""

from carerdesk.exchange.aftercare import purge_erased
from carerdesk.exchange.conflicts import (
    ConflictView,
    DuplicateView,
    FieldChoice,
    describe_carer,
    describe_record,
    dismiss_possible_duplicate,
    list_conflicts,
    list_possible_duplicates,
    resolve_conflict,
    waiting_counts,
)
from carerdesk.exchange.duplicates import MergePreview, merge_carers, merge_preview
from carerdesk.exchange.export import ExportSummary, export_site
from carerdesk.exchange.fileformat import ExchangeFile, ExportMeta, read_export
from carerdesk.exchange.merge import Change, ConflictInfo, Counts, ImportResult, apply_export
from carerdesk.exchange.operations import (
    backup_before_import,
    export_file,
    import_file,
    join_scheme,
)

__all__ = [
    "Change",
    "ConflictInfo",
    "ConflictView",
    "Counts",
    "DuplicateView",
    "ExchangeFile",
    "ExportMeta",
    "ExportSummary",
    "FieldChoice",
    "ImportResult",
    "MergePreview",
    "apply_export",
    "backup_before_import",
    "describe_carer",
    "describe_record",
    "dismiss_possible_duplicate",
    "export_file",
    "export_site",
    "import_file",
    "join_scheme",
    "list_conflicts",
    "list_possible_duplicates",
    "merge_carers",
    "merge_preview",
    "purge_erased",
    "read_export",
    "resolve_conflict",
    "waiting_counts",
]
