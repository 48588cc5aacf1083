"""seed_demo: demo users and labelled demo progress over the real fixtures; idempotent; debug only."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from governance.models import Membership
from plans.models import Action, ProgressUpdate

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        get_user_model().objects.count(),
        ProgressUpdate.objects.count(),
        sorted(ProgressUpdate.objects.values_list("action__theme__plan__slug", "action__reference", "rag")),
        sorted(Action.objects.values_list("pk", "due_date")),
        Action.history.count(),
    )


def test_demo_users_progress_and_idempotence(real_data, settings, monkeypatch, capsys):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "a demo password 123")
    call_command("seed_demo")
    first = snapshot()
    out = capsys.readouterr().out
    assert "password a demo password 123" in out

    User = get_user_model()
    officer, board, admin = (User.objects.get(username=n) for n in ("officer", "board", "admin"))
    assert admin.is_superuser and admin.check_password("a demo password 123")
    assert officer.person.actions_led.count() > 1
    assert officer.person.name != officer.person.initials  # a named person, not "JH"
    assert Membership.objects.filter(person=board.person, board__slug="improvement-board").exists()
    assert officer.groups.filter(name="Officer").exists() and board.groups.filter(name="Board member").exists()

    updates = ProgressUpdate.objects.all()
    assert updates.exists() and not updates.filter(is_demo=False).exists()
    assert not updates.exclude(narrative__startswith="Demo data:").exists()
    mine = {a.reference: a for a in Action.objects.filter(lead=officer.person).with_attention()}
    assert any(a.is_overdue for a in mine.values())
    assert any(a.is_due_soon for a in mine.values())
    assert any(a.needs_update and a.last_updated for a in mine.values())  # stale
    assert any(a.attention == 3 for a in mine.values())  # up to date

    # make run again: the fixtures reloaded over the demo, then seed_demo again.
    call_command("loaddata", *__import__("tests.conftest", fromlist=["FIXTURES"]).FIXTURES, verbosity=0)
    call_command("seed_demo")
    assert snapshot() == first


def test_refused_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="runs only with DJANGO_DEBUG=1"):
        call_command("seed_demo")


def test_a_generated_password_is_printed_when_none_is_given(db, settings, monkeypatch, capsys):
    settings.DEBUG = True
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo")
    password = capsys.readouterr().out.split("password ", 1)[1].split()[0]
    assert get_user_model().objects.get(username="officer").check_password(password)
