"""`manage.py create_organisation`: a new council, its first admin and their Person, and the emailed link."""

import io
import re
import smtplib

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.urls import reverse

from governance.models import Organisation, User
from plans.models import Person
from tests import factories as f

ADMIN = ["--admin-name", "Priya Shah", "--admin-email", "Priya.Shah@Kirklees.example"]


def run(*args):
    out = io.StringIO()
    call_command("create_organisation", *args, stdout=out)
    return out.getvalue()


def counts():
    return Organisation.objects.count(), User.objects.count(), Person.objects.count()


def test_it_creates_the_organisation_its_admin_and_their_person_and_emails_the_link(db, settings, mailoutbox):
    settings.DEBUG = False
    out = run("Kirklees Council", *ADMIN)
    assert out.splitlines() == ["emailed a set-password link to priya.shah@kirklees.example",
                                "created organisation kirklees-council with admin priya.shah@kirklees.example"]
    organisation = Organisation.objects.get(slug="kirklees-council")
    assert (organisation.name, organisation.kind) == ("Kirklees Council", Organisation.Kind.COUNCIL)
    admin = User.objects.get(username="priya.shah@kirklees.example")
    assert admin.is_staff and not admin.is_superuser and admin.is_active
    assert not admin.has_usable_password()
    assert [g.name for g in admin.groups.all()] == ["Admin"]
    assert (admin.person.organisation, admin.person.name) == (organisation, "Priya Shah")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["priya.shah@kirklees.example"] and "Kirklees Council" in message.subject
    assert "/account/reset/" not in out  # the link is a secret: printed only on a debug machine


def test_the_admin_follows_the_link_and_signs_in_to_the_admin(client, db, mailoutbox):
    run("Kirklees Council", *ADMIN)
    link = re.search(r"https?://\S+/account/reset/\S+/", mailoutbox[0].body).group(0)
    form_url = client.get(link[len(settings.SITE_URL):]).url
    password = "kirklees improvement board 2026"
    assert client.post(form_url, {"new_password1": password, "new_password2": password}).status_code == 302
    assert client.login(request=HttpRequest(), username="priya.shah@kirklees.example", password=password)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:governance_user_add")).status_code == 200


def test_with_debug_on_it_prints_the_link(db, settings, mailoutbox):
    settings.DEBUG = True
    out = run("Kirklees Council", *ADMIN)
    link = re.search(r"https?://\S+/account/reset/\S+/", mailoutbox[0].body).group(0)
    assert out.splitlines() == [
        f"emailed a set-password link to priya.shah@kirklees.example (debug is on, so here it is): {link}",
        "created organisation kirklees-council with admin priya.shah@kirklees.example"]


def test_slug_and_kind_can_be_given(db, mailoutbox):
    out = run("Bradford Children and Families Trust Two", "--slug", "bcft-2", "--kind", "trust", *ADMIN)
    assert out.splitlines()[-1] == "created organisation bcft-2 with admin priya.shah@kirklees.example"
    assert Organisation.objects.get(slug="bcft-2").kind == Organisation.Kind.TRUST


def test_a_taken_name_is_refused_and_nothing_is_written(db, mailoutbox):
    f.OrganisationFactory(slug="kirklees", name="Kirklees Council")
    before = counts()
    with pytest.raises(CommandError, match=r"NAME: An organisation called 'KIRKLEES council' already exists"):
        run("KIRKLEES council", *ADMIN)
    assert counts() == before and mailoutbox == []


def test_a_taken_slug_is_refused_without_naming_the_organisation_that_has_it(db, mailoutbox):
    f.OrganisationFactory(slug="leeds", name="Leeds City Council")
    before = counts()
    with pytest.raises(CommandError) as caught:
        run("Leeds", *ADMIN)
    message = str(caught.value)
    assert message == "--slug: The slug 'leeds' is already taken: choose another with --slug"
    assert "Leeds City Council" not in message
    assert counts() == before and mailoutbox == []
    assert run("Leeds", "--slug", "leeds-2", *ADMIN).splitlines()[-1].startswith("created organisation leeds-2 ")


def test_an_email_with_an_account_already_is_refused_and_the_organisation_is_not_created(db, mailoutbox):
    f.UserFactory(username="priya", email="priya.shah@kirklees.example")
    before = counts()
    with pytest.raises(CommandError, match="--admin-email: This email address already has an account"):
        run("Kirklees Council", *ADMIN)
    assert counts() == before and mailoutbox == []


@pytest.mark.parametrize(("args", "expected"), [
    (["Kirklees Council", "--admin-name", "Priya Shah", "--admin-email", "not-an-address"],
     "--admin-email: Enter an email address in the correct format"),
    (["Kirklees Council", "--admin-name", "  ", "--admin-email", "p@kirklees.example"],
     "--admin-name: Enter the person's full name"),
    (["!!!", *ADMIN], "--slug: The name gives no slug"),
    (["Kirklees Council", "--slug", "Not A Slug", *ADMIN], "--slug: The slug 'Not A Slug' must be lower-case"),
    (["Kirklees Council", "--kind", "county", *ADMIN], "invalid choice: 'county'"),
    (["Kirklees Council", "--admin-name", "Priya Shah"], "the following arguments are required: --admin-email"),
])
def test_bad_input_is_a_clear_error_and_writes_nothing(db, mailoutbox, args, expected):
    before = counts()
    with pytest.raises(CommandError, match=re.escape(expected)):
        run(*args)
    assert counts() == before and mailoutbox == []


def test_an_email_that_cannot_be_sent_leaves_nothing_written(db, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "mail server unavailable")

    monkeypatch.setattr("governance.invitations.send_mail", refuse)
    before = counts()
    with pytest.raises(CommandError, match="could not email priya.shah@kirklees.example .*nothing was created"):
        run("Kirklees Council", *ADMIN)
    assert counts() == before
