"""The settings module reads the environment strictly: a typo is an error, not a silent default."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from bradford_cs.settings import envbool

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("TRUE", True), ("true", True), ("0", False),
                                               ("False", False), (" 0 ", False)])
def test_envbool_reads_the_four_spellings_in_any_case(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert envbool("X_FLAG") is expected


@pytest.mark.parametrize("raw", ["yes", "on", "2", "tru"])
def test_envbool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("X_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be 1, 0, true or false"):
        envbool("X_FLAG")


def run_settings(env, code):
    """Import the settings in a fresh interpreter with exactly this environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", f"import bradford_cs.settings as s; {code}"],
        env=clean | env, cwd=ROOT, capture_output=True, text=True,
    )


def test_debug_is_off_unless_set_and_then_a_secret_key_is_required():
    result = run_settings({}, "print(s.DEBUG)")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_database_url_defaults_to_sqlite_in_the_project_folder():
    result = run_settings({"DJANGO_DEBUG": "1"}, "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'])")
    assert result.stdout.split() == ["django.db.backends.sqlite3", str(ROOT / "db.sqlite3")]


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_postgres_urls_use_psycopg2(scheme):
    result = run_settings({"DJANGO_DEBUG": "1", "DATABASE_URL": f"{scheme}://u:p@db.example:5433/tracker"},
                          "d = s.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME'])")
    assert result.stdout.split() == ["django.db.backends.postgresql", "db.example", "5433", "tracker"]


def test_postgres_connections_turn_the_jit_compiler_off_keeping_any_options_of_the_url():
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://u:p@db.example/tracker?options=-c%20statement_timeout%3D5000",
           "DATABASE_REPLICA_URL": "postgres://u:p@replica.example/tracker"}
    result = run_settings(env, "print(s.DATABASES['default']['OPTIONS']['options']); "
                               "print(s.DATABASES['replica']['OPTIONS']['options'])")
    assert result.stdout.splitlines() == ["-c statement_timeout=5000 -c jit=off", "-c jit=off"], result.stderr


@pytest.mark.django_db
def test_the_database_connection_has_jit_off_on_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting: the PostgreSQL run checks it")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_absolute_sqlite_path():
    result = run_settings({"DJANGO_DEBUG": "1", "DATABASE_URL": "sqlite:////tmp/elsewhere.sqlite3"},
                          "print(s.DATABASES['default']['NAME'])")
    assert result.stdout.strip() == "/tmp/elsewhere.sqlite3"


def test_bad_debug_value_is_an_error():
    result = run_settings({"DJANGO_DEBUG": "maybe"}, "print(s.DEBUG)")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be 1, 0, true or false" in result.stderr


def test_deploy_check_is_clean_with_debug_off():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 64 + "-a-long-random-production-key-for-the-check",
            "DJANGO_ALLOWED_HOSTS": "tracker.example.org"}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_time_zone_and_user_model(settings):
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.AUTH_USER_MODEL == "governance.User"
