"""``make bench``: an archive exported and imported into an empty one, timed.

Usage: python -m bench.roundtrip [--count N] [--seed S] [--out-dir DIR]

Exports the benchmark corpus (``var/bench/bench-N.sqlite3``, generated when
missing) with ``export_articles`` as JSON Lines, then imports that file into
an empty database with an empty index, as ``import_articles`` does: the
records in batches (``run_import``) while worker processes index the new
articles alongside (``IndexAlongside``), then the index adopting their segments
and catching up on the rest of the log (``sync_search_index``). Then imports the same file again with
``update`` (every record matches, none changes). Prints the rate of each part
and of the whole (records and index, wall and CPU time, the index's worker
processes included) against the target, the peak memory of the importing
process, and checks that the new archive holds every article, counts them
right and finds them all in search. Export and import each run in a process
of their own, on their own database.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RATE_TARGET = 500  # articles a second, imported and searchable


def step(message: str) -> None:
    print(f"[bench roundtrip] {message}", flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.roundtrip", description=__doc__
    )
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out-dir", type=Path, default=BASE_DIR / "var" / "bench")
    parser.add_argument("--phase", choices=["export", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _cpu() -> float:
    """CPU seconds of this process and of its children that ended (index workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    django.setup()
    from django.conf import settings

    if settings.DEBUG:
        raise SystemExit("Run the benchmark with DEBUG off (config.settings.test).")


def export_phase(args: argparse.Namespace) -> dict:
    """In the corpus's process: make sure the corpus is there, then export it."""
    _setup()
    from django.core.management import call_command

    from bench.run import prepare_corpus, refuse_real_data

    refuse_real_data()
    prepare_corpus(args.count, args.seed)
    started = time.perf_counter()
    call_command("export_articles", str(args.file))
    seconds = time.perf_counter() - started
    published = 0
    with args.file.open(encoding="utf-8") as records:
        lines = 0
        for line in records:
            lines += 1
            published += json.loads(line)["status"] == "published"
    return {"seconds": seconds, "records": lines, "published": published}


def import_phase(args: argparse.Namespace) -> dict:
    """In a process on an empty database: import the file and let the index catch up."""
    _setup()
    from io import StringIO

    from django.core.management import call_command

    from archive import tally
    from archive.importers import Action, ImportOptions, run_import
    from archive.management.commands.import_articles import expand_paths
    from archive.models import Article
    from search.drift import find_drift
    from search.indexing import IndexAlongside

    call_command("migrate", verbosity=0)
    call_command("sync_search_index", stdout=StringIO())  # an empty index
    started, cpu_started = time.perf_counter(), _cpu()
    with IndexAlongside() as alongside:
        report = run_import(
            expand_paths([str(args.file)]),
            ImportOptions(defer_index=True),
            on_outcomes=lambda outcomes: None,
            on_created=alongside.created,
        )
        imported, cpu_imported = time.perf_counter(), _cpu()
        import_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        alongside.finish()
    call_command("sync_search_index", stdout=StringIO())
    indexed, cpu_indexed = time.perf_counter(), _cpu()
    drift = find_drift()
    # The same file again with update, as a curator restoring an export does.
    update_started, update_cpu_started = time.perf_counter(), _cpu()
    again = run_import(
        expand_paths([str(args.file)]),
        ImportOptions(defer_index=True, update=True),
        on_outcomes=lambda outcomes: None,
    )
    call_command("sync_search_index", stdout=StringIO())
    updated, update_cpu = time.perf_counter(), _cpu()
    return {
        "import_seconds": imported - started,
        "index_seconds": indexed - imported,
        # CPU seconds: on a shared machine, what the work costs apart from waiting.
        "import_cpu": cpu_imported - cpu_started,
        "index_cpu": cpu_indexed - cpu_imported,
        "created": report.counts[Action.CREATED],
        "failed": report.counts[Action.FAILED],
        "articles": Article.objects.count(),
        "published": Article.objects.published().count(),
        "counted": tally.total(),
        "in_index": drift.indexed,
        "drift": len(drift.article_ids),
        "import_peak_mb": import_peak_mb,
        "update_seconds": updated - update_started,
        "update_cpu": update_cpu - update_cpu_started,
        "update_counts": {str(action): n for action, n in again.counts.items()},
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _phase(args: argparse.Namespace, phase: str, env: dict) -> dict:
    command = [
        sys.executable, "-m", "bench.roundtrip", "--phase", phase,
        "--count", str(args.count), "--seed", str(args.seed),
        "--out-dir", str(args.out_dir), "--file", str(args.file),
    ]  # fmt: skip
    done = subprocess.run(  # noqa: S603 - this module run by our own interpreter
        command,
        cwd=BASE_DIR,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"The {phase} step failed.")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(count: int, exported: dict, imported: dict, size_mb: float) -> list[str]:
    records = exported["records"]
    import_rate = records / imported["import_seconds"]
    total = imported["import_seconds"] + imported["index_seconds"]
    total_cpu = imported["import_cpu"] + imported["index_cpu"]
    whole_rate = records / total
    same = (
        imported["created"] == imported["articles"] == records
        and imported["published"] == imported["counted"] == exported["published"]
        and imported["in_index"] == exported["published"]
        and imported["drift"] == 0
        and imported["failed"] == 0
    )
    mark = "✓" if whole_rate >= RATE_TARGET else "✗"
    update_counts = ", ".join(
        f"{n:,} {action}" for action, n in sorted(imported["update_counts"].items())
    )
    return [
        f"Round trip of {count:,} articles (JSON Lines, {size_mb:,.0f} MB), "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        f"  export_articles: {exported['seconds']:.1f} s "
        f"({records / exported['seconds']:,.0f} articles/s)",
        f"  records into an empty archive (indexed alongside): {imported['import_seconds']:.1f} s = "
        f"{import_rate:,.0f} articles/s; CPU time {imported['import_cpu']:.1f} s = "
        f"{records / imported['import_cpu']:,.0f} articles per CPU second; "
        f"peak memory {imported['import_peak_mb']:,.0f} MB",
        f"  search index adopting and catching up: {imported['index_seconds']:.1f} s "
        f"= {records / imported['index_seconds']:,.0f} articles/s; CPU time "
        f"{imported['index_cpu']:.1f} s = "
        f"{records / imported['index_cpu']:,.0f} articles per CPU second",
        f"  import_articles whole (searchable when it returns): {total:.1f} s "
        f"= {whole_rate:,.0f} articles/s  {mark} target ≥ {RATE_TARGET} articles/s; "
        f"CPU time {total_cpu:.1f} s = {records / total_cpu:,.0f} articles per "
        f"CPU second; peak memory {imported['peak_mb']:,.0f} MB",
        f"  import_articles --update of the same file: "
        f"{imported['update_seconds']:.1f} s = "
        f"{records / imported['update_seconds']:,.0f} articles/s; CPU time "
        f"{imported['update_cpu']:.1f} s ({update_counts})",
        f"  counts {'match' if same else 'DIFFER'} {'✓' if same else '✗'}: "
        f"exported {records:,} ({exported['published']:,} published); imported "
        f"{imported['created']:,}, in the database {imported['articles']:,}, "
        f"published {imported['published']:,}, kept count {imported['counted']:,}, "
        f"in the index {imported['in_index']:,}, drift {imported['drift']}, "
        f"failed {imported['failed']}",
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    args.file = args.file or args.out_dir / f"roundtrip-{args.count}.jsonl"
    if args.phase:
        result = export_phase(args) if args.phase == "export" else import_phase(args)
        print(json.dumps(result))
        return 0
    source = args.out_dir / f"bench-{args.count}.sqlite3"
    target = args.out_dir / f"roundtrip-{args.count}.sqlite3"
    target_index = args.out_dir / f"whoosh-roundtrip-{args.count}"
    step(f"exporting the corpus of {args.count:,} articles from {source.name}")
    exported = _phase(
        args,
        "export",
        {
            "DATABASE_URL": f"sqlite:///{source}",
            "SEARCH_INDEX_DIR": str(args.out_dir / f"whoosh-{args.count}"),
        },
    )
    for path in target.parent.glob(f"{target.name}*"):
        path.unlink()
    shutil.rmtree(target_index, ignore_errors=True)
    step(f"importing {args.file.name} into an empty database and index")
    imported = _phase(
        args,
        "import",
        {"DATABASE_URL": f"sqlite:///{target}", "SEARCH_INDEX_DIR": str(target_index)},
    )
    size_mb = args.file.stat().st_size / 1024 / 1024
    lines = report(args.count, exported, imported, size_mb)
    print("\n".join(lines), flush=True)
    (args.out_dir / f"roundtrip-{args.count}.txt").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
