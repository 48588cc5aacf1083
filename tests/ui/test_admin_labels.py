"""The admin's forms name every box on the server (ui/admin_a11y.py and templates/admin/): a tabular inline's
fields, its "Delete?" boxes, the date-and-time pairs and a list filter's blank value. The browser proof is
tests/browser/test_accessibility_admin.py; these say which names, and run in every suite."""

import re

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def tag(html, name):
    """The opening tag of the form element called `name`."""
    match = re.search(rf'<(input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match, f"no field {name}"
    return match.group(0)


@pytest.fixture
def board_page(client):
    board = f.BoardFactory()
    f.MembershipFactory(board=board, party="")
    f.MeetingFactory(board=board)
    client.force_login(f.StaffUserFactory())
    return client.get(reverse("admin:governance_board_change", args=[board.pk])).content.decode()


def test_a_tabular_inlines_fields_carry_their_column_headings_as_names(board_page):
    assert 'aria-label="Role"' in tag(board_page, "memberships-0-role")
    assert 'aria-label="Person"' in tag(board_page, "memberships-0-person")  # an autocomplete's select too
    assert 'aria-label="Position"' in tag(board_page, "memberships-0-position")
    assert 'aria-label="Delete"' in tag(board_page, "memberships-0-DELETE")  # added by the formset, not a field
    assert "aria-label" not in tag(board_page, "memberships-0-id")  # hidden fields need no name


def test_each_box_of_a_date_and_time_pair_has_its_own_label(board_page):
    for box, words in (("meetings-0-start_0", "Date:"), ("meetings-0-start_1", "Time:")):
        assert f'<label for="id_{box}">{words}</label>' in board_page
        assert "aria-label" not in tag(board_page, box)  # the label names it; no second, different name


def test_the_stacked_forms_fields_keep_their_visible_labels(client):
    client.force_login(f.StaffUserFactory())
    page = client.get(reverse("admin:governance_board_add")).content.decode()
    assert '<label class="required" for="id_name">' in page and "aria-label" not in tag(page, "name")


def test_a_list_filters_blank_value_reads_blank_not_nothing(client):
    f.MembershipFactory(party="")
    f.MembershipFactory(party="Labour")
    client.force_login(f.StaffUserFactory())
    page = client.get(reverse("admin:governance_membership_changelist")).content.decode()
    assert '<a href="?party=">(blank)</a>' in page and '<a href="?party=Labour">Labour</a>' in page
    assert '<a href="?party="></a>' not in page
