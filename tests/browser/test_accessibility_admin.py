"""Issue 14 item 2, the admin part: every admin page an organisation admin can reach has no axe violations
(WCAG 2.0, 2.1, 2.2 A and AA), and the same for a sample of what only a superuser sees; and the session-timeout
warning is announced, keyboard operable and clean under axe.

The admin crawl is deliberate rather than link-following: the index, every changelist, each model's change form
(its first row), every add form, a search and a filter, history and delete-confirmation pages (opened, never
confirmed), the plan import page with a bad and a good spreadsheet, the invite form with its errors and the
password change. The real fixtures and the demo users are loaded once, inside the one test (live_server tests
flush the database after each test)."""

import io
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from tests import factories as f
from tests.browser.crawling import AXE_OPTIONS, CrawlResult, Page, Violation, check_page
from tests.conftest import FIXTURES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "crawl-the-demo-4-accessibility"
REPORT = Path(settings.BASE_DIR) / ".make" / "accessibility-admin.txt"
CHANGELIST = re.compile(r"^/admin/(\w+)/(\w+)/$")
CHANGE = re.compile(r"^/admin/(\w+)/(\w+)/([^/]+)/change/$")
ADD = re.compile(r"^/admin/(\w+)/(\w+)/add/$")
# The change and add forms sampled, one model for each kind of form the admin draws: autocompletes and history
# (action), tabular inlines (plan, measure), date-and-time pairs and a stacked inline (meeting), read-only
# fields (audit event), a plain form (organisation), the invite and user forms (user), a date-time in a
# form of its own (log item). Every changelist is visited; sampling the forms keeps the test to minutes.
SAMPLED = [("plans", "action"), ("plans", "plan"), ("plans", "measure"), ("governance", "meeting"),
           ("governance", "auditevent"), ("governance", "organisation"), ("governance", "user"),
           ("governance", "logitem")]

# A plan spreadsheet's columns (plans.imports.COLUMNS), a row that is wrong twice over and a row that is right.
HEADER = "plan,version,theme,theme_title,objective,objective_text,action,activity,desired_outcome,timeline," \
         "due_date,lead,codes,rag,progress_update"
BAD_ROW = "Axe check plan,1,1,Front door,1.1,Strong leaders,1.1.1,Appoint a director,,,31/02/2027,,,Purple,"
GOOD_ROW = "Axe check plan,1,1,Front door,1.1,Strong leaders,1.1.1,Appoint a director,,,2027-03-31,,,Green,Started"


def axe_here(page, result: CrawlResult, what: str, axe: Axe):
    """axe on the page as it stands (after a form was sent, or with a dialog open), recorded like a visit."""
    url = f"{page.url} [{what}]"
    result.pages.append(Page(url=url, kind=what, status=200, title=page.title()))
    for violation in axe.run(page, options=AXE_OPTIONS).response["violations"]:
        nodes = violation["nodes"]
        result.violations.append(Violation(
            url=url, rule=violation["id"], impact=violation.get("impact") or "", help=violation["help"],
            targets=[" ".join(map(str, node["target"])) for node in nodes][:6],
            summary=(nodes[0].get("failureSummary") or "").replace("\n", " ") if nodes else ""))


def sign_in_to_the_admin(browser, base, username, password):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Site administration").wait_for()
    return context, page


def paths(links, pattern):
    """The distinct paths among `links` (absolute URLs) that match `pattern`, in page order."""
    found = []
    for link in links:
        path = urlsplit(link).path
        if pattern.match(path) and path not in found and not urlsplit(link).query:
            found.append(path)
    return found


def first_row(links, app, model):
    """The change form of a changelist's first row (the sidebar links only to changelists)."""
    for path in paths(links, CHANGE):
        if CHANGE.match(path).group(1, 2) == (app, model):
            return path
    return None


def check(page, base, path, result, axe, **kwargs):
    began = time.monotonic()
    links = check_page(page, f"{base}{path}", result, axe=axe, **kwargs)
    print(f"{time.monotonic() - began:5.1f} s {path}", flush=True)  # shown with -s: where the time goes
    return links


def crawl_the_admin(page, base, result, axe):
    """The index, an app's index, every changelist, and a sample of change and add forms (one of each kind of
    widget: SAMPLED). Returns the changelists and add forms the index offered, and each changelist's first row."""
    index = check(page, base, "/admin/", result, axe)
    check(page, base, "/admin/plans/", result, axe)
    offered = paths(index, CHANGELIST)
    changes = {}
    for path in offered:
        app, model = CHANGELIST.match(path).groups()
        row = first_row(check(page, base, path, result, axe), app, model)
        if row:
            changes[(app, model)] = row
    for key in SAMPLED:
        if key in changes:  # a list may be empty in the demo data (log items are recorded at meetings)
            check(page, base, changes[key], result, axe)
    offered_adds = paths(index, ADD)
    for app, model in SAMPLED:
        if f"/admin/{app}/{model}/add/" in offered_adds:
            check(page, base, f"/admin/{app}/{model}/add/", result, axe)
    return offered, offered_adds, changes


def test_every_admin_page_an_organisation_admin_reaches_and_a_superusers_sample_pass_axe(live_server, browser,
                                                                                          monkeypatch):
    started = time.monotonic()
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    f.restore_roles()  # an earlier live-server test's flush emptied the role groups
    call_command("loaddata", *FIXTURES, verbosity=0)
    with override_settings(DEBUG=True):  # seed_demo refuses to run otherwise: it makes known passwords
        call_command("seed_demo", stdout=io.StringIO())
    loaded = time.monotonic() - started
    base = live_server.url
    axe = Axe()  # reads axe-core's script once
    result = CrawlResult()

    # --- The organisation admin (Bradford's `admin`, not a superuser) -------------------------------------
    context, page = sign_in_to_the_admin(browser, base, "admin", PASSWORD)
    changelists, adds, changes = crawl_the_admin(page, base, result, axe)
    assert len(changelists) >= 20 and len(adds) >= 10 and len(changes) >= 20, (changelists, adds, changes)

    # A search and a filter, on a list with its own filter (RAG) and on one with Django's.
    check(page, base, "/admin/plans/action/?rag=red&q=1", result, axe)
    check(page, base, "/admin/governance/auditevent/?kind__exact=changed", result, axe)

    # History (simple_history's and Django's own) and delete confirmations: opened, never confirmed.
    for key in (("plans", "action"), ("governance", "meeting")):  # simple_history's, and Django's own
        check(page, base, changes[key].replace("/change/", "/history/"), result, axe)
    deletable = next(changes[key] for key in (("governance", "logitem"), ("governance", "meeting")) if key in changes)
    check(page, base, deletable.replace("/change/", "/delete/"), result, axe)

    # The plan import: the page, a bad spreadsheet's row errors, a good one's counts (a dry run).
    check(page, base, "/admin/plans/plan/import/", result, axe)
    for rows, shown, expected in ((BAD_ROW, "#import-errors", "Purple"), (GOOD_ROW, "#import-result", "Dry run")):
        page.set_input_files("#id_file", files=[{"name": "plan.csv", "mimeType": "text/csv",
                                                 "buffer": f"{HEADER}\n{rows}\n".encode()}])
        page.get_by_label("Dry run").check()
        page.get_by_role("button", name="Check and import").click()
        assert expected in page.locator(shown).inner_text()  # the row errors (or the counts) are what axe sees
        axe_here(page, result, f"plan import {shown}", axe)

    # The invite form (checked above), sent empty: its error note and field errors.
    page.goto(f"{base}/admin/governance/user/add/")
    page.locator("input[type=submit][name=_save]").click()
    page.locator(".errornote").wait_for()
    axe_here(page, result, "invite a user, with errors", axe)

    # The password change (the service's own page, which the admin links to).
    check(page, base, "/admin/password_change/", result, axe)
    admin_pages = len(result.pages)
    context.close()

    # --- A superuser: what only they see (users' permissions, groups, every organisation) -----------------
    f.UserFactory(username="root", is_staff=True, is_superuser=True, password=PASSWORD)
    context, page = sign_in_to_the_admin(browser, base, "root", PASSWORD)
    index = check(page, base, "/admin/", result, axe)
    extra_lists = [p for p in paths(index, CHANGELIST) if p not in changelists]
    extra_adds = [p for p in paths(index, ADD) if p not in adds]
    assert extra_lists, "a superuser sees nothing more than an organisation admin"
    for path in extra_lists:
        app, model = CHANGELIST.match(path).groups()
        row = first_row(check(page, base, path, result, axe), app, model)
        if row:
            check(page, base, row, result, axe)
    for path in extra_adds[:2]:
        check(page, base, path, result, axe)
    # A user's change form has the permission pickers (filter_horizontal) only a superuser is given.
    check(page, base, changes[("governance", "user")], result, axe)
    check(page, base, "/admin/plans/plan/import/", result, axe)  # with the organisation to import for
    context.close()

    elapsed = time.monotonic() - started
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        f"Admin accessibility crawl: {len(result.pages)} pages ({admin_pages} as the organisation admin, "
        f"{len(result.pages) - admin_pages} as a superuser), {len(result.violations)} axe violations, "
        f"{len(result.reflow)} pages that scroll sideways at 320 px; data loaded in {loaded:.0f} s, "
        f"{elapsed:.0f} s in all.\n" + result.summary() + "\n"
        + ("Sideways scrolling at 320 px:\n" + "\n".join(result.reflow) + "\n"
           if result.reflow else ""))
    assert not result.violations, result.failure_message()
    assert not result.bad_status, result.failure_message()
    assert not result.reflow, result.failure_message()


# The session-timeout warning ------------------------------------------------------------------------------


def test_the_session_timeout_warning_is_announced_keyboard_operable_and_passes_axe(live_server, browser):
    """In the admin and on the service's own pages. The browser's clock is Playwright's, moved on to just after
    the warning is due (ui/static/ui/session-timeout.js: the session's seconds, less a 5 s margin, less the
    warning's), so the real settings are what is tested and nothing waits."""
    from ui.templatetags.session_timeout import WARNING_SECONDS

    f.user_in_role("Admin", username="ada", is_staff=True)
    due = settings.SESSION_COOKIE_AGE - 5 - min(WARNING_SECONDS, settings.SESSION_COOKIE_AGE // 2)
    axe = Axe()
    result = CrawlResult()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.clock.install()
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Site administration").wait_for()

    for path in ("/admin/", "/"):
        page.goto(f"{live_server.url}{path}")
        warning = page.get_by_role("alertdialog", name="You will be signed out soon")
        assert warning.is_hidden()
        page.clock.run_for((due - 1) * 1000)
        assert warning.is_hidden(), "the warning came early"
        page.clock.run_for(2000)
        warning.wait_for(state="visible")
        # Announced: a modal alert dialog, named and described, with focus moved into it, on its one action.
        assert warning.get_attribute("aria-modal") == "true"
        assert "You will be signed out in" in page.locator("#session-timeout-text").inner_text()
        assert warning.get_attribute("aria-describedby") == "session-timeout-text"
        assert page.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
        axe_here(page, result, f"{path} with the timeout warning open", axe)

        # Operable by keyboard: Enter on the focused button keeps the session and closes the dialog...
        with page.expect_response(lambda r: r.url.endswith("/session/keep-alive/")) as kept:
            page.keyboard.press("Enter")
        assert kept.value.status == 204
        warning.wait_for(state="hidden")
        # ...and so does Escape, the next time it comes.
        page.clock.run_for((due + 1) * 1000)
        warning.wait_for(state="visible")
        with page.expect_response(lambda r: r.url.endswith("/session/keep-alive/")) as kept:
            page.keyboard.press("Escape")
        assert kept.value.status == 204
        warning.wait_for(state="hidden")

    # Left to run out: the dialog says so, its heading focused, and it passes axe too.
    page.clock.run_for((settings.SESSION_COOKIE_AGE + 1) * 1000)
    ended = page.get_by_role("alertdialog", name="You have been signed out")
    ended.wait_for(state="visible")
    assert page.evaluate("document.activeElement.textContent.trim()") == "You have been signed out"
    axe_here(page, result, "/ with the signed-out dialog open", axe)
    context.close()
    assert not result.violations, result.failure_message()
