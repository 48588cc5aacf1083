"""Issue 14 item 2: every page each role can reach, found by following links from the home page, has no axe
violations (WCAG 2.0, 2.1, 2.2 A and AA), does not scroll sideways at 320 px and has a unique, meaningful title.

The real fixtures and the demo users are loaded once, inside the one test (live_server tests flush the database
after each test), and each role is crawled in turn. The Django admin has its own crawl."""

import io
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from plans.models import Action
from tests.browser.crawling import CrawlResult, check_page, crawl
from tests.conftest import FIXTURES
from tests.factories import restore_roles

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "crawl-the-demo-4-accessibility"
ROLES = ("officer", "board", "clerk", "admin", "demo2-board")
PER_KIND, MAX_PAGES = 1, 40  # per role: one page of each kind, bounded so the whole crawl stays within minutes
REPORT = Path(settings.BASE_DIR) / ".make" / "accessibility-crawl.txt"


def not_the_admin_site(url):
    return "the Django admin (its own crawl)" if urlsplit(url).path.startswith("/admin/") else None


def signed_in_pages(url):
    """Signed in, the sign-in page only sends you home: not a page of its own."""
    if urlsplit(url).path == "/account/login/":
        return "the sign-in page (signed in: a redirect)"
    return not_the_admin_site(url)


def sign_in(page, base, username):
    page.goto(f"{base}/account/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/account/login/" not in page.url, f"{username} could not sign in"


def test_every_page_each_role_reaches_passes_axe_reflows_and_has_its_own_title(live_server, browser, monkeypatch):
    started = time.monotonic()
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    restore_roles()  # an earlier live-server test's flush emptied the role groups
    call_command("loaddata", *FIXTURES, verbosity=0)
    with override_settings(DEBUG=True):  # seed_demo refuses to run otherwise: it makes known passwords
        call_command("seed_demo", stdout=io.StringIO())
    loaded = time.monotonic() - started
    base = live_server.url
    results: dict[str, CrawlResult] = {}

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    anonymous = crawl(page, f"{base}/account/login/", per_kind=PER_KIND, max_pages=MAX_PAGES, skip=not_the_admin_site)
    check_page(page, f"{base}/no-such-page/", anonymous, expect_status=404)
    results["anonymous"] = anonymous
    context.close()

    for role in ROLES:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        sign_in(page, base, role)
        results[role] = crawl(page, f"{base}/", per_kind=PER_KIND, max_pages=MAX_PAGES, skip=signed_in_pages)
        if role == "board":
            # A board member may not update an action: the 403 page, signed in, and the 404 page.
            action = Action.objects.visible_to(get_user_model().objects.get(username="board")).first()
            assert action is not None, "the board member sees no action"
            check_page(page, f"{base}/actions/{action.pk}/update/", results[role], expect_status=403)
            check_page(page, f"{base}/plans/no-such-plan/", results[role], expect_status=404)
        context.close()

    lines, failures = [], []
    for role, result in results.items():
        lines.append(f"{role}: {len(result.pages)} pages, {len(result.by_kind)} kinds "
                     f"({result.not_sampled} links not sampled, {len(result.skipped)} skipped)")
        lines.append(result.summary())
        if not result.ok:
            failures.append(f"--- {role} ---\n{result.failure_message()}")
        problems = result.title_problems(settings.SERVICE_NAME)
        if problems:
            failures.append(f"--- {role}: titles ---\n" + "\n".join(problems))
    lines.append(f"Data loaded in {loaded:.0f} s; all crawls took {time.monotonic() - started - loaded:.0f} s")
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n\n" + "\n\n".join(failures) + "\n")
    print("\n".join(lines))
    assert not failures, "\n\n".join(failures)


BROKEN = """<!DOCTYPE html><html><head><title>Broken</title></head><body>
<main><img src="x.png"><input type="text"><div style="width:1000px">wide</div>
<a href="/broken/">again</a> <a href="/plans/x/export.csv">CSV</a> <a href="/account/logout/">Sign out</a>
<a href="https://example.org/">elsewhere</a> <a href="/no-such-page/">missing</a></main></body></html>"""


def test_the_crawler_reports_violations_reflow_and_bad_links_and_skips_downloads(browser):
    """The crawl's checks can fail: a page with an unlabelled input, an image without alt text, no lang and a
    1000 px wide block is reported, and the download, sign-out and external links are never opened."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    opened = []

    def serve(route):
        opened.append(route.request.url)
        if route.request.url.endswith("/no-such-page/"):
            return route.fulfill(status=404, content_type="text/html", body="<html lang='en'><title>Gone</title></html>")
        return route.fulfill(status=200, content_type="text/html", body=BROKEN)  # served by the test, not the app

    page.route("http://crawl.test/**", serve)
    result = crawl(page, "http://crawl.test/broken/")
    context.close()

    rules = {v.rule for v in result.violations}
    assert {"html-has-lang", "image-alt", "label"} <= rules, rules
    assert all(v.url == "http://crawl.test/broken/" and v.targets for v in result.violations)
    assert len(result.reflow) == 1 and "div (right edge" in result.reflow[0], result.reflow
    assert result.bad_status == ["http://crawl.test/no-such-page/ answered 404"]
    assert result.skipped == {"http://crawl.test/plans/x/export.csv": "download",
                              "http://crawl.test/account/logout/": "sign-out, destructive or POST-only"}
    pages = [url for url in opened if not url.endswith(".png")]  # the image is fetched, not crawled
    assert pages == ["http://crawl.test/broken/", "http://crawl.test/no-such-page/"]
    assert not result.ok and "image-alt" in result.failure_message()
