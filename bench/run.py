"""``make bench``: build the corpus, rebuild the index, time search() and FTS5.

Usage: python -m bench.run [--count N] [--seed S] [--out-dir DIR]

Without DATABASE_URL / SEARCH_INDEX_DIR in the environment it uses its own
files under the output directory, so it never touches the archive's data.
Prints the report and writes it to ``<out-dir>/report-N.txt``.
"""

import argparse
import json
import os
import secrets
import string
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import django

BASE_DIR = Path(__file__).resolve().parent.parent
SAVE_SAMPLES = 5
SAVE_TIMEOUT = 10.0  # seconds to wait for a saved word to become searchable


@dataclass
class Results:
    """Everything measured, handed to ``bench.report.render``."""

    count: int
    seed: int
    corpus: dict
    rebuild: dict
    timings: list
    # The same queries' first run in the process, before the timed run.
    first_timings: list
    hostile: list
    # Milliseconds of more_like_this() (an article page's related reading).
    related_ms: list
    shape: dict
    save_seconds: list
    memory: dict
    serving: dict
    fts5_build: object
    fts5_timings: list
    # The search page over HTTP (bench.http), and its stages in-process.
    http: dict
    stages: dict
    # 1-minute load average at the start and the end: the machine may be shared.
    load: tuple[float, float]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out-dir", type=Path, default=BASE_DIR / "var" / "bench")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="Rebuild (and time) the index even when an earlier run's still fits.",
    )
    return parser.parse_args(argv)


def configure(args: argparse.Namespace) -> None:
    """Point Django at the benchmark's own database and index, then set it up."""
    args.out_dir.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault(
        "DATABASE_URL", f"sqlite:///{args.out_dir / f'bench-{args.count}.sqlite3'}"
    )
    os.environ.setdefault(
        "SEARCH_INDEX_DIR", str(args.out_dir / f"whoosh-{args.count}")
    )
    django.setup()
    from django.conf import settings

    if settings.DEBUG:
        # With DEBUG on, Django keeps every SQL query in memory.
        raise SystemExit("Run the benchmark with DEBUG off (config.settings.test).")
    from bench.measure import disable_result_cache

    disable_result_cache()
    # Load the whole engine now, so that one run measures one version of its
    # code even if the files change on disk while it runs.
    import search.indexing
    import search.service  # noqa: F401


def step(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def refuse_real_data() -> None:
    """Stop before the benchmark writes into the archive's own database or index."""
    from django.conf import settings
    from django.db import connection

    from archive.models import Article
    from archive.synthetic.registries import SYNTHETIC_URL_PREFIX
    from search import conf

    if conf.index_dir().resolve() == settings.DEFAULT_SEARCH_INDEX_DIR.resolve():
        raise SystemExit(
            "SEARCH_INDEX_DIR is the archive's own index; the benchmark rebuilds "
            "its index, so give it one of its own (make bench does)."
        )
    if Article._meta.db_table in connection.introspection.table_names():
        real = Article.objects.exclude(url_key__startswith=SYNTHETIC_URL_PREFIX)
        if real.exists():
            raise SystemExit(
                f"The database holds articles that are not synthetic ({real.count():,}); "
                "the benchmark needs a database of its own (make bench uses "
                "var/bench/bench-N.sqlite3)."
            )


def prepare_corpus(count: int, seed: int) -> dict:
    """Reuse the database when it holds exactly this corpus; else (re)generate it."""
    from django.core.management import CommandError, call_command

    from archive.models import Article
    from archive.synthetic.corpus import corpus_url_prefix

    call_command("migrate", verbosity=0)
    this_corpus = Article.objects.filter(url_key__startswith=corpus_url_prefix(seed))
    written, everything = this_corpus.count(), Article.objects.count()
    if everything == count and written == count:
        step(f"reusing the corpus of {count:,} articles (seed {seed})")
        return {"reused": True, "seconds": 0.0}
    # An interrupted run's articles are kept when they are the start of
    # this corpus (generate_corpus checks); otherwise it starts again.
    resume = 0 < written == everything < count
    step(
        f"generating {count - written:,} more synthetic articles (seed {seed})"
        if resume
        else f"generating {count:,} synthetic articles (seed {seed})"
    )
    started = time.perf_counter()
    try:
        call_command(
            "generate_corpus", count=count, seed=seed, resume=resume, clear=not resume
        )
    except CommandError:
        if not resume:
            raise
        call_command("generate_corpus", count=count, seed=seed, clear=True)
    return {
        "reused": False,
        "seconds": time.perf_counter() - started,
        "articles": count - written if resume else count,
    }


def rebuild(out_dir: Path, count: int, *, reuse: bool) -> dict:
    """Rebuild the index (timed), or reuse the one an earlier run built of this corpus.

    The index is reused when ``reuse`` (the corpus was), it was built for
    this code's schema version and holds every article; the report then
    shows the rebuild that run measured.
    """
    from bench.measure import directory_mb
    from search import conf
    from search.backend import get_backend
    from search.indexing import apply_pending_log, rebuild_index

    measured = out_dir / f"rebuild-{count}.json"
    backend = get_backend()
    current = backend.current()
    if (
        reuse
        and current is not None
        and measured.exists()
        and backend.document_count(current) == count
    ):
        apply_pending_log()
        earlier = json.loads(measured.read_text())
        if earlier.get("path") == str(current):
            step(f"reusing the index of {count:,} articles built on {earlier['when']}")
            return {**earlier, "reused": True}
    step("rebuilding the search index (timed)")
    load = os.getloadavg()[0]
    started = time.perf_counter()
    report = rebuild_index(chunk_size=1000)
    seconds = time.perf_counter() - started
    figures = {
        "documents": report.documents,
        "seconds": seconds,
        "size_mb": directory_mb(Path(report.path)),
        "procs": conf.get("SEARCH_REBUILD_PROCS"),
        "load": (load, os.getloadavg()[0]),
        "path": str(report.path),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    measured.write_text(json.dumps(figures))
    return {**figures, "reused": False}


def whoosh_runner():
    from search.service import NOTICE_FAILED, NOTICE_NO_INDEX, NOTICE_OUTDATED, search

    errors = {NOTICE_FAILED, NOTICE_NO_INDEX, NOTICE_OUTDATED}

    def run(query):
        page = search(query.params())
        return page.total, page.partial, not errors.isdisjoint(page.notices)

    return run


def open_searcher() -> None:
    """Open the index and load its facet columns, as a serving process's first search does."""
    from search.backend import get_backend

    get_backend().warm()


def page_shape() -> dict:
    """Check what one broad search returns: facets and highlighted snippets."""
    from archive.listing.types import SearchParams
    from search.service import search

    page = search(SearchParams(q="radio"))
    return {
        "facets": [facet.name for facet in page.facets],
        "hits": len(page.hits),
        "marked": sum("<mark>" in hit.snippet for hit in page.hits),
    }


def time_hostile() -> list:
    """Time each hostile query twice after one untimed run; keep the slower."""
    from bench.measure import Timing, time_queries
    from bench.queries import hostile_queries

    queries = hostile_queries()
    run = whoosh_runner()
    first = time_queries(run, queries, warm_up=True)
    second = time_queries(run, queries, warm_up=False)
    return [
        Timing(
            a.query,
            max(a.ms, b.ms),
            a.total,
            a.partial or b.partial,
            a.failed or b.failed,
        )
        for a, b in zip(first, second, strict=True)
    ]


RELATED_SAMPLES = 50


def time_related() -> list[float]:
    """Time related reading for articles spread over the corpus, each once."""
    from archive.models import Article
    from search.service import more_like_this

    pks = list(Article.objects.published().order_by("pk").values_list("pk", flat=True))
    sample = pks[:: max(len(pks) // RELATED_SAMPLES, 1)][:RELATED_SAMPLES]
    timings = []
    for article in Article.objects.filter(pk__in=sample).order_by("pk"):
        started = time.perf_counter()
        more_like_this(article, 5)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def save_to_searchable() -> list[float | None]:
    """Seconds from an article save until search() finds its new word."""
    from django.db import transaction

    from archive import services
    from archive.listing.types import SearchParams
    from archive.models import Article
    from search.service import search

    article = Article.objects.published().order_by("pk").first()
    original = article.body
    results = []
    try:
        for _ in range(SAVE_SAMPLES):
            word = "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))
            started = time.perf_counter()
            with transaction.atomic():
                services.article_update(
                    article=article, body=f"{original}<p>Probe {word}.</p>"
                )
            found = None
            while time.perf_counter() - started < SAVE_TIMEOUT:
                if search(SearchParams(q=word)).total:
                    found = time.perf_counter() - started
                    break
                time.sleep(0.005)
            results.append(found)
    finally:
        services.article_update(article=article, body=original)
    return results


def fresh_process_memory() -> dict:
    """Run ``bench.serving`` in a new interpreter; return what it reports."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.serving"],
        cwd=BASE_DIR,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def fts5(out_dir: Path, count: int, queries: list, *, reuse: bool) -> tuple:
    from bench.fts5 import Fts5Build, Fts5Searcher, build_fts5
    from bench.measure import time_queries

    path = out_dir / f"fts5-{count}.sqlite3"
    measured = path.with_suffix(".json")
    if reuse and path.exists() and measured.exists():
        step("reusing the FTS5 yardstick of this corpus")
        build = Fts5Build(path=path, **json.loads(measured.read_text()))
    else:
        step("building the FTS5 yardstick")
        build = build_fts5(path)
        measured.write_text(
            json.dumps({"articles": build.articles, "seconds": build.seconds})
        )
    searcher = Fts5Searcher(build.path)
    step("timing the same queries in FTS5")
    try:
        timings = time_queries(lambda q: (searcher.search(q), False, False), queries)
    finally:
        searcher.close()
    return build, timings


def search_page(fts5_path: Path, queries: list) -> tuple[dict, dict]:
    """Time the search page through gunicorn (beside Datasette) and split it in stages."""
    from bench.http import measure_http, stage_times

    # The server reads the benchmark's settings: no reuse of earlier results.
    env = os.environ.get("DJANGO_SETTINGS_MODULE")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    try:
        http = measure_http(queries, fts5_path)
    finally:
        os.environ["DJANGO_SETTINGS_MODULE"] = env or "config.settings.test"
    return http, stage_times(queries)


def other_sizes(out_dir: Path, count: int) -> dict[int, dict]:
    """The figures earlier runs at other sizes left in ``out_dir``, by size."""
    found = {}
    for path in out_dir.glob("figures-*.json"):
        size = int(path.stem.split("-", 1)[1])
        if size != count:
            found[size] = json.loads(path.read_text())
    return found


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    load_at_start = os.getloadavg()[0]
    configure(args)
    refuse_real_data()
    from bench.measure import memory_mb, time_queries
    from bench.queries import analyst_queries
    from bench.report import figures, render

    corpus = prepare_corpus(args.count, args.seed)
    rebuilt = rebuild(
        args.out_dir, args.count, reuse=corpus["reused"] and not args.rebuild
    )
    queries = analyst_queries()
    step(f"timing {len(queries)} analyst queries in search() (first run, then warm)")
    open_searcher()
    first_timings = time_queries(whoosh_runner(), queries, warm_up=False)
    timings = time_queries(whoosh_runner(), queries, warm_up=False)
    shape = page_shape()
    step("timing hostile queries")
    hostile = time_hostile()
    step("timing related reading")
    related_ms = time_related()
    memory = memory_mb()
    step("timing save-to-searchable")
    save_seconds = save_to_searchable()
    step("measuring a fresh serving process")
    serving = fresh_process_memory()
    fts5_build, fts5_timings = fts5(
        args.out_dir, args.count, queries, reuse=corpus["reused"] and not args.rebuild
    )
    step("timing the search page over HTTP (gunicorn, one worker) and its stages")
    http, stages = search_page(fts5_build.path, queries)
    results = Results(
        count=args.count,
        seed=args.seed,
        corpus=corpus,
        rebuild=rebuilt,
        timings=timings,
        first_timings=first_timings,
        hostile=hostile,
        related_ms=related_ms,
        shape=shape,
        save_seconds=save_seconds,
        memory=memory,
        serving=serving,
        fts5_build=fts5_build,
        fts5_timings=fts5_timings,
        http=http,
        stages=stages,
        load=(load_at_start, os.getloadavg()[0]),
    )
    (args.out_dir / f"figures-{args.count}.json").write_text(
        json.dumps(figures(results))
    )
    text = render(results, others=other_sizes(args.out_dir, args.count))
    report_path = args.out_dir / f"report-{args.count}.txt"
    report_path.write_text(text)
    print(text)
    print(f"(also written to {report_path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
