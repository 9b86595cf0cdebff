"""Bulk import of articles: the archive's own JSON and CSV exports, feeds, saved pages, text.

``run_import`` takes ``ImportInput``s (files, uploads or pasted text), finds
each one's format from its content, checks every record on its own and saves
the good ones through ``archive.services``; the ``import_articles`` command and
the admin's import page are thin layers over it.
"""

from archive.importers.detect import ImportInput, max_file_bytes
from archive.importers.records import REVIEW_PREFIX, UNKNOWN_SOURCE, ImportDefaults
from archive.importers.report import Action, ImportReport, Outcome, Progress
from archive.importers.runner import ImportOptions, run_import

__all__ = [
    "REVIEW_PREFIX",
    "UNKNOWN_SOURCE",
    "Action",
    "ImportDefaults",
    "ImportInput",
    "ImportOptions",
    "ImportReport",
    "Outcome",
    "Progress",
    "max_file_bytes",
    "run_import",
]
