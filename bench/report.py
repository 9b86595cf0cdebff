"""The benchmark's plain-text report: measurements beside the targets they serve."""

import datetime
import os
import platform
import sqlite3
from importlib import metadata

from bench.measure import Timing, by_category, median_total, percentile, summarize

# The targets for the search engine.
MEDIAN_MS = 40
P95_MS = 400
WORST_MS = 2000
REBUILD_RATE = 1000
SAVE_SECONDS = 1.0
# Memory of one gunicorn worker (RSS), with what workers share shared.
SERVING_MB = 500

PASS, FAIL = "✓", "✗"


def _mark(ok: bool) -> str:
    return PASS if ok else FAIL


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _ratio(whoosh: float, fts5: float) -> str:
    return f"{whoosh / fts5:,.1f}x" if fts5 > 0 else "-"


def render(results, others: dict[int, dict] | None = None) -> str:
    """Return the whole report as text.

    ``others`` holds ``figures()`` of runs at other sizes (by size): the
    report then sets them beside this run's, with how each figure grew.
    """
    sections = [
        _header(results),
        *([_growth(results, others)] if others else []),
        _indexing(results),
        _latency(results),
        _targets(results),
        _hostile(results.hostile),
        _related(results.related_ms),
        _memory(results),
        _fts5(results),
        _http(results),
        _slowest(results.timings),
    ]
    return "\n\n".join(sections) + "\n"


def _header(results) -> str:
    corpus = results.corpus
    made = (
        "reused from an earlier run"
        if corpus["reused"]
        else f"{corpus.get('articles', results.count):,} articles generated in "
        f"{corpus['seconds']:.0f} s "
        f"({corpus.get('articles', results.count) / corpus['seconds']:,.0f} articles/s)"
    )
    versions = ", ".join(
        [
            f"Python {platform.python_version()}",
            f"SQLite {sqlite3.sqlite_version}",
            f"Whoosh-Reloaded {metadata.version('Whoosh-Reloaded')}",
            f"{os.cpu_count()} CPUs",
        ]
    )
    start, end = results.load
    busy = (
        " (other work shared the CPUs: timings are pessimistic)"
        if max(start, end) > (os.cpu_count() or 1)
        else ""
    )
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join(
        [
            f"SEARCH BENCHMARK: {results.count:,} synthetic articles (seed {results.seed}), {now}",
            versions,
            f"Load average: {start:.1f} at the start, {end:.1f} at the end{busy}.",
            f"Corpus: {made}.",
        ]
    )


def _indexing(results) -> str:
    rebuild = results.rebuild
    rate = rebuild["documents"] / rebuild["seconds"]
    reused = (
        f" (measured {rebuild['when']}; its index reused by this run)"
        if rebuild.get("reused")
        else ""
    )
    return "\n".join(
        [
            "INDEXING",
            f"  full rebuild (rebuild_index, {rebuild['procs']} processes): "
            f"{rebuild['documents']:,} articles in {rebuild['seconds']:.1f} s "
            f"= {rate:,.0f} articles/s{reused}",
            f"  index size on disk: {rebuild['size_mb']:,.1f} MB",
            f"  FTS5 build of the same articles: {results.fts5_build.seconds:.1f} s "
            f"= {results.fts5_build.articles / results.fts5_build.seconds:,.0f} articles/s, "
            f"{results.fts5_build.path.stat().st_size / 2**20:,.1f} MB",
        ]
    )


def _latency(results) -> str:
    fts5 = by_category(results.fts5_timings)
    shape = results.shape
    lines = [
        f"LATENCY (ms): search() with {len(shape['facets'])} facets "
        f"({', '.join(shape['facets'])}) and highlighted snippets "
        f"({shape['marked']} of {shape['hits']} hits on a sample page carry <mark>);",
        "  warm: every query run once, then once more timed. FTS5: bm25 top 20 "
        "with snippet() + GROUP BY source + GROUP BY year.",
        f"  {'category':<14} {'n':>4} {'median':>8} {'p95':>8} {'worst':>8} "
        f"{'hits':>7} | {'FTS5 med':>8} {'p95':>7} {'hits':>7} | {'ratio':>6}",
    ]
    for name, group in [
        *by_category(results.timings).items(),
        ("ALL", results.timings),
    ]:
        mine = summarize(group)
        theirs = fts5.get(name, results.fts5_timings if name == "ALL" else [])
        other = summarize(theirs)
        lines.append(
            f"  {name:<14} {mine.n:>4} {_ms(mine.median):>8} {_ms(mine.p95):>8} "
            f"{_ms(mine.worst):>8} {median_total(group):>7,.0f} | "
            f"{_ms(other.median):>8} {_ms(other.p95):>7} {median_total(theirs):>7,.0f} | "
            f"{_ratio(mine.median, other.median):>6}"
        )
    overall, yardstick = summarize(results.timings), summarize(results.fts5_timings)
    first = summarize(results.first_timings)
    partial = sum(t.partial for t in results.timings)
    failed = sum(t.failed for t in results.timings)
    lines += [
        f"  overall search(): median {_ms(overall.median)}, p95 {_ms(overall.p95)}, "
        f"p99 {_ms(overall.p99)}, worst {_ms(overall.worst)}"
        + (f"; {partial} cut short by the time budget" if partial else "")
        + (f"; {failed} FAILED (search() reported an error)" if failed else ""),
        f"  the same queries' first run in the process (its caches cold, index open): "
        f"median {_ms(first.median)}, p95 {_ms(first.p95)}, p99 {_ms(first.p99)}, "
        f"worst {_ms(first.worst)}",
        f"  overall FTS5:     median {_ms(yardstick.median)}, p95 {_ms(yardstick.p95)}, "
        f"p99 {_ms(yardstick.p99)}, worst {_ms(yardstick.worst)}",
        f"  ratio search()/FTS5: median {_ratio(overall.median, yardstick.median)}, "
        f"p95 {_ratio(overall.p95, yardstick.p95)}, p99 {_ratio(overall.p99, yardstick.p99)}",
    ]
    return "\n".join(lines)


def _save_summary(samples: list) -> tuple[bool, str]:
    found = [s for s in samples if s is not None]
    if len(found) < len(samples):
        missing = len(samples) - len(found)
        return False, f"{missing} of {len(samples)} saves never became searchable"
    return max(found) < 1.0, (
        f"worst {max(found):.2f} s, median {percentile(found, 50):.2f} s "
        f"over {len(found)} saves"
    )


def _target(ok: bool, text: str, *, valid: bool = True) -> str:
    if not valid:
        return f"  {FAIL} {text}  [not valid: searches failed, see below]"
    return f"  {_mark(ok)} {text}"


def _serving_target(serving: dict) -> str:
    workers = serving.get("gunicorn", {}).get("per_worker")
    if not workers:
        error = serving.get("gunicorn", {}).get("error") or serving.get("error")
        return _target(False, f"RSS per web worker: not measured ({error})")
    rss = max(w["rss"] for w in workers)
    pss = max(w["pss"] for w in workers)
    private = max(w.get("uss", 0.0) for w in workers)
    return _target(
        rss <= SERVING_MB,
        f"RSS per web worker ≤ {SERVING_MB} MB: {rss:,.0f} MB "
        f"({pss:,.0f} MB of it its share, PSS; {private:,.0f} MB its own, private; "
        f"{len(workers)} gunicorn workers after the analyst queries)",
        valid=not serving.get("failed"),
    )


def _first_search_target(serving: dict) -> str:
    first = serving.get("gunicorn", {}).get("first")
    if not first:
        return _target(False, "first search after a start: not measured")
    worst = max(f["ms"] for f in first)
    empty = [f for f in first if f["partial"] or not f["total"] or f["status"] != 200]
    return _target(
        not empty and worst <= P95_MS,
        f"first searches over HTTP after a start (workers warm the index first): "
        f"worst {worst:,.0f} ms"
        + (f", {len(empty)} cut short or empty" if empty else ", none cut short"),
    )


def _targets(results) -> str:
    valid = not any(t.failed for t in [*results.timings, *results.hostile])
    overall = summarize(results.timings)
    hostile = max(results.hostile, key=lambda t: t.ms)
    slowest = max([*results.timings, *results.hostile], key=lambda t: t.ms)
    rate = results.rebuild["documents"] / results.rebuild["seconds"]
    save_ok, save_text = _save_summary(results.save_seconds)
    return "\n".join(
        [
            "TARGETS",
            _target(
                overall.median <= MEDIAN_MS,
                f"search() median ≤ {MEDIAN_MS} ms: {_ms(overall.median)} ms",
                valid=valid,
            ),
            _target(
                overall.p95 <= P95_MS,
                f"search() p95 ≤ {P95_MS} ms: {_ms(overall.p95)} ms",
                valid=valid,
            ),
            _target(
                slowest.ms <= WORST_MS,
                f"no query over {WORST_MS / 1000:.0f} s: worst hostile "
                f"{_ms(hostile.ms)} ms ({_quote(hostile)}), worst overall "
                f"{_ms(slowest.ms)} ms ({_quote(slowest)})",
                valid=valid,
            ),
            _target(
                rate >= REBUILD_RATE,
                f"full rebuild ≥ {REBUILD_RATE} articles/s: {rate:,.0f} articles/s",
            ),
            _target(
                save_ok,
                f"admin save searchable in < {SAVE_SECONDS:.0f} s: {save_text}",
                valid=valid,
            ),
            _serving_target(results.serving),
            _first_search_target(results.serving),
            _errors_line(results),
        ]
    )


def _errors_line(results) -> str:
    failed = [t for t in [*results.timings, *results.hostile] if t.failed]
    if not failed:
        return f"  {PASS} every query answered without an error"
    return (
        f"  {FAIL} {len(failed)} queries answered with an error notice "
        f"(e.g. {_quote(failed[0])}): their timings mean nothing"
    )


def _quote(timing: Timing) -> str:
    query = timing.query
    q = query.q
    if len(q) > 40:
        words = [w for w in q.split() if w not in ("OR", "AND", "NOT")]
        q = f"{q[:28]}… ({len(words)} words)"
    filters = query.describe()[len(query.q) :]
    return repr(q) + filters


def _hostile(hostile: list[Timing]) -> str:
    lines = ["HOSTILE QUERIES (slower of two warm runs, ms; slowest first)"]
    for timing in sorted(hostile, key=lambda t: -t.ms):
        cut = "  [cut short by the time budget]" if timing.partial else ""
        cut += "  [FAILED]" if timing.failed else ""
        lines.append(
            f"  {_ms(timing.ms):>8}  {timing.total:>7,} hits  {_quote(timing)}{cut}"
        )
    return "\n".join(lines)


def _related(related_ms: list[float]) -> str:
    ms = sorted(related_ms)
    return (
        f"RELATED READING: more_like_this(article, 5) for {len(ms)} articles, "
        f"each once: median {_ms(percentile(ms, 50))}, p95 {_ms(percentile(ms, 95))}, "
        f"worst {_ms(max(ms, default=float('nan')))} ms"
    )


def _memory(results) -> str:
    mine = results.memory
    lines = [
        "MEMORY (MB)",
        f"  this benchmark process after searching: RSS {mine['rss']:,.0f} "
        f"(private {mine.get('private', 0):,.0f}, mapped files {mine.get('files', 0):,.0f}), "
        f"peak {mine['peak']:,.0f} (includes corpus generation and the rebuild)",
    ]
    serving = results.serving
    if "after" in serving:
        opened, after = serving["opened"], serving["after"]
        lines += [
            f"  fresh serving process: RSS {serving['before']['rss']:,.0f} after Django setup, "
            f"{opened['rss']:,.0f} after the first search "
            f"({serving['first_search_ms']:,.0f} ms, opens the index),",
            f"    {after['rss']:,.0f} after {serving['queries']} queries "
            f"(private {after.get('private', 0):,.0f}, mapped files {after.get('files', 0):,.0f}), "
            f"peak {after['peak']:,.0f}",
        ]
    else:
        lines.append(f"  fresh serving process failed: {serving.get('error')}")
    lines += _gunicorn_lines(serving.get("gunicorn") or {})
    return "\n".join(lines)


def _gunicorn_lines(served: dict) -> list[str]:
    if "per_worker" not in served:
        return [f"  gunicorn: not measured ({served.get('error')})"]
    arbiter = served["arbiter"]
    lines = [
        f"  gunicorn, the project's settings, {served['workers']} workers: answering "
        f"{served['ready_seconds']:.1f} s after the start (the arbiter warms the index "
        "before forking, each worker before its first request)",
        f"    arbiter RSS {arbiter['rss']:,.0f}; per worker after the analyst queries "
        "over HTTP: "
        + ", ".join(
            f"RSS {w['rss']:,.0f} (PSS {w['pss']:,.0f}, private {w['uss']:,.0f}, "
            f"shared {w['shared']:,.0f})"
            for w in served["per_worker"]
        ),
        "    first searches over HTTP: "
        + ", ".join(
            f"{f['ms']:,.0f} ms ({f['total']:,} results"
            + (", cut short" if f["partial"] else "")
            + ")"
            for f in served["first"]
        )
        + f"; then the analyst queries once: JSON p50 {_ms(served['json_p50'])}, "
        f"p95 {_ms(served['json_p95'])} ms",
    ]
    return lines


def figures(results) -> dict:
    """The headline figures of a run, kept beside its report to compare sizes."""
    overall, first = summarize(results.timings), summarize(results.first_timings)
    related = sorted(results.related_ms)
    saves = [s for s in results.save_seconds if s is not None]
    served = results.serving.get("gunicorn") or {}
    workers = served.get("per_worker") or []
    http_json = (results.http or {}).get("json", {}).get("all", {})
    return {
        "articles": results.count,
        "search() p50 ms": overall.median,
        "search() p95 ms": overall.p95,
        "search() worst ms": overall.worst,
        "search() first run p50 ms": first.median,
        "queries cut short": sum(t.partial for t in results.timings),
        **{
            f"  {name} p50 ms": summarize(group).median
            for name, group in by_category(results.timings).items()
        },
        "more_like_this p50 ms": percentile(related, 50),
        "more_like_this p95 ms": percentile(related, 95),
        "search JSON over HTTP p50 ms": http_json.get("p50"),
        "search JSON over HTTP p95 ms": http_json.get("p95"),
        "first search over HTTP ms": max(
            (f["ms"] for f in served.get("first", [])), default=None
        ),
        "RSS per web worker MB": max((w["rss"] for w in workers), default=None),
        "PSS per web worker MB": max((w["pss"] for w in workers), default=None),
        "private per web worker MB": max(
            (w.get("uss", 0.0) for w in workers), default=None
        ),
        "rebuild articles/s": results.rebuild["documents"] / results.rebuild["seconds"],
        "rebuild minutes": results.rebuild["seconds"] / 60,
        "index on disk MB": results.rebuild["size_mb"],
        "save to searchable worst s": max(saves, default=None),
    }


def _growth(results, others: dict[int, dict]) -> str:
    runs = {**others, results.count: figures(results)}
    sizes = sorted(runs)
    smallest, largest = sizes[0], sizes[-1]
    head = f"  {'figure':<34}" + "".join(f"{size:>12,}" for size in sizes)
    lines = [
        f"GROWTH: the runs in this folder side by side; ratio = {largest:,} / "
        f"{smallest:,} ({largest / smallest:,.0f}x the articles)",
        head + f"{'ratio':>9}",
    ]
    names = [name for name in runs[results.count] if name != "articles"]
    for name in names:
        values = [runs[size].get(name) for size in sizes]
        cells = "".join(f"{'-':>12}" if v is None else f"{v:>12,.1f}" for v in values)
        first, last = values[0], values[-1]
        ratio = f"{last / first:>8.1f}x" if first and last is not None else f"{'-':>9}"
        lines.append(f"  {name:<34}{cells}{ratio}")
    return "\n".join(lines)


def _fts5(results) -> str:
    build = results.fts5_build
    return "\n".join(
        [
            "FTS5 YARDSTICK",
            f"  {build.path.name}: tokenizer 'porter unicode61 remove_diacritics 2', "
            "title/summary/body_text; filters as SQL on source, year, tag, language, kind.",
            "  Differences to keep in mind: FTS5 has no Hangul splitting (김정은 does not "
            "match 김정은은), no romanization variants, no tag/author/language/kind facet counts.",
        ]
    )


def _http(results) -> str:
    from bench.http import render as render_http

    fts5 = summarize(results.fts5_timings).median
    return render_http(results.http, results.stages, fts5)


def _slowest(timings: list[Timing], count: int = 10) -> str:
    lines = [f"SLOWEST {count} ANALYST QUERIES IN search() (ms)"]
    for timing in sorted(timings, key=lambda t: -t.ms)[:count]:
        lines.append(
            f"  {_ms(timing.ms):>8}  {timing.total:>7,} hits  "
            f"[{timing.query.category}] {_quote(timing)}"
        )
    return "\n".join(lines)
