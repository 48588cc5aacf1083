"""Throttling guesses: sign-ins locked per user name and address (django-axes), the lockout page, lifting a
lock in the admin, password reset requests and refused API tokens counted in the database."""

import datetime
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client, RequestFactory
from django.urls import reverse

from governance import throttling, tokens
from governance.models import ThrottleEvent
from tests import factories as f

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
OFFICE = "10.0.0.1"
ELSEWHERE = "10.0.0.2"


def sign_in(client, username, password, address=OFFICE, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address,
                       **headers)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def lock(client, username, address=OFFICE, **headers):
    """Enter wrong passwords up to the limit; the last answer is the lockout page."""
    from django.conf import settings

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, username, "not the password", address, **headers)
        if attempt < settings.AXES_FAILURE_LIMIT - 1:
            assert response.status_code == 200, "a wrong password before the limit shows the form again"
    return response


@pytest.fixture
def asha(db):
    return f.UserFactory(username="asha", email="asha@example.org")


# Sign-in lockouts ------------------------------------------------------------------------------------------

def test_after_the_limit_of_wrong_passwords_the_right_one_no_longer_signs_in(client, asha):
    locked = lock(client, "asha")
    assert locked.status_code == 429
    response = sign_in(client, "asha", PASSWORD)
    assert response.status_code == 429
    assert not signed_in(client)
    assert AccessAttempt.objects.get(username="asha", ip_address=OFFICE).failures_since_start == 5


def test_the_lockout_page_says_for_how_long_and_whom_to_contact(client, asha):
    lock(client, "asha")
    response = sign_in(client, "asha", PASSWORD)
    page = response.content.decode()
    assert "registration/locked_out.html" in {t.name for t in response.templates}
    assert "Signing in is locked for now" in page
    assert "locked for 15 minutes" in page
    assert "You can try again in 15 minutes, at " in page
    assert "contact your organisation's admin for this service. They can lift the lock" in page
    assert "<strong>asha</strong>" in page
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert "style=" not in page


def test_the_wait_shown_is_what_is_left_of_the_cool_off(client, asha):
    lock(client, "asha")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time
                                 - datetime.timedelta(minutes=10))
    response = sign_in(client, "asha", PASSWORD)
    assert response.status_code == 429
    assert "You can try again in 5 minutes" in response.content.decode()
    assert 4 * 60 < int(response["Retry-After"]) <= 5 * 60


def test_the_lock_ends_after_the_cool_off(client, asha):
    lock(client, "asha")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time
                                 - datetime.timedelta(minutes=16))
    response = sign_in(client, "asha", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_failures_while_locked_do_not_extend_the_lock(client, asha):
    lock(client, "asha")
    first = AccessAttempt.objects.get().attempt_time
    sign_in(client, "asha", "another wrong one")
    sign_in(client, "asha", PASSWORD)
    assert AccessAttempt.objects.get().attempt_time == first


def test_fewer_wrong_passwords_than_the_limit_then_the_right_one_signs_in_and_starts_again(client, asha):
    for _ in range(4):
        sign_in(client, "asha", "not the password")
    assert sign_in(client, "asha", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()  # a success clears the count


def test_another_user_name_from_the_same_address_is_not_locked(client, asha):
    f.UserFactory(username="bilal")
    lock(client, "asha")
    other = Client()
    response = sign_in(other, "bilal", PASSWORD)
    assert response.status_code == 302 and signed_in(other)


def test_the_same_user_name_from_another_address_is_not_locked(client, asha):
    lock(client, "asha")
    elsewhere = Client()
    response = sign_in(elsewhere, "asha", PASSWORD, address=ELSEWHERE)
    assert response.status_code == 302 and signed_in(elsewhere)


def test_the_admin_sign_in_page_is_locked_too(client, asha):
    lock(client, "asha")
    response = client.post(reverse("admin:login"), {"username": "asha", "password": PASSWORD}, REMOTE_ADDR=OFFICE)
    assert response.status_code == 429


def test_force_login_is_untouched_by_lockouts(client, asha):
    lock(client, "asha")
    client.force_login(asha)
    assert client.get(reverse("home"), REMOTE_ADDR=OFFICE).status_code == 200


# The client's address --------------------------------------------------------------------------------------

def test_a_proxy_header_is_ignored_unless_a_proxy_is_trusted(client, asha, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    lock(client, "asha", HTTP_X_FORWARDED_FOR="203.0.113.1")
    # A made-up header does not make a new address: still locked.
    response = sign_in(Client(), "asha", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429
    assert AccessAttempt.objects.get().ip_address == OFFICE


def test_behind_a_trusted_proxy_the_address_it_saw_is_the_clients(client, asha, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # Everyone arrives from the proxy's address; the proxy appends the address it saw.
    lock(client, "asha", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert AccessAttempt.objects.get().ip_address == "203.0.113.1"
    colleague = Client()
    response = sign_in(colleague, "asha", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.2")
    assert response.status_code == 302 and signed_in(colleague)
    # The guesser cannot write their way out: what they put on the left is not what the proxy saw.
    spoofed = sign_in(Client(), "asha", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7, 203.0.113.1")
    assert spoofed.status_code == 429


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "203.0.113.1", OFFICE),
    (1, "203.0.113.1", "203.0.113.1"),
    (1, "198.51.100.9, 203.0.113.1", "203.0.113.1"),
    (2, "198.51.100.9, 203.0.113.1", "198.51.100.9"),
    (2, "203.0.113.1", OFFICE),  # fewer hops than proxies: the request went round them
    (1, "not-an-address", OFFICE),
    (1, "", OFFICE),
    (1, " 2001:db8::1 ", "2001:db8::1"),
])
def test_the_client_address_rule(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR=forwarded)
    assert throttling.client_address(request) == expected


@pytest.mark.parametrize(("minutes", "words"), [
    (0.2, "1 minute"), (1, "1 minute"), (14.5, "15 minutes"), (60, "1 hour"), (61, "1 hour 1 minute"),
    (150, "2 hours 30 minutes"),
])
def test_a_wait_in_words(minutes, words):
    assert throttling.in_words(datetime.timedelta(minutes=minutes)) == words


# Lifting a lock in the admin ---------------------------------------------------------------------------------

@pytest.fixture
def admins(db):
    return {"home": f.user_in_role("Admin", username="home-admin", is_staff=True),
            "other": f.user_in_role("Admin", username="other-admin", is_staff=True,
                                    person__organisation=f.OtherOrganisationFactory()),
            "superuser": f.StaffUserFactory(username="root")}


def test_an_organisation_admin_sees_and_lifts_the_lockout_and_the_user_signs_in(client, asha, admins):
    lock(client, "asha")
    attempt = AccessAttempt.objects.get(username="asha")
    admin_client = Client()
    admin_client.force_login(admins["home"])
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "asha" in listing.content.decode() and "Locked Out" in listing.content.decode()
    confirm = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin_client.get(confirm).status_code == 200
    assert admin_client.post(confirm, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.exists()
    response = sign_in(client, "asha", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_the_lift_action_lifts_the_selected_lockouts(client, asha, admins):
    lock(client, "asha")
    admin_client = Client()
    admin_client.force_login(admins["home"])
    response = admin_client.post(reverse("admin:axes_accessattempt_changelist"), {
        "action": "lift_lockouts", "_selected_action": [AccessAttempt.objects.get().pk]}, follow=True)
    assert "Lifted 1 lockout" in response.content.decode()
    assert sign_in(client, "asha", PASSWORD).status_code == 302


def test_another_organisations_admin_neither_sees_nor_lifts_the_lockout(client, asha, admins):
    lock(client, "asha")
    attempt = AccessAttempt.objects.get()
    admin_client = Client()
    admin_client.force_login(admins["other"])
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "asha" not in listing.content.decode()
    assert admin_client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk])).status_code == 404
    assert admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]),
                             {"post": "yes"}).status_code == 404
    assert AccessAttempt.objects.exists()


def test_only_a_superuser_sees_attempts_on_user_names_nobody_has(client, admins):
    lock(client, "no-such-user")
    for who, sees in (("home", False), ("superuser", True)):
        admin_client = Client()
        admin_client.force_login(admins[who])
        page = admin_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
        assert ("no-such-user" in page) is sees, who


def test_attempts_are_not_added_or_edited_in_the_admin(client, asha, admins):
    lock(client, "asha")
    admin_client = Client()
    admin_client.force_login(admins["superuser"])
    assert admin_client.get(reverse("admin:axes_accessattempt_add")).status_code == 403
    change = reverse("admin:axes_accessattempt_change", args=[AccessAttempt.objects.get().pk])
    page = admin_client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_an_officer_cannot_reach_lockouts(client, asha):
    officer = f.user_in_role("Officer", username="officer", is_staff=True)
    lock(client, "asha")
    admin_client = Client()
    admin_client.force_login(officer)
    assert admin_client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_the_admin_role_may_view_and_delete_attempts_only(db):
    from django.contrib.auth.models import Group

    f.user_in_role("Admin", username="home-admin")
    codenames = set(Group.objects.get(name="Admin").permissions.filter(content_type__app_label="axes")
                    .values_list("codename", flat=True))
    assert codenames == {"view_accessattempt", "delete_accessattempt"}


# Password reset requests -----------------------------------------------------------------------------------

def ask_for_reset(client, email, address=OFFICE):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address, follow=True)


def main_text(response) -> str:
    """The page's main content (the rest differs by the nonce of each response)."""
    return re.search(r"<main.*?</main>", response.content.decode(), re.S).group(0)


def test_password_reset_is_throttled_per_email_address_with_the_same_neutral_page(asha, mailoutbox, settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 3
    pages = [ask_for_reset(Client(), "asha@example.org", address=f"10.0.1.{n}") for n in range(5)]
    assert len(mailoutbox) == 3
    for page in pages:
        assert page.status_code == 200
        assert "registration/password_reset_done.html" in {t.name for t in page.templates}
        assert main_text(page) == main_text(pages[0])
    assert ThrottleEvent.objects.filter(kind=ThrottleEvent.Kind.PASSWORD_RESET_EMAIL,
                                        key="asha@example.org").count() == 3


def test_the_email_address_is_counted_whatever_its_case(client, asha, mailoutbox, settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 1
    ask_for_reset(client, "asha@example.org")
    ask_for_reset(client, "ASHA@Example.org", address=ELSEWHERE)
    assert len(mailoutbox) == 1


def test_password_reset_is_throttled_per_network_address(db, client, mailoutbox, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    for name in ("a", "b", "c"):
        f.UserFactory(username=name, email=f"{name}@example.org")
        ask_for_reset(client, f"{name}@example.org")
    assert [m.to for m in mailoutbox] == [["a@example.org"], ["b@example.org"]]
    ask_for_reset(client, "c@example.org", address=ELSEWHERE)
    assert len(mailoutbox) == 3


def test_a_reset_request_is_allowed_again_after_an_hour(client, asha, mailoutbox, settings):
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 1
    ask_for_reset(client, "asha@example.org")
    ThrottleEvent.objects.update(at=ThrottleEvent.objects.get(kind="reset-email").at - datetime.timedelta(hours=1))
    ask_for_reset(client, "asha@example.org")
    assert len(mailoutbox) == 2
    # What has left the window is forgotten.
    assert ThrottleEvent.objects.filter(kind="reset-email").count() == 1


# API tokens ------------------------------------------------------------------------------------------------

def feed(client, url, plain, address=OFFICE):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {plain}", REMOTE_ADDR=address)


@pytest.fixture
def api(cast, settings):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    _, plain = tokens.create_token(user=cast.board.user, name="Power BI")
    return SimpleNamespace(url=reverse("plans:position_feed", args=[cast.plan.slug]), plain=plain)


def test_after_the_limit_of_refused_tokens_even_the_right_one_gets_429(client, api):
    assert feed(client, api.url, api.plain).status_code == 200
    for _ in range(3):
        assert feed(client, api.url, "bcs_guessed").status_code == 401
    response = feed(client, api.url, api.plain)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert response.json() == {"error": "Too many refused tokens from your address: try again in 15 minutes"}


def test_the_count_is_in_the_database_and_shared_by_every_client(client, api):
    for _ in range(3):
        feed(client, api.url, "bcs_guessed")
    assert list(ThrottleEvent.objects.values_list("kind", "key")) == [("token-failure", OFFICE)] * 3
    assert feed(Client(), api.url, api.plain).status_code == 429
    assert feed(Client(), api.url, api.plain, address=ELSEWHERE).status_code == 200
    ThrottleEvent.objects.all().delete()  # the database is all the state there is
    assert feed(Client(), api.url, api.plain).status_code == 200


def test_the_token_throttle_ends_when_the_window_passes(client, api):
    for _ in range(3):
        feed(client, api.url, "bcs_guessed")
    oldest = ThrottleEvent.objects.earliest("at").at
    ThrottleEvent.objects.filter(at=oldest).update(at=oldest - datetime.timedelta(minutes=15))
    assert feed(client, api.url, api.plain).status_code == 200  # two refusals left in the window


def test_refusals_below_the_limit_do_not_stop_the_right_token(client, api):
    for _ in range(2):
        feed(client, api.url, "bcs_guessed")
    assert feed(client, api.url, api.plain).status_code == 200


def database_url() -> str:
    """The test database as a DATABASE_URL, for another process."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


ANOTHER_PROCESS = """
import json, sys
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
url, plain, address = sys.argv[1:4]
response = Client().get(url, HTTP_AUTHORIZATION="Bearer " + plain, REMOTE_ADDR=address)
print(json.dumps({"status": response.status_code}))
"""


@pytest.mark.django_db(transaction=True)
def test_another_process_sees_the_refusals(client, settings):
    """Three refusals here; a separate Python process, sharing only the database, is refused the right token."""
    settings.API_TOKEN_FAILURE_LIMIT = 3
    organisation = f.OrganisationFactory()
    plan = f.PlanFactory(organisation=organisation, board=f.BoardFactory(organisation=organisation))
    user = f.UserFactory(username="feed-reader", person__organisation=organisation)
    _, plain = tokens.create_token(user=user, name="Power BI")
    url = reverse("plans:position_feed", args=[plan.slug])
    for _ in range(3):
        assert feed(client, url, "bcs_guessed").status_code == 401

    def other_process(address):
        env = os.environ | {"DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "bradford_cs.settings",
                            "DJANGO_DEBUG": "1", "DJANGO_API_TOKEN_FAILURE_LIMIT": "3"}
        done = subprocess.run([sys.executable, "-c", ANOTHER_PROCESS, url, plain, address], env=env,
                              cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])["status"]

    assert other_process(OFFICE) == 429
    assert other_process(ELSEWHERE) == 200
