"""Re-checking many articles: which ones, in what order, resumable after a stop.

A run over a selection (every article, a source's, some ids) is recorded
with its start; an article checked since then counts as done, so a run that
was interrupted continues with the articles it had not reached. Due articles
need no record: an article checked is no longer due.

Within a chunk the articles are taken host by host in turn, so the fetcher's
pause between two requests to one host (``CAPTURE_HOST_DELAY``) is spent
fetching from the others.
"""

import datetime
import itertools
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db.models import Q, QuerySet
from django.utils import timezone

from archive.models import Article
from archive.watch.models import Check, RecheckRun
from archive.watch.recheck import recheck_article

CHUNK = 200

logger = logging.getLogger(__name__)


@dataclass
class Tally:
    """How many checks ended in each outcome, and how many declared an article gone."""

    total: int = 0
    done: int = 0
    outcomes: Counter = field(default_factory=Counter)
    declared_gone: int = 0
    errors: int = 0  # checks that broke off on a fault of the archive's own

    def add(self, check: Check) -> None:
        self.done += 1
        self.outcomes[check.outcome] += 1
        self.declared_gone += check.declared_gone

    def summary(self) -> str:
        parts = [f"{self.done} checked"]
        parts += [f"{n} {outcome}" for outcome, n in sorted(self.outcomes.items())]
        if self.declared_gone:
            parts.append(f"{self.declared_gone} declared gone")
        if self.errors:
            parts.append(f"{self.errors} not checked (an error, logged)")
        return ", ".join(parts)


def watched() -> QuerySet:
    """Every article with an original URL to check."""
    return Article.objects.exclude(url="").select_related("source")


def due(now: datetime.datetime) -> QuerySet:
    """Articles whose next check has come (or that were never checked)."""
    return watched().filter(
        Q(watch__isnull=True) | Q(watch__next_check__isnull=True)
        | Q(watch__next_check__lte=now)
    )  # fmt: skip


def _by_host_in_turn(articles: list[Article]) -> list[Article]:
    queues = defaultdict(list)
    for article in articles:
        queues[(urlsplit(article.url).hostname or "").lower()].append(article)
    turns = itertools.zip_longest(*queues.values())
    return [article for turn in turns for article in turn if article is not None]


def _chunks(articles: QuerySet, limit: int | None) -> Iterator[list[Article]]:
    last_pk, left = 0, limit
    while left is None or left > 0:
        size = CHUNK if left is None else min(CHUNK, left)
        chunk = list(articles.filter(pk__gt=last_pk).order_by("pk")[:size])
        if not chunk:
            return
        last_pk = chunk[-1].pk
        if left is not None:
            left -= len(chunk)
        yield _by_host_in_turn(chunk)


def run_checks(
    articles: QuerySet,
    *,
    limit: int | None = None,
    progress: Callable[[Tally], None] | None = None,
) -> Tally:
    """Re-check ``articles`` (at most ``limit``), reporting after each one."""
    total = articles.count()
    tally = Tally(total=total if limit is None else min(total, limit))
    for chunk in _chunks(articles, limit):
        for article in chunk:
            try:
                tally.add(recheck_article(article, defer_index=True))
            except Exception:
                # One article's fault (a page that breaks the extractor) must
                # not stop the run; it is logged with its traceback and counted.
                logger.exception("Re-checking article #%s failed", article.pk)
                tally.errors += 1
                tally.done += 1
            if progress:
                progress(tally)
    return tally


def start_or_resume(selection: str) -> tuple[RecheckRun, bool]:
    """The unfinished run over ``selection`` (resumed), or a new one; and whether resumed."""
    run = (
        RecheckRun.objects.filter(selection=selection, finished_at=None)
        .order_by("-started_at")
        .first()
    )
    if run is not None:
        return run, True
    return RecheckRun.objects.create(
        selection=selection, started_at=timezone.now()
    ), False


def not_done(articles: QuerySet, run: RecheckRun) -> QuerySet:
    """The articles of a run's selection not checked since the run started."""
    return articles.filter(Q(checked__isnull=True) | Q(checked__lt=run.started_at))


def finish(run: RecheckRun, tally: Tally) -> None:
    run.finished_at = timezone.now()
    run.checked += tally.done
    run.save(update_fields=["finished_at", "checked"])
