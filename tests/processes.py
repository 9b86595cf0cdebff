"""Real processes sharing one database.

The fixtures ``sqlite_site`` (a SQLite file made for the test) and
``postgres_site`` (the PostgreSQL test database, when the suite runs on
PostgreSQL) in tests/conftest.py give a :class:`Site`.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"


class Site:
    """A database URL and an index folder shared by the processes of a test."""

    def __init__(self, database_url: str, index_dir: Path):
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
            "SEARCH_INDEX_DIR": str(index_dir),
        }

    def command(self, *args: str, **env) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(MANAGE), *args],
            env={**self.env, **env},
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def start(self, *args: str, **env) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, str(MANAGE), *args],
            env={**self.env, **env},
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def shell(self, code: str, **env) -> subprocess.Popen:
        return self.start("shell", "-c", textwrap.dedent(code), **env)

    def run(self, code: str, **env) -> str:
        process = self.shell(code, **env)
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        return out

    def json(self, code: str, **env):
        """Run the code; its last printed line is JSON, returned decoded."""
        return json.loads(self.run(code, **env).strip().splitlines()[-1])
