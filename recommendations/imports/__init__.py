"""Status updates from a spreadsheet, all or nothing.

Officials and the secretariat download the Council report (CSV or XLSX, English or Japanese
headings), edit it and upload the same file, or a sheet with just `reference, status,
status_date, latest_update, visibility`. `reading` reads the file into rows; `planning` judges
each row against the item it names and applies the changes; `changes` is what the preview, the
confirmation and the command show. The whole file is judged before anything is written: every
bad cell is reported by row and column, one bad row rejects the file, and a valid file is applied
in one transaction.
"""

from recommendations.imports.changes import ImportPlan, LeftAlone, PlannedChange
from recommendations.imports.planning import apply, plan
from recommendations.imports.reading import MAX_FILE_BYTES, MAX_ROWS, ImportRejected, RowError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "ImportPlan",
    "ImportRejected",
    "LeftAlone",
    "PlannedChange",
    "RowError",
    "apply",
    "plan",
]
