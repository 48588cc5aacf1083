"""manage.py loadtest_users: the load test's board members and officers, on the real fixtures."""

import io
import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from plans.models import Action
from plans.permissions import can_update_action
from tests import factories as f

pytestmark = pytest.mark.django_db
PASSWORD = "load test password 42"


@pytest.fixture
def made(real_data, tmp_path, monkeypatch, settings):
    settings.DEBUG = True
    monkeypatch.setenv("LOADTEST_PASSWORD", PASSWORD)
    if not Group.objects.filter(name="Officer").exists():  # emptied by a transactional test before
        f.restore_roles()
    out = tmp_path / "plan.json"
    call_command("loadtest_users", "--board-members", "3", "--officers", "3", "--out", str(out), stdout=io.StringIO())
    return json.loads(out.read_text())


def sign_in(client, username):
    """Through the sign-in page, as the load test does, with the password the command was given."""
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home"), username


def test_board_members_sign_in_and_see_every_page_the_load_test_visits(client, made):
    assert made["board_members"] == ["lt-board-01", "lt-board-02", "lt-board-03"]
    sign_in(client, "lt-board-02")
    assert set(made["pages"]) == {"home", "dashboard", "register", "register_filtered", "vital_signs", "tracker", "report"}
    for name, url in made["pages"].items():
        assert client.get(url).status_code == 200, name


def test_each_officer_leads_three_actions_and_supports_one_the_next_officer_leads(client, made):
    officers = made["officers"]
    assert len(officers) == 3
    for i, officer in enumerate(officers):
        led, shared = officer["actions"][:3], officer["actions"][3]
        assert set(Action.objects.filter(pk__in=led).values_list("lead__user__username", flat=True)) == {officer["username"]}
        assert shared == officers[(i + 1) % 3]["actions"][0]
        person = Action.objects.get(pk=shared).supporting_leads.get(user__username=officer["username"])
        user = person.user
        for action in Action.objects.filter(pk__in=officer["actions"]).select_related("theme__plan"):
            assert can_update_action(user, action), (officer["username"], action.pk)
    sign_in(client, officers[0]["username"])
    assert client.get(f"/actions/{officers[0]['actions'][3]}/update/").status_code == 200


def test_it_refuses_to_run_with_debug_off_or_a_short_password(real_data, tmp_path, monkeypatch, settings):
    out = str(tmp_path / "plan.json")
    settings.DEBUG = False
    monkeypatch.setenv("LOADTEST_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="only with DJANGO_DEBUG=1"):
        call_command("loadtest_users", "--out", out)
    settings.DEBUG = True
    monkeypatch.setenv("LOADTEST_PASSWORD", "short")
    with pytest.raises(CommandError, match="at least 12 characters"):
        call_command("loadtest_users", "--out", out)
