"""Roles: board members read everything and change nothing; officers change only what they lead."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from plans.permissions import can_update_action

pytestmark = pytest.mark.django_db


def test_the_three_roles_exist_from_the_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Admin", "Officer", "Board member"}


def test_board_members_have_only_view_permissions():
    perms = Group.objects.get(name="Board member").permissions.values_list("codename", flat=True)
    assert perms and all(codename.startswith("view_") for codename in perms)


def test_board_member_can_read_the_pages(client, cast):
    client.force_login(cast.board.user)
    for url in (reverse("home"), cast.plan.get_absolute_url(), cast.action.get_absolute_url()):
        assert client.get(url).status_code == 200


def test_board_member_cannot_use_the_admin(client, cast):
    client.force_login(cast.board.user)
    response = client.get(reverse("admin:plans_progressupdate_add"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_board_member_may_change_their_own_password(client, cast):
    client.force_login(cast.board.user)
    response = client.post(reverse("password_change"), {
        "old_password": "correct horse battery staple",
        "new_password1": "a new and long passphrase 42", "new_password2": "a new and long passphrase 42"})
    assert response.status_code == 302
    cast.board.user.refresh_from_db()
    assert cast.board.user.check_password("a new and long passphrase 42")


def test_object_rule(cast):
    assert can_update_action(cast.lead.user, cast.action)
    assert not can_update_action(cast.other.user, cast.action)
    assert not can_update_action(cast.board.user, cast.action)
    assert can_update_action(cast.admin, cast.action)


def test_progress_updates_cannot_be_changed_or_deleted_by_non_superusers_in_the_admin(client, cast):
    from tests import factories as f

    update = f.ProgressUpdateFactory(action=cast.action)
    client.force_login(cast.admin)  # in the Admin group, staff, not a superuser
    change = client.post(reverse("admin:plans_progressupdate_change", args=[update.pk]),
                         {"action": cast.action.pk, "rag": "red", "narrative": "rewritten"})
    assert change.status_code in (302, 403)
    update.refresh_from_db()
    assert update.narrative == "On track." and update.rag == "green"
    assert client.post(reverse("admin:plans_progressupdate_delete", args=[update.pk]), {"post": "yes"}).status_code == 403
    update.refresh_from_db()
