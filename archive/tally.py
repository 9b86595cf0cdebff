"""Counts of published articles by facet value, kept current by every write.

The home page, the registries and the unfiltered browse page show how many
published articles each source, tag, author, language, kind and year has,
which of them go together, and the coverage by year. Counting that from the
articles costs a scan of the whole table per request; here it is read from
``Tally`` rows instead (a few hundred rows, whatever the archive's size).

Every change to an article (save, publish, unpublish, delete, tags, authors,
merges, bulk actions; the same signals the search index log follows)
recounts the articles it touched in the writing transaction: what each
article added before (``ArticleTally``) is taken back and what it adds now is
added, as rows of +1/-1 that readers sum. A rename changes nothing here:
registry values are counted by id and named when read. ``recount_all``
counts everything again (after bulk inserts that bypass signals, or SQL).
"""

import itertools
from collections import Counter
from collections.abc import Iterable

from django.apps import apps as global_apps
from django.db import transaction
from django.db.models import Sum

from archive.rows import insert_rows, prepared

# Facets counted per value, by the name their value is stored under.
SINGLE = ("source", "tag", "author", "lang", "kind", "at_source")
# Registry facets whose pages show how often the others go with them.
PAIRED = ("source", "tag", "author")
PAIR_YEAR = -1
BATCH = 1000


def _insert(tally_model, counts) -> None:
    """Insert tally rows for ``{(key, year): n}``; a pair key ``a|b`` is stored as key a, pair b."""
    rows = []
    for (key, year), n in sorted(counts.items()):
        if n:
            first, _, pair = key.partition("|")
            rows.append((first, pair, year, n))
    insert_rows(tally_model, ("key", "pair", "year", "n"), rows)


def _batched(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _models(apps=None):
    apps = apps or global_apps
    return (
        apps.get_model("archive", "Article"),
        apps.get_model("archive", "Tally"),
        apps.get_model("archive", "ArticleTally"),
    )


def _keys(year: int, values: dict[str, list]) -> set[tuple[str, int]]:
    """What one published article adds: its values, per year and overall, and pairs."""
    keys = {("", 0), ("", year)}
    for facet in SINGLE:
        for value in values.get(facet, ()):
            keys |= {(f"{facet}:{value}", 0), (f"{facet}:{value}", year)}
    for one, other in itertools.permutations(PAIRED, 2):
        for a in values.get(one, ()):
            for b in values.get(other, ()):
                keys.add((f"{one}:{a}|{other}:{b}", PAIR_YEAR))
    return keys


def _contributions(article_model, ids: list[int]) -> dict[int, list]:
    """``{id: [year, {facet: values}]}`` for the published articles among ``ids``."""
    rows = (
        article_model.objects.filter(pk__in=ids, status="published")
        .values_list("pk", "published", "source_id", "language", "kind", "at_source")
        .order_by()
    )
    found = {
        pk: [
            published.year,
            {
                "source": [source],
                "lang": [lang],
                "kind": [kind],
                "at_source": [at_source],
                "tag": [],
                "author": [],
            },
        ]
        for pk, published, source, lang, kind, at_source in rows
    }
    for facet, relation in (("tag", "tags"), ("author", "authors")):
        through = article_model._meta.get_field(relation).remote_field.through
        links = through.objects.filter(article_id__in=list(found)).values_list(
            "article_id", f"{facet}_id"
        )
        for article_id, value in links:
            found[article_id][1][facet].append(value)
    for _, values in found.values():
        for facet in ("tag", "author"):
            values[facet].sort()
    return found


def _keys_of(snapshot: list | None) -> set[tuple[str, int]]:
    return _keys(*snapshot) if snapshot else set()


def recount_articles(article_ids: Iterable[int], *, apps=None) -> None:
    """Bring the counts up to date for ``article_ids`` (call inside the writing transaction)."""
    ids = sorted({int(pk) for pk in article_ids if pk is not None})
    if not ids:
        return
    article_model, tally_model, snapshot_model = _models(apps)
    with transaction.atomic():
        for chunk in _batched(ids):
            _recount_chunk(article_model, tally_model, snapshot_model, chunk)


def _recount_chunk(article_model, tally_model, snapshot_model, ids) -> None:
    # The lock makes a second transaction recounting the same article wait,
    # then read what this one wrote, instead of taking back the same keys twice.
    old = {
        row.article_id: row.keys
        for row in snapshot_model.objects.select_for_update().filter(article_id__in=ids)
    }
    new = _contributions(article_model, ids)
    changed = [pk for pk in ids if old.get(pk) != new.get(pk)]
    if not changed:
        return
    delta = Counter()
    for pk in changed:
        before, after = _keys_of(old.get(pk)), _keys_of(new.get(pk))
        delta.update(after - before)
        delta.subtract(before - after)
    snapshot_model.objects.filter(article_id__in=changed).delete()
    insert_rows(
        snapshot_model,
        ("article_id", "keys"),
        [
            (pk, prepared(snapshot_model, "keys", new[pk]))
            for pk in changed
            if pk in new
        ],
    )
    _insert(tally_model, delta)


def recount_all(*, apps=None) -> int:
    """Count every published article again from scratch; return how many were counted."""
    article_model, tally_model, snapshot_model = _models(apps)
    counted = 0
    with transaction.atomic():
        tally_model.objects.all().delete()
        snapshot_model.objects.all().delete()
        totals = Counter()
        published = article_model.objects.filter(status="published").order_by("pk")
        last = 0
        while True:
            ids = list(
                published.filter(pk__gt=last).values_list("pk", flat=True)[:5000]
            )
            if not ids:
                break
            found = _contributions(article_model, ids)
            snapshot_model.objects.bulk_create(
                [
                    snapshot_model(article_id=pk, keys=kept)
                    for pk, kept in found.items()
                ],
                batch_size=BATCH,
            )
            for kept in found.values():
                totals.update(_keys(*kept))
            counted += len(found)
            last = ids[-1]
        _insert(tally_model, totals)
    return counted


def fold() -> int:
    """Fold each key's +1/-1 rows into one row; return how many rows went.

    Only the rows this transaction read are folded (deleted by id), so a row
    a writer commits meanwhile is kept, not lost.
    """
    _, tally_model, _ = _models()
    with transaction.atomic():
        rows = tally_model.objects.select_for_update().values_list(
            "id", "key", "pair", "year", "n"
        )
        groups: dict[tuple[str, int], list] = {}
        for pk, key, pair, year, n in rows:
            joined = f"{key}|{pair}" if pair else key
            groups.setdefault((joined, year), []).append((pk, n))
        crowded = {k: v for k, v in groups.items() if len(v) > 1}
        gone = [pk for members in crowded.values() for pk, _ in members]
        for chunk in _batched(gone):
            tally_model.objects.filter(id__in=chunk).delete()
        sums = {k: sum(n for _, n in members) for k, members in crowded.items()}
        _insert(tally_model, sums)
    return len(gone) - sum(1 for n in sums.values() if n)


# --- Reading -----------------------------------------------------------------


def _sums(field: str = "key", **lookup) -> dict[str, int]:
    from archive.models import Tally

    rows = (
        Tally.objects.filter(**lookup)
        .values(field)
        .annotate(total=Sum("n"))
        .filter(total__gt=0)
        .values_list(field, "total")
    )
    return dict(rows)


def total() -> int:
    """How many articles are published."""
    return _sums(year=0, key="").get("", 0)


def value_totals(facet: str) -> dict[str, int]:
    """``{stored value: count}`` of ``facet`` over the published articles (none at 0)."""
    prefix = f"{facet}:"
    found = _sums(year=0, key__startswith=prefix)
    return {key.removeprefix(prefix): n for key, n in found.items()}


def years(key: str = "") -> dict[int, int]:
    """``{year: count}`` of published articles having ``key`` (every article for "")."""
    from archive.models import Tally

    rows = (
        Tally.objects.filter(key=key, year__gt=0)
        .values("year")
        .annotate(total=Sum("n"))
        .filter(total__gt=0)
        .values_list("year", "total")
    )
    return dict(rows)


def years_of(facet: str) -> list[tuple[str, int]]:
    """``(stored value, year)`` for every year in which a value of ``facet`` has articles."""
    from archive.models import Tally

    prefix = f"{facet}:"
    rows = (
        Tally.objects.filter(year__gt=0, key__startswith=prefix)
        .values("key", "year")
        .annotate(total=Sum("n"))
        .filter(total__gt=0)
        .values_list("key", "year")
    )
    return [(key.removeprefix(prefix), year) for key, year in rows]


def paired_totals(facet: str, value, other: str) -> dict[str, int]:
    """``{stored value of other: count}`` over the articles having ``facet`` = ``value``."""
    prefix = f"{other}:"
    found = _sums(
        "pair", year=PAIR_YEAR, key=f"{facet}:{value}", pair__startswith=prefix
    )
    return {pair.removeprefix(prefix): n for pair, n in found.items()}


def value_total(facet: str, value) -> int:
    return _sums(year=0, key=f"{facet}:{value}").get(f"{facet}:{value}", 0)
