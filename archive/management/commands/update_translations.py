"""Update the interface's translation catalogs, or check that they are current.

``update_translations`` runs ``makemessages`` and ``compilemessages`` with the
project's options (what ``make messages`` does). ``update_translations --check``
changes nothing: it runs ``makemessages`` on a copy of the project and fails
when that would add, change or remove a message, when a message has no
translation, or when a committed ``.mo`` file is older than its ``.po`` (what
``make test`` runs, like ``makemigrations --check``). Both need GNU gettext.
"""

import difflib
import gettext
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# What makemessages reads: the project's own code and templates.
SOURCES = ("archive", "search", "config", "templates", "manage.py")
IGNORED = (".venv", "var", "tests", "bench", "test-artifacts", "static")
CATALOG = Path("LC_MESSAGES") / "django.po"


def makemessages_options() -> dict:
    return {
        "locale": [code for code, _ in settings.LANGUAGES if code != "en"],
        "no_location": True,
        "no_obsolete": True,
        "ignore_patterns": list(IGNORED),
        "verbosity": 0,
    }


def _without_date(text: str) -> list[str]:
    return [
        line
        for line in text.splitlines(keepends=True)
        if not line.startswith('"POT-Creation-Date:')
    ]


def _catalog(mo_file: Path) -> dict:
    with mo_file.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)


class Command(BaseCommand):
    help = "Update the translation catalogs (config/locale/), or with --check fail when they are behind."

    CURRENT = "The translation catalogs are current."
    NEW_MESSAGES = (
        "The code has messages that config/locale/{language} does not (or the other "
        "way round): run `make messages`, translate, and commit config/locale/.\n{diff}"
    )
    UNTRANSLATED = (
        "config/locale/{language} has messages without a translation: {stats}"
    )
    STALE_MO = (
        "config/locale/{language}/LC_MESSAGES/django.mo is not compiled from its .po: "
        "run `make messages`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Change nothing; exit non-zero when the catalogs are behind the code.",
        )

    def handle(self, *args, check=False, **options):
        if shutil.which("msgfmt") is None:
            raise CommandError("GNU gettext is missing (apt-get install gettext).")
        locale_dir = Path(settings.LOCALE_PATHS[0])
        if not check:
            call_command("makemessages", **makemessages_options())
            call_command("compilemessages", locale=makemessages_options()["locale"])
            return
        for language in makemessages_options()["locale"]:
            self._check(locale_dir, language)
        self.stdout.write(self.CURRENT)

    def _check(self, locale_dir: Path, language: str) -> None:
        committed = locale_dir / language / CATALOG
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "project"
            self._copy_project(Path(settings.BASE_DIR), copy)
            subprocess.run(  # noqa: S603 - our own interpreter and manage.py
                [sys.executable, "manage.py", "makemessages", *self._cli_options()],
                cwd=copy,
                check=True,
                capture_output=True,
            )
            fresh = (
                copy / locale_dir.relative_to(settings.BASE_DIR) / language / CATALOG
            ).read_text()
            diff = list(
                difflib.unified_diff(
                    _without_date(committed.read_text()),
                    _without_date(fresh),
                    "committed",
                    "from the code",
                    n=1,
                )
            )
            if diff:
                raise CommandError(
                    self.NEW_MESSAGES.format(language=language, diff="".join(diff[:80]))
                )
            stats = self._msgfmt(committed, Path(tmp) / "check.mo")
            if "untranslated" in stats or "fuzzy" in stats:
                raise CommandError(
                    self.UNTRANSLATED.format(language=language, stats=stats)
                )
            if _catalog(Path(tmp) / "check.mo") != _catalog(
                committed.with_suffix(".mo")
            ):
                raise CommandError(self.STALE_MO.format(language=language))

    @staticmethod
    def _copy_project(root: Path, copy: Path) -> None:
        copy.mkdir()
        for name in SOURCES:
            source = root / name
            if source.is_dir():
                shutil.copytree(
                    source, copy / name, ignore=shutil.ignore_patterns("__pycache__")
                )
            else:
                shutil.copy2(source, copy / name)

    @staticmethod
    def _cli_options() -> list[str]:
        options = makemessages_options()
        args = [f"--locale={code}" for code in options["locale"]]
        args += ["--no-location", "--no-obsolete", "--verbosity=0"]
        args += [f"--ignore={pattern}" for pattern in options["ignore_patterns"]]
        return args

    @staticmethod
    def _msgfmt(po_file: Path, mo_file: Path) -> str:
        result = subprocess.run(  # noqa: S603
            ["msgfmt", "--check", "--statistics", "-o", str(mo_file), str(po_file)],  # noqa: S607
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stderr.strip()
