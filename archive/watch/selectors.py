"""What the watch pages read: an article's versions, its state in words, the changes."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from archive.models import Article, Source
from archive.watch.diff import Difference, around_changes, word_diff
from archive.watch.models import Check, Version, Watch

State = Article.AtSource


@dataclass(frozen=True)
class Statement:
    """What the article page says about the article at its source."""

    state: str
    since: object  # datetime or None
    versions: int
    http_status: int | None
    detail: str
    archived: object  # when the archive's own copy was taken (datetime or date)
    reached: object = None  # when a check last found the page (None: never)
    # Failed checks in a row (while not declared gone), since when, and what
    # the last of them got: "HTTP 503" or "no answer".
    failures: int = 0
    failing_since: object = None
    failure: str = ""


def statement(article: Article) -> Statement | None:
    """The article's state at the source, for its page (None while never checked)."""
    watch = Watch.objects.filter(article=article).first()
    failures = watch.failures if watch and article.at_source != State.GONE else 0
    if article.at_source == State.UNCHECKED and not failures:
        return None
    versions = article.versions.count()
    declaring = failure = None
    if article.at_source == State.GONE:
        declaring = (
            article.checks.filter(declared_gone=True).order_by("-checked_at").first()
        )
    if failures:
        failure = article.checks.order_by("-checked_at", "-pk").first()
    reached = (
        article.checks.filter(
            outcome__in=(Check.Outcome.UNCHANGED, Check.Outcome.CHANGED)
        )
        .order_by("-checked_at")
        .values_list("checked_at", flat=True)
        .first()
    )
    first_capture = (
        article.captures.filter(http_status=200)
        .order_by("fetched_at")
        .values_list("fetched_at", flat=True)
        .first()
    )
    return Statement(
        state=article.at_source,
        since=article.at_source_since,
        versions=versions,
        http_status=declaring.http_status if declaring else None,
        detail=declaring.detail if declaring else "",
        archived=first_capture or article.created,
        reached=reached or article.checked,
        failures=failures,
        failing_since=watch.failing_since if failures else None,
        failure=_answer(failure) if failure else "",
    )


def _answer(check: Check) -> str:
    return f"HTTP {check.http_status}" if check.http_status else _("no answer")


def versions_of(article: Article) -> QuerySet:
    return article.versions.select_related("capture").order_by("number")


@dataclass(frozen=True)
class Comparison:
    """Two versions of one article and the difference between them."""

    old: Version
    new: Version
    title: Difference
    text: Difference


def compare(old: Version, new: Version) -> Comparison:
    return Comparison(
        old, new, word_diff(old.title, new.title), word_diff(old.text, new.text)
    )


@dataclass(frozen=True)
class Change:
    """A change or deletion detected at a source, for the changes page and feed."""

    check: Check
    comparison: Comparison | None  # None for a deletion

    @property
    def article(self) -> Article:
        return self.check.article


def events(source: Source | None = None) -> QuerySet:
    """Checks that found news (a change, a deletion declared), newest first.

    The article's conditions are asked of each check's own article (by its
    key), so the database reads the checks and looks their articles up: as
    a join on the article's status it could walk every published article
    of the archive to find the few that were checked.
    """
    articles = Article.objects.filter(
        pk=OuterRef("article_id"), status=Article.Status.PUBLISHED
    )
    if source is not None:
        articles = articles.filter(source=source)
    checks = Check.objects.filter(
        Q(outcome=Check.Outcome.CHANGED) | Q(declared_gone=True), Exists(articles)
    )
    return checks.select_related("article", "article__source", "version").order_by(
        "-checked_at", "-pk"
    )


def sources_with_events() -> QuerySet:
    """The sources of some article in ``events()``, by name."""
    return Source.objects.filter(
        pk__in=events().order_by().values("article__source_id")
    ).order_by("name")


def changes(checks) -> list[Change]:
    """The changes of ``checks`` (a page of ``events()``), each with its difference."""
    checks = list(checks)
    wanted = {
        (check.article_id, check.version.number - 1)
        for check in checks
        if check.version is not None
    }
    earlier = {}
    if wanted:
        condition = Q()
        for article_id, number in wanted:
            condition |= Q(article_id=article_id, number=number)
        earlier = {
            (v.article_id, v.number): v for v in Version.objects.filter(condition)
        }
    result = []
    for check in checks:
        comparison = None
        old = check.version and earlier.get(
            (check.article_id, check.version.number - 1)
        )
        if check.outcome == Check.Outcome.CHANGED and old:
            full = compare(old, check.version)
            comparison = Comparison(
                full.old, full.new, full.title, around_changes(full.text)
            )
        result.append(Change(check, comparison))
    return result
