"""Inviting people: the set-password link, the admin's add page and its scoping to the admin's own organisation,
and deactivation ending sessions and tokens at once."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.urls import reverse

from governance import tokens
from governance.invitations import invite, set_password_link
from governance.models import ApiToken, User
from governance.onboarding import add_user
from plans.models import Person
from tests import factories as f

NEW_PASSWORD = "a long new password for the tracker"
ADD_URL = reverse("admin:governance_user_add")
CHANGELIST_URL = reverse("admin:governance_user_changelist")


def link_in(message) -> str:
    found = re.findall(r"https?://\S+/account/reset/\S+/", message.body)
    assert len(found) == 1, message.body
    return found[0]


def path_of(link: str) -> str:
    assert link.startswith(settings.SITE_URL)
    return link[len(settings.SITE_URL):]


def set_password(client, link, password=NEW_PASSWORD):
    """Follow the emailed link as a browser would, then save a password."""
    response = client.get(path_of(link))
    assert response.status_code == 302  # Django swaps the token into the session, out of the address bar
    form_url = response.url
    page = client.get(form_url)
    assert page.status_code == 200
    return client.post(form_url, {"new_password1": password, "new_password2": password})


@pytest.fixture
def invited(db):
    home = f.OrganisationFactory()
    return add_user(full_name="Asha  Patel", email=" Asha.Patel@Example.ORG ", job_title="Head of Service",
                    role="Officer", organisation=home)


@pytest.fixture
def org_admin(db):
    return f.user_in_role("Admin", username="orgadmin", email="orgadmin@example.org", is_staff=True)


def add_form(**overrides):
    data = {"full_name": "Sam Okafor", "email": "Sam.Okafor@Example.org", "job_title": "Service manager",
            "role": "Officer", "_save": "Save"}
    data.update(overrides)
    return data


# The service and the link -----------------------------------------------------------------------------------

def test_an_invited_user_has_no_usable_password_and_a_person_in_the_organisation(invited):
    assert invited.username == "asha.patel@example.org" and invited.email == "asha.patel@example.org"
    assert not invited.has_usable_password()
    assert invited.get_full_name() == "Asha Patel"
    assert not invited.is_staff and not invited.is_superuser
    assert [g.name for g in invited.groups.all()] == ["Officer"]
    person = Person.objects.get(user=invited)
    assert (person.organisation.slug, person.name, person.job_title, person.email) == (
        "home-council", "Asha Patel", "Head of Service", "asha.patel@example.org")


def test_the_emailed_link_sets_a_password_and_the_user_can_then_sign_in(client, invited, mailoutbox):
    assert not client.login(request=HttpRequest(), username=invited.username, password=NEW_PASSWORD)
    link = invite(invited)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["asha.patel@example.org"]
    assert settings.SERVICE_NAME in message.subject and "Home Council" in message.subject
    assert link_in(message) == link
    assert "Your user name is asha.patel@example.org" in message.body

    response = set_password(client, link)
    assert response.status_code == 302 and response.url == reverse("password_reset_complete")
    invited.refresh_from_db()
    assert invited.has_usable_password()
    assert client.login(request=HttpRequest(), username="asha.patel@example.org", password=NEW_PASSWORD)


def test_the_link_works_once(client, invited):
    link = set_password_link(invited)
    set_password(client, link)
    again = client.get(path_of(link), follow=True)
    assert b"This link has expired" in again.content
    assert b"ask an admin of your organisation" in again.content


def test_the_set_password_page_is_a_govuk_page(client, invited):
    response = client.get(path_of(set_password_link(invited)), follow=True)
    page = response.content.decode()
    assert "Choose your password" in page
    assert 'class="govuk-button"' in page and 'class="govuk-input' in page
    assert "style=" not in page


def test_the_stock_reset_form_sends_nothing_to_an_invited_user_which_is_why_they_get_the_link(client, invited,
                                                                                            mailoutbox):
    response = client.post(reverse("password_reset"), {"email": invited.email})
    assert response.status_code == 302
    assert mailoutbox == []


def test_a_deactivated_or_addressless_login_is_not_sent_a_link(db, mailoutbox):
    inactive = f.UserFactory(email="gone@example.org", is_active=False)
    no_address = f.UserFactory(email="")
    with pytest.raises(Exception, match="deactivated"):
        invite(inactive)
    with pytest.raises(Exception, match="no email address"):
        invite(no_address)
    assert mailoutbox == []


def test_add_user_refuses_bad_input_field_by_field(db):
    home = f.OrganisationFactory()
    f.UserFactory(username="taken@example.org", email="taken@example.org")
    with pytest.raises(Exception) as caught:
        add_user(full_name=" ", email="not an address", role="Superuser", organisation=home)
    assert set(caught.value.message_dict) == {"full_name", "email", "role"}
    with pytest.raises(Exception) as caught:
        add_user(full_name="Someone", email="TAKEN@example.org", role="Officer", organisation=home)
    assert caught.value.message_dict == {"email": ["This email address already has an account on the service"]}
    assert not User.objects.filter(username__iexact="someone").exists()


def test_a_lead_already_named_in_the_organisations_plan_gets_the_login_not_a_second_person(db):
    home = f.OrganisationFactory()
    lead = f.PersonFactory(organisation=home, name="Jenny Cryer", initials="JC")  # as the import makes leads
    action = f.ActionFactory(theme=f.ThemeFactory(plan=f.PlanFactory(organisation=home)), lead=lead)
    elsewhere = f.PersonFactory(organisation=f.OtherOrganisationFactory(), email="jo@example.org")
    user = add_user(full_name="jenny cryer", email="jenny.cryer@example.org", role="Officer", organisation=home,
                    job_title="Head of Service")
    lead.refresh_from_db()
    assert lead.user == user and lead.email == "jenny.cryer@example.org" and lead.job_title == "Head of Service"
    assert lead.name == "Jenny Cryer"  # as printed in the plan
    assert list(user.person.actions_led.all()) == [action]
    # By email first; never a person of another organisation.
    by_email = f.PersonFactory(organisation=home, name="J. Ohene", email="Jo@Example.org")
    assert add_user(full_name="Jo Ohene", email="jo@example.org", role="Officer", organisation=home).person == by_email
    elsewhere.refresh_from_db()
    assert elsewhere.user is None


def test_two_people_of_the_same_name_are_left_alone(db):
    home = f.OrganisationFactory()
    first, second = (f.PersonFactory(organisation=home, name="Jim Hopkinson") for _ in range(2))
    user = add_user(full_name="Jim Hopkinson", email="jim@example.org", role="Officer", organisation=home)
    assert user.person not in (first, second)
    assert Person.objects.filter(name="Jim Hopkinson").count() == 3


# The admin's add page -------------------------------------------------------------------------------------

def test_an_organisation_admin_invites_into_their_own_organisation(client, org_admin, mailoutbox):
    other = f.OtherOrganisationFactory()
    client.force_login(org_admin)
    page = client.get(ADD_URL).content.decode()
    assert 'name="full_name"' in page and 'name="role"' in page
    assert 'name="organisation"' not in page and 'name="password1"' not in page

    response = client.post(ADD_URL, add_form(role="Admin", organisation=other.pk), follow=True)
    assert response.status_code == 200
    user = User.objects.get(username="sam.okafor@example.org")
    assert user.email == "sam.okafor@example.org" and not user.has_usable_password()
    assert user.is_staff and not user.is_superuser
    assert [g.name for g in user.groups.all()] == ["Admin"]
    assert user.person.organisation.slug == "home-council"  # the posted organisation is ignored
    assert user.person.job_title == "Service manager"
    assert "A link to set their password was emailed to sam.okafor@example.org." in response.content.decode()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["sam.okafor@example.org"]
    assert set_password(client.__class__(), link_in(mailoutbox[0])).status_code == 302


def test_only_the_admin_role_is_staff(client, org_admin):
    client.force_login(org_admin)
    client.post(ADD_URL, add_form(role="Board member"))
    user = User.objects.get(username="sam.okafor@example.org")
    assert not user.is_staff
    assert [g.name for g in user.groups.all()] == ["Board member"]


def test_a_superuser_chooses_the_organisation(client, db, mailoutbox):
    other = f.OtherOrganisationFactory()
    client.force_login(f.StaffUserFactory())
    assert 'name="organisation"' in client.get(ADD_URL).content.decode()
    missing = client.post(ADD_URL, add_form())
    assert missing.status_code == 200 and not User.objects.filter(username="sam.okafor@example.org").exists()
    assert client.post(ADD_URL, add_form(organisation=other.pk)).status_code == 302
    assert User.objects.get(username="sam.okafor@example.org").person.organisation == other
    assert len(mailoutbox) == 1


def test_a_taken_email_is_a_field_error_and_nothing_is_written(client, org_admin, mailoutbox):
    f.UserFactory(username="someone", email="sam.okafor@example.org")
    client.force_login(org_admin)
    users, people = User.objects.count(), Person.objects.count()
    response = client.post(ADD_URL, add_form(email="SAM.OKAFOR@example.org"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "email": ["This email address already has an account on the service"]}
    assert (User.objects.count(), Person.objects.count()) == (users, people)
    assert mailoutbox == []


def test_an_unknown_role_is_refused(client, org_admin):
    client.force_login(org_admin)
    response = client.post(ADD_URL, add_form(role="Superuser"))
    assert response.status_code == 200 and "role" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="sam.okafor@example.org").exists()


# An organisation admin administers their own organisation's users only ------------------------------------

def test_an_organisation_admin_sees_only_their_own_organisations_users(client, org_admin):
    colleague = f.UserFactory(username="colleague")
    stranger = f.PersonFactory(organisation=f.OtherOrganisationFactory(), user=f.UserFactory(username="stranger")).user
    client.force_login(org_admin)
    page = client.get(CHANGELIST_URL).content.decode()
    assert "colleague" in page and "stranger" not in page
    response = client.get(reverse("admin:governance_user_change", args=[stranger.pk]))
    assert response.status_code == 404  # not found, like a login that never existed: never a redirect or a 403
    assert client.get(reverse("admin:governance_user_change", args=[colleague.pk])).status_code == 200
    assert client.get(reverse("admin:auth_user_password_change", args=[stranger.pk])).status_code == 404
    autocomplete = client.get(reverse("admin:autocomplete"), {"app_label": "plans", "model_name": "person",
                                                              "field_name": "user", "term": "stranger"})
    assert autocomplete.status_code == 200 and autocomplete.json()["results"] == []


def test_a_superuser_sees_everyone(client, db):
    stranger = f.PersonFactory(organisation=f.OtherOrganisationFactory(), user=f.UserFactory(username="stranger")).user
    client.force_login(f.StaffUserFactory())
    assert stranger.username in client.get(CHANGELIST_URL).content.decode()


def change_form(user, **overrides):
    data = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
            "email": user.email, "is_active": "on", "groups": [g.pk for g in user.groups.all()]}
    data.update(overrides)
    return data


def test_an_organisation_admin_cannot_make_a_superuser_or_give_permissions(client, org_admin):
    colleague = f.user_in_role("Officer", username="colleague")
    client.force_login(org_admin)
    url = reverse("admin:governance_user_change", args=[colleague.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    assert 'name="is_staff"' not in page
    from django.contrib.auth.models import Permission

    permission = Permission.objects.get(codename="add_organisation")
    response = client.post(url, change_form(colleague, is_superuser="on", is_staff="on",
                                            user_permissions=[permission.pk]))
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_superuser and not colleague.is_staff
    assert not colleague.user_permissions.exists()


def test_an_organisation_admin_gives_only_the_three_roles_and_staff_follows_the_admin_role(client, org_admin):
    colleague = f.user_in_role("Officer", username="colleague")
    secret = Group.objects.create(name="Auditors")
    client.force_login(org_admin)
    url = reverse("admin:governance_user_change", args=[colleague.pk])
    refused = client.post(url, change_form(colleague, groups=[secret.pk]))
    assert refused.status_code == 200 and "groups" in refused.context["adminform"].form.errors
    admin_role = Group.objects.get(name="Admin")
    assert client.post(url, change_form(colleague, groups=[admin_role.pk])).status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_staff and [g.name for g in colleague.groups.all()] == ["Admin"]


def test_an_organisation_admin_cannot_change_a_superuser_even_in_their_organisation(client, org_admin):
    root = f.StaffUserFactory(username="root")
    f.PersonFactory(user=root, organisation=f.OrganisationFactory(), name="Root")
    client.force_login(org_admin)
    url = reverse("admin:governance_user_change", args=[root.pk])
    assert client.post(url, change_form(root, is_active="")).status_code == 403
    root.refresh_from_db()
    assert root.is_active


def test_the_send_link_action_emails_each_selected_user(client, org_admin, invited, mailoutbox):
    stranger = f.PersonFactory(organisation=f.OtherOrganisationFactory(),
                               user=f.UserFactory(username="stranger", email="stranger@example.org")).user
    client.force_login(org_admin)
    response = client.post(CHANGELIST_URL, {"action": "send_set_password_link",
                                            "_selected_action": [invited.pk, stranger.pk]}, follow=True)
    assert response.status_code == 200
    assert [m.to for m in mailoutbox] == [["asha.patel@example.org"]]  # the other organisation's user is not
    assert "A set-password link was emailed to asha.patel@example.org." in response.content.decode()
    assert set_password(client.__class__(), link_in(mailoutbox[0])).status_code == 302


# Deactivation ends sessions and tokens at once -----------------------------------------------------------

def signed_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    return client


def assert_signed_out(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def sessions_of(user):
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]


def test_saving_a_user_inactive_ends_their_sessions_and_revokes_their_tokens(db):
    user = f.user_in_role("Officer", username="leaver")
    stayer = f.user_in_role("Officer", username="stayer")
    browser, other_browser, stayer_browser = signed_in(user), signed_in(user), signed_in(stayer)
    token, plain = tokens.create_token(user=user, name="Excel")
    kept, _ = tokens.create_token(user=stayer, name="Excel")
    assert len(sessions_of(user)) == 2

    user.is_active = False
    user.save()

    assert sessions_of(user) == []
    token.refresh_from_db()
    kept.refresh_from_db()
    assert token.revoked_at is not None and kept.revoked_at is None
    # Reactivating does not bring the old sessions or tokens back.
    user.is_active = True
    user.save()
    assert_signed_out(browser)
    assert_signed_out(other_browser)
    with pytest.raises(tokens.InvalidToken, match="revoked"):
        tokens.authenticate(plain)
    assert stayer_browser.get(reverse("home")).status_code == 200


def test_deactivating_in_the_admin_form_ends_sessions(client, org_admin):
    colleague = f.user_in_role("Officer", username="colleague")
    browser = signed_in(colleague)
    token, _ = tokens.create_token(user=colleague, name="Excel")
    client.force_login(org_admin)
    response = client.post(reverse("admin:governance_user_change", args=[colleague.pk]),
                           change_form(colleague, is_active=""), follow=True)
    assert response.status_code == 200
    assert "their sessions have ended and 1 API token revoked" in response.content.decode()
    assert sessions_of(colleague) == []
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert_signed_out(browser)


def test_the_deactivate_action_ends_sessions_but_not_the_admins_own(client, org_admin):
    colleague = f.user_in_role("Officer", username="colleague")
    browser = signed_in(colleague)
    client.force_login(org_admin)
    response = client.post(CHANGELIST_URL, {"action": "deactivate_selected",
                                            "_selected_action": [colleague.pk, org_admin.pk]}, follow=True)
    page = response.content.decode()
    assert "Deactivated, their sessions ended and API tokens revoked: colleague." in page
    assert "Not deactivated (yourself, or a superuser): orgadmin." in page
    colleague.refresh_from_db()
    org_admin.refresh_from_db()
    assert not colleague.is_active and org_admin.is_active
    assert sessions_of(colleague) == []
    assert_signed_out(browser)


def test_saving_other_fields_of_an_inactive_user_touches_nothing_else(db):
    user = f.user_in_role("Officer", username="leaver", is_active=False)
    token = ApiToken.objects.create(user=user, name="Old", prefix="bcs_x", token_hash="0" * 64,
                                    expires_at="2999-01-01T00:00:00Z")
    user.first_name = "Renamed"
    user.save()
    token.refresh_from_db()
    assert token.revoked_at is None  # not a deactivation: nothing to end (an inactive user's token is refused)
