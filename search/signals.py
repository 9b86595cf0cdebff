"""Record every change search shows in the index log, in the same transaction.

After the transaction commits, the writing process applies the log once
(``apply_pending_log``); if it cannot, the rows wait for the lock holder or
the next ``sync_search_index``. Nothing here writes the index directly.
"""

import logging

from django.db import transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from django.dispatch import receiver

from archive.models import Article, Author, Source, Tag
from archive.signals import articles_changed
from search import conf, variants
from search.indexing import apply_pending_log, log_articles
from search.models import VariantGroup

logger = logging.getLogger(__name__)


def _apply_after_commit_callback():
    """A fresh on-commit callback that applies the log once, and never raises.

    The change is committed and logged before this runs, so a failure here
    (a rebuild switching folders, a lock, a full disk) must not turn the
    writer's answer into an error: the rows stay pending for the next sync.
    A plain function, because Django names a failing callback by its
    ``__qualname__`` when it logs the failure.
    """

    def apply_search_log() -> None:
        apply_search_log.ran = True
        try:
            report = apply_pending_log(time_budget=conf.get("SEARCH_APPLY_TIME_BUDGET"))
        except Exception:
            logger.exception(
                "Search index not updated after commit; the index log keeps the "
                "change for sync_search_index."
            )
            return
        if report.locked:
            logger.info("Search index busy: changes left to the lock holder or sync.")
        elif report.remaining:
            logger.info("Large change: the rest is left for sync_search_index.")

    apply_search_log.ran = False
    apply_search_log.applies_search_log = True
    return apply_search_log


def _schedule_apply(using: str) -> None:
    connection = transaction.get_connection(using)
    if connection.in_atomic_block and any(
        getattr(func, "applies_search_log", False) and not func.ran
        for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_apply_after_commit_callback(), using=using, robust=True)


def record(
    article_ids, reason: str, using: str = "default", *, apply: bool = True
) -> None:
    """Log ``article_ids`` in the current transaction and apply after commit.

    With ``apply=False`` the rows wait for the worker or ``sync_search_index``,
    which apply them in batches (for long runs that change one article at a time).
    """
    if log_articles(article_ids, reason) and apply:
        _schedule_apply(using)


def _published_ids(**lookup) -> list[int]:
    return list(
        Article.objects.published().filter(**lookup).values_list("pk", flat=True)
    )


@receiver(post_save, sender=Article, dispatch_uid="search.article_saved")
def article_saved(sender, instance, using, **kwargs):
    # raw=True (loaddata) is logged too: the fixture's articles must be found.
    record([instance.pk], "article saved", using)


@receiver(post_delete, sender=Article, dispatch_uid="search.article_deleted")
def article_deleted(sender, instance, using, **kwargs):
    record([instance.pk], "article deleted", using)


def _relation_changed(relation: str):
    def handler(sender, instance, action, reverse, pk_set, using, **kwargs):
        if not reverse:
            if action in ("post_add", "post_remove", "post_clear"):
                record([instance.pk], f"{relation} changed", using)
        elif action in ("post_add", "post_remove"):
            record(pk_set or (), f"{relation} changed", using)
        elif action == "pre_clear":
            # After the clear the rows are gone: note the articles first.
            record(
                instance.articles.values_list("pk", flat=True),
                f"{relation} changed",
                using,
            )

    return handler


article_tags_changed = _relation_changed("tags")
article_authors_changed = _relation_changed("authors")
m2m_changed.connect(
    article_tags_changed, sender=Article.tags.through, dispatch_uid="search.tags"
)
m2m_changed.connect(
    article_authors_changed,
    sender=Article.authors.through,
    dispatch_uid="search.authors",
)

_REGISTRIES = {Source: "source", Author: "authors", Tag: "tags"}


def registry_before_save(sender, instance, **kwargs):
    instance._search_previous = (
        sender._default_manager.filter(pk=instance.pk)
        .values_list("name", "slug")
        .first()
        if instance.pk
        else None
    )


def registry_saved(sender, instance, created, using, **kwargs):
    # The index holds the name; search pages show the slug beside it (facet
    # links, labels kept per index version), so a new slug re-indexes too.
    previous = getattr(instance, "_search_previous", None)
    if created or previous is None or previous == (instance.name, instance.slug):
        return
    kind = type(instance).__name__.lower()
    record(_published_ids(**{_REGISTRIES[sender]: instance}), f"{kind} renamed", using)


def registry_before_delete(sender, instance, using, **kwargs):
    # Cascading deletes of the article links send no m2m signal.
    kind = type(instance).__name__.lower()
    record(_published_ids(**{_REGISTRIES[sender]: instance}), f"{kind} deleted", using)


for _model in _REGISTRIES:
    _name = _model.__name__.lower()
    pre_save.connect(
        registry_before_save, sender=_model, dispatch_uid=f"search.{_name}_pre_save"
    )
    post_save.connect(
        registry_saved, sender=_model, dispatch_uid=f"search.{_name}_saved"
    )
    pre_delete.connect(
        registry_before_delete, sender=_model, dispatch_uid=f"search.{_name}_deleted"
    )


@receiver(articles_changed, dispatch_uid="search.articles_changed")
def bulk_articles_changed(sender, article_ids, defer_apply=False, **kwargs):
    record(article_ids, "bulk change", apply=not defer_apply)


@receiver(post_save, sender=VariantGroup, dispatch_uid="search.variants_saved")
@receiver(post_delete, sender=VariantGroup, dispatch_uid="search.variants_deleted")
def variants_changed(sender, **kwargs):
    variants.forget()
