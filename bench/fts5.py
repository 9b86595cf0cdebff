"""The embedded yardstick: the same corpus and queries in SQLite FTS5.

The FTS5 index lives in its own SQLite file. Each query runs as a search page
would: bm25 top 20 (title weighted 2, with a snippet), then the match counts
grouped by source and by year. Queries are translated term by term (every
word quoted, so nothing typed becomes FTS5 syntax by accident); facet filters
become SQL conditions with bound parameters.
"""

import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from archive.models import Article
from bench.queries import BenchQuery

TOKENIZER = "porter unicode61 remove_diacritics 2"
_TOKEN = re.compile(r'-?"[^"]*"(?:~\d+)?|\S+')
_ARTICLE_COLUMNS = ("pk", "title", "summary", "body_text", "source__slug",
                    "published", "language", "kind")  # fmt: skip
_OPERATORS = {"OR", "AND", "NOT"}


@dataclass(frozen=True)
class Fts5Build:
    articles: int
    seconds: float
    path: Path


def build_fts5(path: Path, *, chunk_size: int = 2000) -> Fts5Build:
    """(Re)build the FTS5 file at ``path`` from the published articles."""
    for stale in (path, path.with_name(path.name + "-journal")):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript(
        f"""
        PRAGMA journal_mode = OFF;
        PRAGMA synchronous = OFF;
        CREATE VIRTUAL TABLE fts USING fts5(title, summary, body_text,
                                            tokenize = '{TOKENIZER}');
        CREATE TABLE docs (id INTEGER PRIMARY KEY, source TEXT, year INTEGER,
                           published TEXT, lang TEXT, kind TEXT);
        CREATE TABLE doc_tags (article_id INTEGER, tag TEXT);
        CREATE TABLE doc_authors (article_id INTEGER, author TEXT);
        """
    )
    count = 0
    with db:
        for rows in _article_chunks(chunk_size):
            db.executemany(
                "INSERT INTO fts (rowid, title, summary, body_text) VALUES (?, ?, ?, ?)",
                [row[:4] for row in rows],
            )
            db.executemany(
                "INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?)",
                [(r[0], r[4], r[5].year, r[5].isoformat(), r[6], r[7]) for r in rows],
            )
            count += len(rows)
        published = Article.objects.published()
        db.executemany(
            "INSERT INTO doc_tags VALUES (?, ?)",
            Article.tags.through.objects.filter(article__in=published)
            .values_list("article_id", "tag__slug")
            .iterator(chunk_size=10_000),
        )
        db.executemany(
            "INSERT INTO doc_authors VALUES (?, ?)",
            Article.authors.through.objects.filter(article__in=published)
            .values_list("article_id", "author__slug")
            .iterator(chunk_size=10_000),
        )
        db.executescript(
            """
            CREATE INDEX doc_tags_tag ON doc_tags (tag, article_id);
            CREATE INDEX doc_authors_author ON doc_authors (author, article_id);
            INSERT INTO fts (fts) VALUES ('optimize');
            """
        )
    db.close()
    return Fts5Build(articles=count, seconds=time.perf_counter() - started, path=path)


def _article_chunks(chunk_size: int) -> Iterator[list[tuple]]:
    rows = (
        Article.objects.published()
        .order_by("pk")
        .values_list(*_ARTICLE_COLUMNS)
        .iterator(chunk_size=chunk_size)
    )
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _term(token: str) -> str:
    """Translate one typed token (word, prefix, phrase, ``title:`` word)."""
    column = ""
    if token.startswith("title:") and len(token) > len("title:"):
        column, token = "title : ", token[len("title:") :]
    if token.startswith('"'):
        phrase, _, slop = token.strip('"').partition('"~')
        if not slop:
            phrase = token.strip('"')
            return column + _quoted(phrase)
        words = " ".join(_quoted(w) for w in phrase.split())
        return f"{column}NEAR({words}, {int(slop)})"
    if token.endswith("*") and token.strip("*"):
        return f"{column}{_quoted(token.strip('*'))} *"
    return column + _quoted(token.replace("*", ""))


def fts5_match(q: str) -> str | None:
    """Return the FTS5 MATCH expression for analyst query ``q`` (None: nothing to match).

    Words are ANDed, ``OR`` joins its neighbours, ``-word`` and ``NOT word``
    exclude, ``"a b"`` is a phrase, ``"a b"~N`` a NEAR group, ``word*`` a prefix.
    """
    clauses: list[list[str]] = []
    excluded: list[str] = []
    negate = join_next = False
    for part in _TOKEN.findall(q):
        if part in _OPERATORS:
            join_next, negate = (part == "OR"), (part == "NOT")
            continue
        if part.startswith("-") and len(part) > 1:
            negate, part = True, part[1:]
        term = _term(part) if part.strip('"*-~') else None
        if term is None:
            negate = join_next = False
            continue
        if negate:
            excluded.append(term)
        elif join_next and clauses:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        negate = join_next = False
    if not clauses:
        return None
    expression = " AND ".join(
        f"({' OR '.join(alternatives)})" if len(alternatives) > 1 else alternatives[0]
        for alternatives in clauses
    )
    for term in excluded:
        expression = f"({expression}) NOT {term}"
    return expression


_FACET_CONDITIONS = {
    "source": "d.source {op} ({marks})",
    "lang": "d.lang {op} ({marks})",
    "kind": "d.kind {op} ({marks})",
    "year": "d.year {op} ({marks})",
    "tag": "d.id {op} (SELECT article_id FROM doc_tags WHERE tag IN ({marks}))",
    "author": "d.id {op} (SELECT article_id FROM doc_authors WHERE author IN ({marks}))",
}


def _filters(query: BenchQuery) -> tuple[str, list]:
    conditions, values = [], []
    for pairs, op in ((query.selected, "IN"), (query.excluded, "NOT IN")):
        by_facet: dict[str, list[str]] = {}
        for facet, value in pairs:
            by_facet.setdefault(facet, []).append(value)
        for facet, chosen in sorted(by_facet.items()):
            marks = ", ".join("?" * len(chosen))
            conditions.append(_FACET_CONDITIONS[facet].format(op=op, marks=marks))
            values += [int(v) for v in chosen] if facet == "year" else chosen
    if query.date_from:
        conditions.append("d.published >= ?")
        values.append(query.date_from.isoformat())
    if query.date_to:
        conditions.append("d.published <= ?")
        values.append(query.date_to.isoformat())
    return "".join(f" AND {c}" for c in conditions), values


class Fts5Searcher:
    """Runs benchmark queries against the FTS5 file; one connection, reused."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        # Whoosh reads its index through mmap; give SQLite the same chance.
        self.db.execute("PRAGMA mmap_size = 1073741824")
        self.db.execute("PRAGMA cache_size = -65536")

    def search(self, query: BenchQuery) -> int:
        """Run one query (top 20, source and year counts); return the match count."""
        match = fts5_match(query.q)
        if match is None:
            return 0
        where, values = _filters(query)
        base = f"FROM fts JOIN docs d ON d.id = fts.rowid WHERE fts MATCH ?{where}"
        order = (
            "d.published DESC, d.id DESC"
            if query.sort == "newest"
            else "bm25(fts, 2.0, 1.0, 1.0)"
        )
        params = [match, *values]
        self.db.execute(
            f"SELECT d.id, bm25(fts, 2.0, 1.0, 1.0), "
            f"snippet(fts, -1, '<mark>', '</mark>', '…', 24) {base} "
            f"ORDER BY {order} LIMIT 20",
            params,
        ).fetchall()
        by_source = self.db.execute(
            f"SELECT d.source, count(*) {base} GROUP BY d.source",
            params,
        ).fetchall()
        self.db.execute(
            f"SELECT d.year, count(*) {base} GROUP BY d.year",
            params,
        ).fetchall()
        return sum(n for _, n in by_source)

    def close(self) -> None:
        self.db.close()
