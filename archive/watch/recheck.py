"""Re-check one article at its source and record what was found.

Each check is a ``Check`` row. A changed page is kept as a new capture (WARC)
and a new ``Version``; the archive's curated text is left alone. Failures
(gone or unreachable) are counted: the article is declared gone only after
``WATCH_GONE_FAILURES`` failed checks in a row spread over at least
``WATCH_GONE_AFTER``, never on one bad answer. The time of a check is passed
in (``now``), so tests move the clock instead of sleeping.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from archive.collect import warc
from archive.collect.capture import store
from archive.collect.fetch import FetchError
from archive.collect.models import Capture
from archive.importers.records import FileProblem
from archive.models import Article
from archive.signals import articles_changed
from archive.watch import conf
from archive.watch.models import Check, Version, Watch
from archive.watch.observe import Finding, observe, read_page, stored_exchange

Outcome = Check.Outcome
State = Article.AtSource


def watched_from(article: Article) -> datetime.datetime:
    """When the archive first held the article's page (its first capture, else filing)."""
    first = article.captures.order_by("fetched_at").values_list("fetched_at", flat=True)
    return first.first() or article.created


def next_check_after(article: Article, now: datetime.datetime, failing: bool):
    """When to check again: soon while failing, else thinning out with age."""
    if failing:
        return now + conf.get("WATCH_RETRY_EVERY")
    return now + conf.interval_for(now - watched_from(article))


def latest_version(article: Article) -> Version | None:
    return article.versions.order_by("-number").first()


def baseline(article: Article) -> Version | None:
    """The first version, read from the article's earliest readable capture."""
    latest = latest_version(article)
    if latest is not None:
        return latest
    captures = article.captures.filter(http_status=200).select_related("revisit_of")
    for capture in captures.order_by("fetched_at", "pk"):
        exchange = stored_exchange(capture)
        if exchange is None:
            continue
        try:
            page = read_page(exchange)
        except (FileProblem, FetchError):
            continue  # an unreadable capture is no baseline
        return _new_version(article, page, capture, capture.fetched_at)
    return None


def _new_version(article, page, capture, seen) -> Version:
    number = (latest_version(article).number + 1) if article.versions.exists() else 1
    return Version.objects.create(
        article=article,
        number=number,
        title=page.title[:500],
        text=page.text,
        published=page.published,
        text_hash=page.text_hash,
        capture=capture,
        first_seen=seen,
        last_seen=seen,
    )


def _validators(watch: Watch, finding: Finding) -> None:
    final = finding.fetched.final
    if final.status == 200:
        watch.etag = final.header("ETag")[:500]
        watch.last_modified = final.header("Last-Modified")[:100]
        watch.payload_sha256 = warc.payload_sha256(final)


def _succeeded(article, watch, finding, latest, now, check_fields) -> str:
    """Record a readable page; return the article's state."""
    watch.failures, watch.failing_since = 0, None
    if finding.fetched is not None:
        _validators(watch, finding)
    if finding.new_version:
        capture = store(finding.fetched, article, Capture.Origin.RECHECK)
        version = _new_version(article, finding.page, capture, now)
        check_fields.update(capture=capture, version=version)
        latest = version
    elif latest is not None:
        Version.objects.filter(pk=latest.pk).update(last_seen=now)
        check_fields["version"] = latest
    if latest is not None and latest.number > 1:
        return State.CHANGED
    return State.LIVE


def _failed(article, watch, finding, now, check_fields) -> str:
    """Count a failed check; return the article's state (gone once declared)."""
    watch.failures += 1
    watch.failing_since = watch.failing_since or now
    if article.at_source == State.GONE:
        return State.GONE
    enough = watch.failures >= conf.get("WATCH_GONE_FAILURES")
    long_enough = now - watch.failing_since >= conf.get("WATCH_GONE_AFTER")
    if not (enough and long_enough):
        return article.at_source
    check_fields["declared_gone"] = True
    check_fields["detail"] += (
        f"; declared gone after {watch.failures} failed checks since "
        f"{watch.failing_since:%Y-%m-%d}"
    )
    if finding.fetched is not None:
        # The answer is the evidence that the page went.
        check_fields["capture"] = store(
            finding.fetched, article, Capture.Origin.RECHECK
        )
    return State.GONE


def _since(article: Article, state: str, watch: Watch, check_fields, now):
    if state == State.GONE:
        return watch.failing_since if check_fields.get("declared_gone") else None
    if state == State.CHANGED and "capture" in check_fields:
        return now
    if state != article.at_source:
        return now
    return None


def recheck_article(
    article: Article,
    now: datetime.datetime | None = None,
    *,
    defer_index: bool = False,
) -> Check:
    """Fetch the article's original URL, record the check, update its state.

    A change of state reaches the search index log in the same transaction;
    with ``defer_index`` the worker applies it with others, not at once.
    """
    now = now or timezone.now()
    watch, _ = Watch.objects.get_or_create(article=article)
    latest = baseline(article)
    finding = observe(article, watch, latest)
    final = finding.fetched.final if finding.fetched else None
    check_fields = {
        "detail": finding.detail,
        "http_status": finding.status,
        "url": article.url,
        "final_url": final.url if final else "",
        "payload_sha256": warc.payload_sha256(final) if final and final.body else "",
    }
    with transaction.atomic():
        if finding.failed:
            state = _failed(article, watch, finding, now, check_fields)
        else:
            state = _succeeded(article, watch, finding, latest, now, check_fields)
        check = Check.objects.create(
            article=article, checked_at=now, outcome=finding.outcome, **check_fields
        )
        watch.next_check = next_check_after(
            article, now, finding.failed and state != State.GONE
        )
        watch.save()
        since = _since(article, state, watch, check_fields, now)
        update = {"at_source": state, "checked": now}
        if since is not None:
            update["at_source_since"] = since
        Article.objects.filter(pk=article.pk).update(**update)
        if state != article.at_source:
            # Applied in batches by the worker: one index commit per article
            # would cost more than the check itself on a long run.
            articles_changed.send(
                sender=Article, article_ids=[article.pk], defer_apply=defer_index
            )
        article.at_source, article.checked = state, now
        if since is not None:
            article.at_source_since = since
    return check
