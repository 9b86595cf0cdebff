"""Recount the articles a write touched, in the writing transaction (see ``archive.tally``).

Connected for the same changes the search index log follows: an article
saved or deleted, its tags or authors changed, and the bulk changes services
announce with ``articles_changed``.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from archive import tally
from archive.models import Article, Author, Tag
from archive.signals import articles_changed


def article_saved(sender, instance, **kwargs):
    tally.recount_articles([instance.pk])


def article_deleted(sender, instance, **kwargs):
    tally.recount_articles([instance.pk])


def relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
        return
    if not reverse:
        if action != "pre_clear":
            tally.recount_articles([instance.pk])
    elif action == "pre_clear":
        # After the clear the links are gone: remember whose they were.
        instance._tally_articles = list(instance.articles.values_list("pk", flat=True))
    else:
        ids = pk_set if action != "post_clear" else instance._tally_articles
        tally.recount_articles(ids or ())


def registry_before_delete(sender, instance, **kwargs):
    # Deleting a tag or author removes its links without an m2m signal.
    instance._tally_articles = list(instance.articles.values_list("pk", flat=True))


def registry_deleted(sender, instance, **kwargs):
    tally.recount_articles(getattr(instance, "_tally_articles", ()))


def bulk_changed(sender, article_ids, **kwargs):
    tally.recount_articles(article_ids)


def connect() -> None:
    post_save.connect(article_saved, sender=Article, dispatch_uid="tally.saved")
    post_delete.connect(article_deleted, sender=Article, dispatch_uid="tally.deleted")
    for relation in (Article.tags.through, Article.authors.through):
        m2m_changed.connect(
            relation_changed, sender=relation, dispatch_uid=f"tally.{relation.__name__}"
        )
    for model in (Tag, Author):
        name = model.__name__.lower()
        pre_delete.connect(
            registry_before_delete, sender=model, dispatch_uid=f"tally.{name}_pre"
        )
        post_delete.connect(
            registry_deleted, sender=model, dispatch_uid=f"tally.{name}_deleted"
        )
    articles_changed.connect(bulk_changed, dispatch_uid="tally.bulk")
