"""make backup / make restore: a round trip gives back every table's rows, the progress history and the packs."""

import hashlib

import pytest
from django.core.management import call_command
from django.db import connection

from governance.models import BoardPack
from plans.models import Action, ProgressUpdate
from tests import factories as f


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
        return counts


def _history_checksum() -> str:
    rows = ProgressUpdate.objects.order_by("pk").values_list("pk", "action_id", "rag", "narrative", "created_at",
                                                              "recorded_at", "author_id")
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def _packs_checksum() -> str:
    digest = hashlib.sha256()
    for pack in BoardPack.objects.order_by("pk"):
        digest.update(bytes(pack.pdf) + bytes(pack.docx) + repr(pack.figures).encode())
    return digest.hexdigest()


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_table_and_the_history_and_packs(cast, tmp_path, capsys):
    for n, rag in enumerate(["red", "amber", "green"]):
        f.ProgressUpdateFactory(action=cast.action, rag=rag, narrative=f"Update {n} ‘quoted’ and «Unicode»",
                                author=cast.lead.user)
    meeting = f.MeetingFactory(board=cast.plan.board)
    BoardPack.objects.create(meeting=meeting, version=1, issued_by=cast.admin, as_at="2024-01-01",
                             figures={"red": 1, "actions": ["2.6.1"]}, pdf=b"%PDF-1.7 \x00\xff bytes",
                             docx=b"PK\x03\x04 docx bytes", pdf_sha256="0" * 64, docx_sha256="1" * 64)
    before = (_counts(), _history_checksum(), _packs_checksum())

    call_command("backup", folder=str(tmp_path))
    path = capsys.readouterr().out.strip()
    assert path.startswith(str(tmp_path)) and path.endswith((".sqlite3", ".pgdump"))

    # Lose things after the backup: the restore must bring back exactly what the backup held.
    ProgressUpdate.objects.filter(rag="red").delete()
    BoardPack.objects.all().delete()
    f.ActionFactory(theme=cast.action.theme, reference="9.9.9")
    assert (_counts(), _history_checksum(), _packs_checksum()) != before

    call_command("restore", path)
    assert "restored" in capsys.readouterr().out
    connection.close()  # read through a fresh connection, as the service would after a restore
    assert (_counts(), _history_checksum(), _packs_checksum()) == before
    assert not Action.objects.filter(reference="9.9.9").exists()


@pytest.mark.django_db
def test_restoring_a_missing_or_wrong_file_is_refused(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore", str(tmp_path / "nothing.sqlite3"))
    wrong = tmp_path / "notes.txt"
    wrong.write_text("not a backup")
    with pytest.raises(CommandError, match="is not a"):
        call_command("restore", str(wrong))
