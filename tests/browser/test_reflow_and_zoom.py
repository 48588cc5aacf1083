"""Reflow, zoom, RAG words, charts and print, measured in Chromium over the real fixtures and the demo users.

The main pages are opened once each, as the demo board member and the demo officer (and the sign-in page
signed out), and measured at 1280 CSS px, at 320 px (WCAG 1.4.10 Reflow), at 200% zoom (640 x 450 CSS px, a
1280 x 900 window at 200%) and at 400% zoom (320 x 256). The reports are measured again with print media.
Full-page screenshots at 1280 and 320 px go to .make/screenshots/<role>-<page>-<width>.png for review.

Loading the fixtures and seed_demo takes most of a minute, and live-server tests flush the database after each
test, so one module fixture loads the data, visits every page and keeps the measurements; each test then
asserts one property over all of them and names every page that fails it.
"""

import io
import os
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from plans.rag import RAG
from tests.browser.waiting import wait_until
from tests.conftest import FIXTURES
from tests.factories import restore_roles

pytestmark = [pytest.mark.browser]

SCREENSHOTS = Path(__file__).resolve().parents[2] / ".make" / "screenshots"
PASSWORD = "reflow and zoom 1234"
LIVE = "improvement-plan-2022-24"

DESKTOP, REFLOW, ZOOM_200, ZOOM_400 = (1280, 900), (320, 640), (640, 450), (320, 256)
VIEWPORTS = {"1280": DESKTOP, "320": REFLOW, "zoom-200": ZOOM_200, "zoom-400": ZOOM_400}
SCREENSHOT_VIEWPORTS = ("1280", "320")
PRINTED = {"dashboard", "register", "highlight-report"}  # the reports, with a print stylesheet

# Measures the page as it is laid out now. An element inside a scrolling container (other than the page) is
# reachable by scrolling that container, so only elements outside one are held to the viewport's width.
PROBE = """() => {
  const vw = window.innerWidth;
  const label = (el) => el.getAttribute('aria-label') || (el.getAttribute('aria-labelledby') || '').split(/\\s+/)
    .map((id) => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
  const describe = (el) => {
    const words = (el.innerText || el.textContent || el.getAttribute('aria-label') || el.value || '').trim();
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${words.replace(/\\s+/g, ' ').slice(0, 50)}"`;
  };
  const scrolls = (el) => {
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const shown = (el) => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && !el.closest('details:not([open]) > :not(summary), [hidden], dialog:not([open])');
  };
  const out = {scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, wideTables: 0, badTables: [],
               clipped: [], overlaps: [], h1: [], controls: 0, ragTags: 0, tagWords: [], charts: 0, badCharts: []};
  for (const table of document.querySelectorAll('table')) {
    if (table.offsetWidth <= vw) continue;
    out.wideTables++;
    const box = table.parentElement && table.parentElement.closest('[tabindex="0"]');
    const problems = [];
    if (!box) problems.push('no focusable container');
    else {
      if (box.getAttribute('role') !== 'region') problems.push('container not role=region');
      if (!label(box)) problems.push('container has no name');
      if (!['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) problems.push('container does not scroll');
      if (box.getBoundingClientRect().right > vw + 1) problems.push('container wider than the viewport');
    }
    if (problems.length) out.badTables.push(describe(table.querySelector('caption') || table) + ': ' + problems.join(', '));
  }
  const main = document.querySelector('main');
  const things = [...main.querySelectorAll(
    'h1, h2, input:not([type=hidden]), select, textarea, button, .govuk-button')].filter(shown);
  for (const el of things) {
    if (el.matches('input, select, textarea, button, .govuk-button')) out.controls++;
    const r = el.getBoundingClientRect();
    if (el.matches('h1')) out.h1.push({text: el.innerText.trim(), left: r.left, right: r.right, width: r.width});
    if (!scrolls(el) && (r.left < -1 || r.right > vw + 1)) {
      out.clipped.push(`${describe(el)} spans ${Math.round(r.left)}..${Math.round(r.right)}`);
    }
  }
  // GOV.UK radios and checkboxes lay their (transparent) input over the drawn box: compare the other things.
  const boxes = things.filter((el) => !el.matches('.govuk-radios__input, .govuk-checkboxes__input'))
    .slice(0, 120).map((el) => [el, el.getBoundingClientRect()]);
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i], [b, rb] = boxes[j];
      if (a.contains(b) || b.contains(a)) continue;
      const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (w > 2 && h > 2) out.overlaps.push(`${describe(a)} overlaps ${describe(b)}`);
    }
  }
  for (const tag of document.querySelectorAll('.app-rag-tag')) {
    out.ragTags++;
    out.tagWords.push(tag.textContent.trim());  // every rating tag's words, checked against the scale in Python
  }
  for (const tag of document.querySelectorAll('.govuk-tag:not(.app-rag-tag)')) {
    if (!tag.textContent.trim()) out.tagWords.push('');  // any other tag must say something too
  }
  for (const svg of main.querySelectorAll('svg')) {
    if (svg.closest('[aria-hidden="true"]')) continue;
    out.charts++;
    const problems = [];
    if (svg.getAttribute('role') !== 'img') problems.push('not role=img');
    if (!label(svg)) problems.push('no text alternative');
    const holder = svg.closest('.app-chart-with-table');
    const detailsId = svg.getAttribute('aria-details');
    const details = detailsId && document.getElementById(detailsId);
    const hasTable = (holder && holder.querySelector('table'))
      || (details && (details.matches('table') || details.querySelector('table')));
    if (!hasTable) problems.push('no table of its figures');
    const legend = svg.querySelectorAll('.app-chart__legend-label');
    if ([...legend].some((t) => !t.textContent.trim())) problems.push('a legend entry without words');
    if (problems.length) out.badCharts.push(`${label(svg).slice(0, 60)}: ${problems.join(', ')}`);
  }
  return out;
}"""

PRINT_PROBE = """() => {
  // Not rendered at all: display none on the element or an ancestor leaves it no boxes.
  const hidden = (sel) => [...document.querySelectorAll(sel)].every((el) => el.getClientRects().length === 0);
  const main = document.querySelector('main'), h1 = main.querySelector('h1');
  const rows = [...main.querySelectorAll('tbody tr')];
  const folded = [...main.querySelectorAll('details table')];
  return {
    folded: folded.length,
    foldedHidden: folded.filter((table) => !table.checkVisibility()).length,
    navigationHidden: hidden('.govuk-generic-header, .govuk-service-navigation, .govuk-skip-link, .govuk-breadcrumbs'),
    footerHidden: hidden('.govuk-footer'),
    buttonsHidden: hidden('main .govuk-button, main button'),
    formsHidden: hidden('main form'),
    mainShown: main.getBoundingClientRect().height > 0,
    h1Shown: !!h1 && h1.getBoundingClientRect().height > 0,
    rows: rows.length,
    rowsSplittable: rows.filter((tr) => getComputedStyle(tr).breakInside !== 'avoid').length,
    tablesScroll: [...main.querySelectorAll('.app-table-container')]
      .filter((el) => getComputedStyle(el).overflowX !== 'visible').length,
  };
}"""


def _world():
    """The objects the pages are about, read from the loaded data."""
    from django.contrib.auth import get_user_model

    from governance.models import Meeting
    from plans.models import Measure, Plan

    plan = Plan.objects.get(slug=LIVE)
    officer = get_user_model().objects.get(username="officer").person
    action = officer.actions_led.filter(theme__plan=plan).order_by("theme__order", "reference").first()
    measure = Measure.objects.filter(plan=plan, values__value__isnull=False).order_by("pk").first()  # charted
    meetings = list(Meeting.objects.filter(board__slug="improvement-board", start__lte=timezone.now())
                    .order_by("-start")[:2])
    inspection = plan.inspections.order_by("-pk").first()
    as_at, compare = (m.start.date() for m in meetings)
    board_pages = {
        "home": "/",
        "plan": plan.get_absolute_url(),
        "dashboard": f"/plans/{LIVE}/dashboard/?as_at={as_at:%Y-%m-%d}&compare={compare:%Y-%m-%d}",
        "register": "/register/",
        "vital-signs": f"/plans/{LIVE}/vital-signs/",
        "measure": measure.get_absolute_url(),
        "theme": reverse("plans:theme", args=[action.theme_id]),
        "action": action.get_absolute_url(),
        "tracker": f"/inspections/{inspection.slug}/",
        "meeting": meetings[0].get_absolute_url(),
        "highlight-report": f"{meetings[0].get_absolute_url()}report/",
        "boards": "/boards/",
        "board": "/boards/improvement-board/",
    }
    officer_pages = {  # the officer's own pages; the rest read as the board member's do
        "my-actions": "/my-actions/",
        "action": action.get_absolute_url(),
        "update-form": f"{action.get_absolute_url()}update/",
    }
    return {"board": board_pages, "officer": officer_pages, "anonymous": {"sign-in": "/account/login/"}}


def _visit(browser, base, role, pages, results):
    context = browser.new_context(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    page = context.new_page()
    if role != "anonymous":
        page.goto(f"{base}/account/login/")
        page.get_by_label("Username").fill(role)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{base}/")
    for name, path in pages.items():
        page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
        response = page.goto(f"{base}{path}")
        entry = results[(role, name)] = {"path": path, "status": response.status, "title": page.title(), "views": {}}
        for view, (width, height) in VIEWPORTS.items():
            page.set_viewport_size({"width": width, "height": height})
            wait_until(page, f"window.innerWidth === {width}")
            entry["views"][view] = page.evaluate(PROBE)
            if view in SCREENSHOT_VIEWPORTS:
                shot = SCREENSHOTS / f"{role}-{name}-{width}.png"
                page.screenshot(path=str(shot), full_page=True)
                entry.setdefault("screenshots", []).append(shot)
        if name in PRINTED:
            page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
            page.emulate_media(media="print")
            entry["print"] = page.evaluate(PRINT_PROBE)
            if name == "highlight-report":  # the paper copy itself, as Chromium prints it
                entry["pdf"] = page.pdf(format="A4")
            page.emulate_media(media="screen")
    context.close()


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker, live_server, browser):
    """Every main page measured at every width, as each role. The data stays until the first test's flush."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()  # a page dropped from the list must not leave a stale picture behind
    with django_db_blocker.unblock(), override_settings(DEBUG=True), \
            mock.patch.dict(os.environ, {"DEMO_PASSWORD": PASSWORD}):
        restore_roles()  # an earlier live-server test's flush emptied the role groups
        call_command("loaddata", *FIXTURES, verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())
        world = _world()
    results = {}
    with django_db_blocker.unblock():
        for role, pages in world.items():
            _visit(browser, live_server.url, role, pages, results)
    yield results
    with django_db_blocker.unblock():  # as a live-server test's own teardown does, should no test have run
        call_command("flush", interactive=False, verbosity=0)


def _each_view(measured, views=VIEWPORTS):
    for (role, name), entry in measured.items():
        for view in views:
            yield f"{role} {name} at {view}", entry["views"][view]


def test_every_page_opens_with_a_title_of_its_own(measured):
    assert len(measured) == 17
    assert {key: e["status"] for key, e in measured.items() if e["status"] != 200} == {}
    for role in ("board", "officer"):
        titles = [e["title"] for (who, _), e in measured.items() if who == role]
        assert len(set(titles)) == len(titles), titles
        assert all(title.endswith("Children's Services Improvement Tracker") for title in titles), titles


def test_no_page_scrolls_sideways_at_320_px_or_when_zoomed(measured):
    wide = {where: f"{v['scrollWidth']} px in a {v['innerWidth']} px window"
            for where, v in _each_view(measured) if v["scrollWidth"] > v["innerWidth"]}
    assert wide == {}


def test_every_table_wider_than_the_window_scrolls_in_its_own_focusable_named_region(measured):
    assert {where: v["badTables"] for where, v in _each_view(measured) if v["badTables"]} == {}
    # The check saw wide tables: the register's columns alone are far wider than 320 px.
    assert measured[("board", "register")]["views"]["320"]["wideTables"] >= 1
    assert sum(v["wideTables"] for _, v in _each_view(measured, ["320"])) > 20


def test_headings_and_form_controls_stay_in_the_window_and_apart_at_every_zoom(measured):
    assert {where: v["clipped"] for where, v in _each_view(measured) if v["clipped"]} == {}
    assert {where: v["overlaps"] for where, v in _each_view(measured) if v["overlaps"]} == {}
    for where, view in _each_view(measured):
        assert view["h1"], f"{where}: no visible h1"
        heading = view["h1"][0]
        assert heading["text"] and heading["left"] >= 0 and heading["right"] <= view["innerWidth"] + 1, where
    # The update form's fields and its button are all on screen (not hidden) at 400% zoom.
    assert measured[("officer", "update-form")]["views"]["zoom-400"]["controls"] >= 5
    assert measured[("anonymous", "sign-in")]["views"]["zoom-400"]["controls"] >= 3


def test_every_rating_is_shown_in_words_as_well_as_colour(measured):
    for where, view in _each_view(measured, ["1280"]):
        assert "" not in view["tagWords"], f"{where}: a coloured tag without words"
    # Every rating of the scale is seen written out in the register's and the dashboard's tags.
    seen = set(measured[("board", "register")]["views"]["1280"]["tagWords"])
    assert {RAG.RED.label, RAG.AMBER.label, RAG.GREEN.label, RAG.BLUE.label} <= seen
    assert set(measured[("board", "dashboard")]["views"]["1280"]["tagWords"]) >= {rating.label for rating in RAG}
    assert measured[("board", "dashboard")]["views"]["1280"]["ragTags"] > 10
    assert measured[("board", "register")]["views"]["1280"]["ragTags"] > 10


def test_every_chart_has_a_text_alternative_and_a_table_of_its_figures(measured):
    assert {where: v["badCharts"] for where, v in _each_view(measured, ["1280"]) if v["badCharts"]} == {}
    for name in ("dashboard", "vital-signs", "measure", "highlight-report"):  # the pages with charts have them
        assert measured[("board", name)]["views"]["1280"]["charts"] >= 1, name


@pytest.mark.parametrize("name", sorted(PRINTED))
def test_the_reports_print_their_content_without_the_navigation_buttons_or_forms(measured, name):
    printed = measured[("board", name)]["print"]
    assert printed["navigationHidden"] and printed["footerHidden"], printed
    assert printed["buttonsHidden"] and printed["formsHidden"], printed
    assert printed["mainShown"] and printed["h1Shown"], printed
    assert printed["rows"] > 0 and printed["rowsSplittable"] == 0, printed
    assert printed["tablesScroll"] == 0, printed  # on paper the whole table is printed, not a scrolled part
    assert printed["foldedHidden"] == 0, printed  # figures folded away in <details> are printed open
    if name == "dashboard":
        assert printed["folded"] > 0


def test_the_printed_highlight_report_holds_the_report_and_not_the_page_around_it(measured):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(measured[("board", "highlight-report")]["pdf"]))
    # The first pages carry the heading, the summary and the exceptions, and would carry any header or menu.
    text = " ".join(page.extract_text() for page in reader.pages[:3])
    heading = measured[("board", "highlight-report")]["views"]["1280"]["h1"][0]["text"]
    assert len(reader.pages) >= 2
    assert heading.split(":")[0] in text and "Exceptions" in text
    for chrome in ("Skip to main content", "API tokens", "Sign out", "Action register"):
        assert chrome not in text, chrome


def test_screenshots_of_the_main_pages_at_1280_and_320_px_are_saved_for_review(measured):
    shots = sorted(SCREENSHOTS.glob("*.png"))
    expected = {f"{role}-{name}-{width}.png" for role, name in measured for width in ("1280", "320")}
    assert {shot.name for shot in shots} == expected
    for shot in shots:
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, shot.name


def test_the_probe_finds_what_it_looks_for(browser):
    """The measurements above are only as good as the probe: on a page built to fail, it must fail."""
    page = browser.new_page(viewport={"width": 320, "height": 640})
    page.set_content("""<main>
      <h1 style="width: 600px">A heading wider than the window</h1>
      <table style="width: 900px"><caption>Loose</caption><tr><td>wide</td></tr></table>
      <div tabindex="0" style="overflow-x: auto"><table style="width: 900px"><tr><td>unnamed</td></tr></table></div>
      <strong class="govuk-tag app-rag-tag"></strong><strong class="govuk-tag app-rag-tag">Purple</strong>
      <svg role="img" aria-label="A chart with no table"></svg><svg></svg>
      <input style="position: absolute; top: 0; left: 0; width: 200px">
      <button style="position: absolute; top: 0; left: 0">Go</button>
    </main>""")
    found = page.evaluate(PROBE)
    page.close()
    assert found["scrollWidth"] > found["innerWidth"]
    assert found["wideTables"] == 2 and "no focusable container" in found["badTables"][0]
    assert "container not role=region" in found["badTables"][1] and "container has no name" in found["badTables"][1]
    assert any("A heading wider" in c for c in found["clipped"])
    assert any("overlaps" in o for o in found["overlaps"])
    assert found["tagWords"] == ["", "Purple"]
    assert found["charts"] == 2 and "no table of its figures" in found["badCharts"][0]
    assert "not role=img" in found["badCharts"][1] and "no text alternative" in found["badCharts"][1]
