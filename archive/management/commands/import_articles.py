"""Import articles from files: the archive's JSON/CSV exports, feeds, saved pages, text.

    manage.py import_articles export.json feeds/ pages/*.html captures/*.txt
    manage.py import_articles captures/*.txt --source "Korea JoongAng Daily" --tag ai
    manage.py import_articles export.csv --update
    manage.py import_articles pages/ --dry-run

Each file's format is found from its content. Files named here have no size
limit (the admin's uploads do): JSON Lines and CSV are read a record at a time
and saved in batches. Every record is checked on its own: good ones are saved,
bad ones are listed with file, line or record and the reason, and the command
exits non-zero if any failed. Rerunning an import skips what is already in the
archive (same URL or same text), so an interrupted run can simply be started
again; ``--update`` updates those articles instead. The new articles reach the
search index log with each batch, and worker processes index them alongside
while the import goes on; the index takes them in one commit at the end,
before the command returns.
"""

import datetime
import logging
import sys
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from archive.importers import (
    Action,
    ImportDefaults,
    ImportInput,
    ImportOptions,
    ImportReport,
    Outcome,
    Progress,
    run_import,
)
from archive.models import Article
from search.indexing import IndexAlongside

logger = logging.getLogger(__name__)


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--published “{value}” is not a date (YYYY-MM-DD)"
        ) from None


# A folder's own documentation (the seed folder's README.md) is not an article;
# named on the command line, such a file is still read.
FOLDER_DOCUMENTATION = ("readme", "license", "licence", "changelog", "contributing")


def is_folder_documentation(path: Path) -> bool:
    """True for README, LICENSE and the like, which describe a folder of captures."""
    return path.stem.lower() in FOLDER_DOCUMENTATION


def expand_paths(paths: list[str]) -> list[ImportInput]:
    """The files named by ``paths``; a directory stands for the files inside it."""
    inputs = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not is_folder_documentation(p)
            )  # fmt: skip
            inputs.extend(ImportInput.from_path(p, limited=False) for p in files)
        else:
            inputs.append(ImportInput.from_path(path, limited=False))
    return inputs


class ProgressBar:
    """A one-line progress bar redrawn in place on a terminal."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.drawn_at = 0.0

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if now - self.drawn_at < 0.1 and progress.records_done:
            return
        self.drawn_at = now
        filled = int(progress.fraction * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(
            f"\r[{bar}] {progress.fraction:4.0%}  file {min(progress.files_done + 1, progress.files_total)}"
            f"/{progress.files_total}"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.drawn_at:
            self.stream.write("\r" + " " * (self.WIDTH + 30) + "\r")
            self.stream.flush()
            self.drawn_at = 0.0


class Command(BaseCommand):
    help = (
        "Import articles from JSON, JSON Lines, CSV, RSS/Atom feeds, saved web pages "
        "and plain-text captures. Pages, feeds and text arrive as drafts."
    )

    SUMMARY = "Summary: {summary}."
    DRY_RUN = "Dry run: nothing was written."
    INTERRUPTED = (
        "Interrupted: the unfinished batch was rolled back. Run the same command "
        "again to finish; what is already saved will be skipped."
    )
    FAILED = "{count} failed (listed above)."
    INDEXING = "Search index: applying the imported articles…"
    ADOPTED = "Search index: {count} imported articles indexed while importing."
    ALONGSIDE_FAILED = (
        "Search index: the articles indexed during the import could not be "
        "added ({reason}); reading them from the database instead."
    )
    INDEX_LEFT = (
        "Search index: not updated now ({reason}); sync_search_index (or the "
        "background worker) applies the imported articles."
    )
    LABELS = {
        Action.CREATED: "CREATED",
        Action.UPDATED: "UPDATED",
        Action.UNCHANGED: "SAME",
        Action.DUPLICATE: "SKIPPED",
        Action.FAILED: "FAILED",
    }

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="files or directories to import")
        parser.add_argument(
            "--source", default="", help="source for records that name none"
        )
        parser.add_argument(
            "--published",
            type=str,
            default="",
            help="date (YYYY-MM-DD) for records without one",
        )
        parser.add_argument(
            "--tag",
            action="append",
            default=[],
            help="tag every imported article (repeatable)",
        )
        parser.add_argument(
            "--kind",
            choices=Article.Kind.values,
            default="",
            help="kind for records that give none",
        )
        parser.add_argument(
            "--language",
            choices=Article.Language.values,
            default="",
            help="language for records that give none",
        )
        parser.add_argument(
            "--status",
            choices=Article.Status.values,
            default="",
            help="status of pages, feeds and text (default draft) and of records that give none",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="update articles already in the archive",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="report what would happen; write nothing",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=ImportOptions.batch_size,
            help="most records saved per transaction (fewer while a batch would hold the database for over half a second)",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="no progress bar"
        )

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        defaults = ImportDefaults(
            source=options["source"].strip(),
            published=_date(options["published"]) if options["published"] else None,
            tags=tuple(tag.strip() for tag in options["tag"] if tag.strip()),
            kind=options["kind"],
            language=options["language"],
            status=options["status"],
        )
        import_options = ImportOptions(
            defaults=defaults,
            update=options["update"],
            dry_run=options["dry_run"],
            batch_size=options["batch_size"],
            defer_index=True,
        )
        verbosity = options["verbosity"]
        bar = None
        if verbosity and not options["no_progress"] and sys.stderr.isatty():
            bar = ProgressBar(sys.stderr)

        def show(outcomes: list[Outcome]) -> None:
            if bar:
                bar.close()
            for outcome in outcomes:
                if outcome.action is Action.FAILED:
                    self.stderr.write(self._line(outcome), style_func=self.style.ERROR)
                elif verbosity:
                    self.stdout.write(self._line(outcome))

        with IndexAlongside() as alongside:
            try:
                report = run_import(
                    expand_paths(options["paths"]),
                    import_options,
                    on_progress=bar,
                    on_outcomes=show,
                    on_created=None if options["dry_run"] else alongside.created,
                )
            finally:
                if bar:
                    bar.close()
            if not report.dry_run and not report.interrupted:
                # Also after a rerun that finds everything saved: what an
                # interrupted run saved is indexed then.
                self._catch_up_index(verbosity, alongside)
        self._report(report)

    def _catch_up_index(self, verbosity: int, alongside: IndexAlongside) -> None:
        """Adopt what was indexed alongside; apply the rest of the log as sync_search_index does."""
        if verbosity:
            self.stdout.write(self.INDEXING)
        try:
            adopted = alongside.finish().adopted
            if verbosity and adopted:
                self.stdout.write(self.ADOPTED.format(count=adopted))
        except Exception as error:
            # The log still holds every row: the sync below applies them.
            logger.exception("Adopting the import's index segments failed")
            self.stderr.write(
                self.ALONGSIDE_FAILED.format(reason=f"{type(error).__name__}: {error}")
            )
        try:
            call_command(
                "sync_search_index",
                verbosity=verbosity,
                stdout=self.stdout,
                stderr=self.stderr,
            )
        except CommandError as error:
            self.stderr.write(self.INDEX_LEFT.format(reason=error))

    def _line(self, outcome: Outcome) -> str:
        title = outcome.title if len(outcome.title) <= 80 else outcome.title[:79] + "…"
        parts = [f"{self.LABELS[outcome.action]:<8} {outcome.where}:"]
        if outcome.article_id and outcome.action is not Action.DUPLICATE:
            parts.append(f"#{outcome.article_id}")
        if title:
            parts.append(f"“{title}”")
        if outcome.action in (Action.CREATED, Action.UPDATED, Action.UNCHANGED):
            parts.append(
                f"({outcome.status}{'; needs review' if outcome.needs_review else ''})"
            )
        if outcome.message:
            parts.append(f"— {outcome.message}" if title else outcome.message)
        if outcome.action is Action.DUPLICATE and outcome.article_id:
            parts.append(
                reverse("admin:archive_article_change", args=[outcome.article_id])
            )
        return " ".join(parts)

    def _report(self, report: ImportReport) -> None:
        self.stdout.write(self.SUMMARY.format(summary=report.summary()))
        if report.dry_run:
            self.stdout.write(self.DRY_RUN)
        if report.interrupted:
            raise CommandError(self.INTERRUPTED, returncode=130)
        if report.counts[Action.FAILED]:
            raise CommandError(self.FAILED.format(count=report.counts[Action.FAILED]))
