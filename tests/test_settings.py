import ast
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from config.env import env_bool, env_int, env_list, env_path, env_str
from config.settings.base import tls_settings

REPO = Path(__file__).resolve().parents[1]
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list", "env_path"}
ENVIRON_METHODS = {"get", "setdefault", "pop"}


def _string_arg(call: ast.Call) -> str | None:
    if call.args and isinstance(call.args[0], ast.Constant):
        value = call.args[0].value
        return value if isinstance(value, str) else None
    return None


def _is_os_environ(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _names_read(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            helper = isinstance(func, ast.Name) and func.id in ENV_HELPERS
            environ_method = (
                isinstance(func, ast.Attribute)
                and func.attr in ENVIRON_METHODS
                and _is_os_environ(func.value)
            )
            getenv = isinstance(func, ast.Attribute) and func.attr == "getenv"
            if (helper or environ_method or getenv) and _string_arg(node):
                names.add(_string_arg(node))
        elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            if isinstance(node.slice, ast.Constant):
                names.add(node.slice.value)
        elif (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Constant)
            and any(_is_os_environ(c) for c in node.comparators)
        ):
            names.add(node.left.value)
    return names


def variables_read_by_config() -> set[str]:
    names = set()
    for path in (REPO / "config").rglob("*.py"):
        names |= _names_read(ast.parse(path.read_text(encoding="utf-8")))
    return names


def variables_documented() -> set[str]:
    lines = (REPO / ".env.example").read_text(encoding="utf-8").splitlines()
    return {
        line.split("=", 1)[0].strip()
        for line in lines
        if "=" in line and not line.lstrip().startswith("#")
    }


def test_the_scan_finds_variables_however_they_are_read():
    source = """
import os
a = env_str("A_STR", "")
b = env_bool(
    "B_BOOL", False
)
c = os.environ.get("C_GET", "x")
d = os.environ["D_ITEM"]
e = "E_IN" in os.environ
f = os.getenv("F_GETENV")
os.environ.setdefault("G_DEFAULT", "x")
"""
    assert _names_read(ast.parse(source)) == {
        "A_STR",
        "B_BOOL",
        "C_GET",
        "D_ITEM",
        "E_IN",
        "F_GETENV",
        "G_DEFAULT",
    }


def test_env_example_lists_every_variable_that_config_reads():
    read = variables_read_by_config()
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "SEARCH_INDEX_DIR", "PORT"} <= read
    assert read - variables_documented() == set()


def test_env_example_lists_nothing_that_config_does_not_read():
    assert variables_documented() - variables_read_by_config() == set()


# -- the environment helpers ------------------------------------------------------


def test_env_helpers_parse_values(monkeypatch):
    monkeypatch.setenv("T_BOOL", " Yes ")
    monkeypatch.setenv("T_INT", "42")
    monkeypatch.setenv("T_LIST", " a.example , ,b.example ")
    monkeypatch.setenv("T_PATH", "relative/dir")
    assert env_bool("T_BOOL") is True
    assert env_int("T_INT", 1) == 42
    assert env_list("T_LIST") == ["a.example", "b.example"]
    assert env_path("T_PATH", Path("/x")) == Path("relative/dir").resolve()
    assert env_str("T_UNSET_VARIABLE", "fallback") == "fallback"
    assert env_list("T_UNSET_VARIABLE", []) == []


@pytest.mark.parametrize(
    ("reader", "value"),
    [(env_bool, "maybe"), (env_int, "twelve")],
)
def test_env_helpers_refuse_malformed_values(monkeypatch, reader, value):
    monkeypatch.setenv("T_BAD", value)
    with pytest.raises(ImproperlyConfigured, match="T_BAD"):
        reader("T_BAD", 0) if reader is env_int else reader("T_BAD")


def test_a_required_variable_that_is_unset_is_named(monkeypatch):
    monkeypatch.delenv("T_REQUIRED", raising=False)
    with pytest.raises(ImproperlyConfigured, match="T_REQUIRED"):
        env_str("T_REQUIRED")


# -- production settings, in a fresh interpreter ----------------------------------


@pytest.fixture
def clean_env(tmp_path):
    """The environment of a fresh process: no project variables, files under tmp."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in variables_documented() and not k.startswith("DJANGO_")
    }
    env["ARCHIVE_VAR_DIR"] = str(tmp_path / "var")
    env["SEARCH_INDEX_DIR"] = str(tmp_path / "whoosh")
    env["PYTHONPATH"] = str(REPO)
    return env


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


PROD_KEY = secrets.token_urlsafe(48)[:64]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DJANGO_ALLOWED_HOSTS": "example.org"}, "DJANGO_SECRET_KEY"),
        (
            {"DJANGO_ALLOWED_HOSTS": "example.org", "DJANGO_SECRET_KEY": "short"},
            "DJANGO_SECRET_KEY",
        ),
        ({"DJANGO_SECRET_KEY": PROD_KEY}, "DJANGO_ALLOWED_HOSTS"),
    ],
)
def test_production_settings_refuse_to_load_without_key_or_hosts(clean_env, env, named):
    result = run_python("import config.settings.prod", {**clean_env, **env})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr


SETTINGS_PROBE = (
    "import importlib, json, sys\n"
    "m = importlib.import_module(sys.argv[1])\n"
    "print(json.dumps([m.DEBUG, m.ALLOWED_HOSTS, m.SECURE_HSTS_SECONDS,\n"
    "                  m.SECURE_SSL_REDIRECT, m.SESSION_COOKIE_SECURE]))\n"
)


def load_settings(module: str, env: dict) -> list:
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE, module],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_are_safe_without_any_variables(clean_env):
    debug, hosts, hsts, redirect, secure_cookie = load_settings(
        "config.settings.base", clean_env
    )
    assert (debug, hosts, hsts, redirect, secure_cookie) == (False, [], 0, False, False)


def test_production_turns_tls_protection_on_by_default(clean_env):
    env = {
        **clean_env,
        "DJANGO_SECRET_KEY": PROD_KEY,
        "DJANGO_ALLOWED_HOSTS": "example.org,www.example.org",
    }
    assert load_settings("config.settings.prod", env) == [
        False,
        ["example.org", "www.example.org"],
        31536000,
        True,
        True,
    ]


def test_deploy_check_passes_with_production_settings(clean_env):
    env = {
        **clean_env,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": PROD_KEY,
        "DJANGO_ALLOWED_HOSTS": "example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


# -- response headers ---------------------------------------------------------------


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        if part.strip():
            name, *values = part.split()
            parsed[name] = values
    return parsed


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/admin/login/"])
def test_responses_carry_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "Strict-Transport-Security" not in response.headers


@pytest.mark.django_db
def test_hsts_is_sent_when_tls_settings_are_on(client):
    with override_settings(**tls_settings(True)):
        secure = client.get("/admin/login/", secure=True)
        plain = client.get("/admin/login/")
    assert secure.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert plain.status_code == 301
    assert plain.headers["Location"].startswith("https://")
