"""Backup and restore of the whole service database, with the database's own tools.

SQLite: the online backup API (a consistent copy even while the service writes). PostgreSQL: pg_dump in its
custom format, run from the binaries of the server's own major version (a pg_dump older than the server
refuses to dump it; a newer one writes files an older pg_restore cannot read), restored with pg_restore.
"""

import datetime
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection


class BackupError(Exception):
    """A backup or restore that could not be done, with why."""


def _postgres_bin(name: str) -> str:
    """The binary `name` of the connected server's major version (Debian keeps each under its own folder)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    for candidate in (Path(f"/usr/lib/postgresql/{major}/bin/{name}"), shutil.which(name)):
        if candidate and Path(candidate).exists():
            return str(candidate)
    raise BackupError(f"{name} for PostgreSQL {major} is not installed (apt install postgresql-client-{major})")


def _postgres_env() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = ["--host", db["HOST"] or "localhost", "--username", db["USER"] or "postgres"]
    if db["PORT"]:
        args += ["--port", str(db["PORT"])]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    return args, env


def backup(folder: Path | None = None) -> Path:
    """Write a timestamped backup under `folder` (default backups/ in the project) and return its path."""
    folder = Path(folder or Path(settings.BASE_DIR) / "backups")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    if connection.vendor == "sqlite":
        path = folder / f"bradford_cs-{stamp}.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return path
    if connection.vendor == "postgresql":
        path = folder / f"bradford_cs-{stamp}.pgdump"
        args, env = _postgres_env()
        done = subprocess.run([_postgres_bin("pg_dump"), *args, "--format=custom", "--no-owner",
                               "--file", str(path), connection.settings_dict["NAME"]],
                              env=env, capture_output=True, text=True)
        if done.returncode:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        return path
    raise BackupError(f"No backup for a {connection.vendor} database")


def restore(path: Path) -> None:
    """Replace the database's contents with the backup at `path` (no prompt: CI has no input)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}")
    if connection.vendor == "sqlite":
        if path.suffix != ".sqlite3":
            raise BackupError(f"{path.name} is not a SQLite backup (.sqlite3)")
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    if connection.vendor == "postgresql":
        if path.suffix != ".pgdump":
            raise BackupError(f"{path.name} is not a PostgreSQL backup (.pgdump)")
        args, env = _postgres_env()
        connection.close()  # pg_restore --clean drops tables this connection may hold locks on
        done = subprocess.run([_postgres_bin("pg_restore"), *args, "--clean", "--if-exists", "--no-owner",
                               "--single-transaction", "--dbname", connection.settings_dict["NAME"], str(path)],
                              env=env, capture_output=True, text=True)
        if done.returncode:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
        return
    raise BackupError(f"No restore for a {connection.vendor} database")
