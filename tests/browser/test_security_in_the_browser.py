"""The Content Security Policy in a real browser: nothing is refused on our pages or in the admin, whose
scripts still run; and the session-timeout warning keeps an officer signed in without losing their text."""

import pytest
from django.contrib.sessions.models import Session

from tests import factories as f
from tests.browser.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Collects every CSP violation the page reports (Playwright's init script is not itself subject to the CSP).
WATCH_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || ""));
});
"""


@pytest.fixture
def watched(page):
    """The page, with its console errors and CSP violations recorded."""
    page.add_init_script(WATCH_VIOLATIONS)
    page.console_errors = []
    page.on("console", lambda message: record(page, message))
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


def record(page, message):
    # The admin's pages name no icon, so Chromium's own request for /favicon.ico is a 404 that is no fault.
    if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
        page.console_errors.append(f"{message.text} ({message.location.get('url')})")


def assert_nothing_refused(page):
    assert page.evaluate("window.cspViolations") == []
    assert page.console_errors == []


def sign_in(page, live_server, username, next_path):
    page.goto(f"{live_server.url}{next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()


def test_the_admin_changelist_actions_run_under_the_policy(live_server, watched):
    page = watched
    f.StaffUserFactory(username="root")
    for name in ("Kirklees", "Calderdale"):
        f.OtherOrganisationFactory(name=name)

    page.goto(f"{live_server.url}/admin/login/?next=/admin/governance/organisation/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Select organisation to change").wait_for()

    # admin/js/actions.js: ticking "select all" selects the rows and updates the counter.
    counter = page.locator(".action-counter")
    assert "0 of" in counter.inner_text()
    page.locator("#action-toggle").check()
    assert "selected" in counter.inner_text() and "0 of" not in counter.inner_text()
    assert page.locator("input.action-select:checked").count() == page.locator("input.action-select").count() >= 2

    # The change form's scripts (the related-object widgets, the dark-mode toggle) too.
    page.get_by_role("link", name="Kirklees").click()
    page.get_by_role("heading", name="Change organisation").wait_for()
    assert_nothing_refused(page)


def test_our_pages_and_govuk_frontend_run_under_the_policy(live_server, watched):
    page = watched
    f.UserFactory(username="jenny")
    sign_in(page, live_server, "jenny", "/account/password-change/")
    # js-enabled.js ran before anything was drawn, and GOV.UK Frontend started (the module file by nonce).
    assert "js-enabled" in page.locator("body").get_attribute("class")
    assert "govuk-frontend-supported" in page.locator("body").get_attribute("class")
    wait_until(page, "document.querySelector('[data-module=govuk-service-navigation]')"
                           ".hasAttribute('data-govuk-service-navigation-init')")
    assert_nothing_refused(page)

    # And the policy is enforced: an injected inline script (what an XSS would add) does not run, nor a style.
    page.evaluate("""() => {
      const script = document.createElement("script");
      script.textContent = "window.injected = true";
      document.body.append(script);
      document.body.insertAdjacentHTML("beforeend", '<p id="styled" style="color: rgb(255, 0, 0)">x</p>');
    }""")
    wait_until(page, "window.cspViolations.length >= 2")
    assert page.evaluate("window.injected") is None
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
    assert {v.split()[0] for v in page.evaluate("window.cspViolations")} == {"script-src-elem", "style-src-attr"}


def test_the_timeout_warning_keeps_the_officer_signed_in_and_their_text(live_server, watched, settings):
    page = watched
    # A session of 8 seconds warns after 4 (half the window, as the idle window is so short).
    settings.SESSION_COOKIE_AGE = 8
    lead = f.PersonFactory(name="Jenny Cryer", user=f.user_in_role("Officer", username="jenny"))
    action = f.OverdueActionFactory(lead=lead, reference="2.6.1")
    sign_in(page, live_server, "jenny", f"/actions/{action.pk}/update/")
    page.get_by_label("Amber").check()
    field = page.get_by_label("What progress has been made?")
    field.fill("Two agency workers started on Monday, and the third starts next week.")
    page.evaluate("window.notReloaded = true")

    dialog = page.get_by_role("alertdialog", name="You will be signed out soon")
    dialog.wait_for(state="visible", timeout=10_000)
    # Focus is in the dialog, on its one action.
    assert page.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
    assert "seconds" in dialog.inner_text()
    before = Session.objects.get().expire_date
    page.keyboard.press("Enter")

    dialog.wait_for(state="hidden")
    assert page.evaluate("window.notReloaded") is True  # the page was not reloaded...
    assert field.input_value().startswith("Two agency workers")  # ...so the text is where it was
    page.wait_for_timeout(100)
    assert Session.objects.get().expire_date > before  # and the session has a fresh idle window
    assert_nothing_refused(page)


def test_when_the_session_has_ended_the_dialog_says_so_and_the_text_stays(live_server, watched, settings):
    page = watched
    settings.SESSION_COOKIE_AGE = 4
    lead = f.PersonFactory(name="Jenny Cryer", user=f.user_in_role("Officer", username="jenny"))
    action = f.OverdueActionFactory(lead=lead, reference="2.6.1")
    sign_in(page, live_server, "jenny", f"/actions/{action.pk}/update/")
    page.get_by_label("Amber").check()
    field = page.get_by_label("What progress has been made?")
    field.fill("Unsaved words")

    ended = page.get_by_role("alertdialog", name="You have been signed out")
    ended.wait_for(state="visible", timeout=10_000)
    assert page.evaluate("document.activeElement.textContent.trim()") == "You have been signed out"
    page.get_by_role("button", name="Close and copy my text").click()
    assert field.input_value() == "Unsaved words"
    # Saving now would only reach the sign-in page and lose the words: the dialog says so instead.
    page.get_by_role("button", name="Save update").click()
    ended.wait_for(state="visible")
    assert f"/actions/{action.pk}/update/" in page.url
    assert field.input_value() == "Unsaved words"
    assert_nothing_refused(page)
