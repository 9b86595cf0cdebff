"""An import, dry or real, never keeps an admin save waiting for long (SQLite)."""

import json
import time

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# Far more than an import gets through while the saves run; it is stopped after them.
RECORDS = 50000
# The save gives up after this long, as a request would rather than wait 20 s.
SAVE_TIMEOUT = 3

SAVES = """
import time
from django.db import connection
connection.settings_dict["OPTIONS"]["timeout"] = %(timeout)d
from archive import services
from archive.models import Article
article = Article.objects.get(url="https://desk.example/edited")
results = []
for n in range(%(saves)d):
    started = time.monotonic()
    try:
        article.summary = f"Edited while the import runs ({n})."
        services.article_save(article=article)
        results.append(["saved", round(time.monotonic() - started, 2)])
    except Exception as exc:
        results.append([str(exc), round(time.monotonic() - started, 2)])
    time.sleep(0.3)
print(__import__("json").dumps(results))
"""


def big_file(tmp_path):
    path = tmp_path / "big.jsonl"
    body = "<p>" + "Radio listening in the border towns. " * 40 + "</p>"
    with path.open("w") as out:
        for n in range(RECORDS):
            record = {
                "title": f"Report {n}",
                "source": "Border Signals",
                "url": f"https://bordersignals.example/{n}",
                "published": "2023-05-01",
                "body": body.replace("Radio", f"Radio {n}"),
            }
            out.write(json.dumps(record) + "\n")
    return path


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_an_admin_save_succeeds_while_an_import_runs(sqlite_site, tmp_path, dry_run):
    sqlite_site.run(
        """
        import datetime
        from archive import services
        source = services.source_get_or_create(name="Desk")
        services.article_create(title="Edited", source=source, url="https://desk.example/edited",
                                published=datetime.date(2024, 1, 1), body="<p>Edited.</p>")
        """
    )
    path = big_file(tmp_path)
    options = ["--dry-run"] if dry_run else []
    importing = sqlite_site.start(
        "import_articles", str(path), "--no-progress", "-v", "0", *options
    )
    time.sleep(2)  # past start-up: reading and checking records
    assert importing.poll() is None, importing.communicate()
    saver = sqlite_site.shell(SAVES % {"timeout": SAVE_TIMEOUT, "saves": 6})
    out, err = saver.communicate(timeout=120)
    still_running = importing.poll() is None
    importing.kill()
    importing.communicate(timeout=60)
    assert saver.returncode == 0, err
    results = json.loads(out.strip().splitlines()[-1])
    assert [r[0] for r in results] == ["saved"] * 6, results
    assert still_running, "the import ended before the saves; make the file bigger"
    summary = sqlite_site.run(
        "from archive.models import Article; "
        "print(Article.objects.get(url='https://desk.example/edited').summary)"
    )
    assert summary.strip().endswith("Edited while the import runs (5).")
