"""The four roles' journeys through the service in a real browser (issue 14 item 1), and the officer's update
done with the keyboard alone, from the skip link, with a visible focus indicator at each step (item 3).

Each journey signs in through the sign-in page (the admin's through the admin's) and moves by the links and
buttons a person would use; the data comes from the factories, so each test builds only what it needs."""

import csv
import datetime
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from governance.models import Attendance, BoardPack, LogItem
from plans.models import Action, MeasureValue, Milestone, Plan, ProgressUpdate
from plans.services import record_progress
from tests import factories as f
from tests.browser.waiting import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
TODAY = datetime.date.today()
# GOV.UK Frontend's focus colour, $govuk-focus-colour (#ffdd00), as computed styles write it.
FOCUS_YELLOW = "rgb(255, 221, 0)"

# What shows where the keyboard is: the focused element's outline, box-shadow and background, and for a
# radio or checkbox (whose input GOV.UK hides) its label's ::before, which draws the focus ring instead.
FOCUS_STYLE = """() => {
  const el = document.activeElement;
  let styled = el, pseudo = null;
  if (el.matches(".govuk-radios__input, .govuk-checkboxes__input")) {
    styled = document.querySelector(`label[for="${el.id}"]`); pseudo = "::before";
  }
  const s = getComputedStyle(styled, pseudo);
  return {
    tag: el.tagName.toLowerCase(), id: el.id, text: (el.innerText || el.value || "").trim().slice(0, 80),
    href: el.getAttribute("href"), outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth) || 0,
    outlineColor: s.outlineColor, boxShadow: s.boxShadow, background: s.backgroundColor,
  };
}"""


def sign_in(page, live_server, username, path="/account/login/"):
    """Through the sign-in page: opened at `path`, or already open when path is None."""
    if path:
        page.goto(f"{live_server.url}{path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def rate(action, rag, day, **extra):
    action.refresh_from_db()
    record_progress(action=action, author=None, rag=rag, narrative=f"{rag} on {day}", based_on_version=action.version,
                    when=at(day), **extra)


def fill_date(page, name, day):
    page.fill(f"#id_{name}_0", str(day.day))
    page.fill(f"#id_{name}_1", str(day.month))
    page.fill(f"#id_{name}_2", str(day.year))


def focused(page):
    return page.evaluate(FOCUS_STYLE)


def assert_focus_visible(page):
    """The focused element shows GOV.UK's yellow focus: in its outline, box-shadow or background."""
    style = focused(page)
    outlined = style["outlineStyle"] != "none" and style["outlineWidth"] >= 2
    shadowed = style["boxShadow"] not in ("none", "")
    assert outlined or shadowed, f"no focus indicator on {style}"
    assert FOCUS_YELLOW in (style["outlineColor"] if outlined else "") + style["boxShadow"] + style["background"], (
        f"the focus indicator is not GOV.UK's yellow: {style}")
    return style


def wait_for_error_summary_focus(page):
    """GOV.UK Frontend's error summary moves focus to itself once its module has started."""
    wait_until(page, "document.activeElement && document.activeElement.matches('.govuk-error-summary')")


# Officer --------------------------------------------------------------------------------------------------------

@pytest.fixture
def officer_world(db):
    org = f.OrganisationFactory()
    plan = f.PlanFactory(organisation=org, title="Improvement plan 2025", slug="plan-2025", status="approved",
                         start=datetime.date(2025, 1, 1))
    theme = f.ThemeFactory(plan=plan, number="2", title="Workforce")
    lead = f.PersonFactory(organisation=org, name="Jenny Cryer", user=f.user_in_role("Officer", username="jenny"))
    theme.leads.add(lead)
    f.ActionFactory(theme=theme, reference="2.1", activity="Train managers", lead=lead,
                    due_date=TODAY + datetime.timedelta(days=200))
    action = f.OverdueActionFactory(theme=theme, reference="2.6.1", activity="Secure additional resources", lead=lead)
    milestone = f.MilestoneFactory(action=action, text="Business case approved", due_date=TODAY)
    measure = f.MeasureFactory(theme=theme, name="Social worker vacancy rate", owner=lead, polarity="lower")
    return {"action": action, "milestone": milestone, "measure": measure}


def test_officer_updates_an_overdue_action_records_a_milestone_and_enters_a_measure_value(
        live_server, page, officer_world):
    action, measure = officer_world["action"], officer_world["measure"]
    # Signed out, My actions asks for a sign-in first, then opens.
    page.goto(f"{live_server.url}/my-actions/")
    assert "/account/login/" in page.url
    sign_in(page, live_server, "jenny", path=None)
    assert page.title().startswith("My actions")
    row = page.get_by_role("row").filter(has_text="2.6.1")
    assert "Overdue" in row.inner_text() and "Not yet rated" in row.inner_text()
    row.get_by_role("link", name="2.6.1").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Action 2.6.1"
    page.get_by_role("button", name="Update progress").click()

    # Nothing chosen and nothing written: the error summary takes focus and links to each field.
    page.get_by_label("Next steps").fill("Advertise again in March.")
    page.get_by_role("button", name="Save update").click()
    wait_for_error_summary_focus(page)
    assert page.title().startswith("Error: Update action 2.6.1 – ")
    links = page.locator(".govuk-error-summary__list a")
    assert links.all_inner_texts() == ["Choose a rating", "Describe the progress made"]
    assert page.get_by_label("Next steps").input_value() == "Advertise again in March."  # kept
    links.nth(1).click()
    assert page.evaluate("document.activeElement.id") == "id_narrative"
    links.nth(0).click()
    assert page.evaluate("document.activeElement.id") == "id_rag_0"
    # Each field says what is wrong beside it too.
    assert "Describe the progress made" in page.locator("#id_narrative-error").inner_text()

    # Green is refused on an overdue action, with the reason, linked to the ratings; the text is kept.
    page.get_by_label("Green").check()
    page.get_by_label("What progress has been made?").fill("Two agency workers started on Monday.")
    page.get_by_role("button", name="Save update").click()
    wait_for_error_summary_focus(page)
    link = page.locator(".govuk-error-summary__list a")
    assert "cannot be Green" in link.inner_text()
    link.click()
    assert page.evaluate("document.activeElement.id") == "id_rag_0"
    assert page.get_by_label("What progress has been made?").input_value() == "Two agency workers started on Monday."

    page.get_by_label("Amber").check()
    page.get_by_label("What is being done about it?").fill("Interim cover agreed by the head of service.")
    page.get_by_role("button", name="Save update").click()
    assert "Progress on action 2.6.1 saved" in page.locator(".govuk-notification-banner").inner_text()
    assert "Amber" in page.locator("h1 + p").inner_text()
    history = page.locator(".govuk-summary-card").first.inner_text()
    assert "Amber" in history and "Two agency workers started on Monday." in history
    assert "Interim cover agreed by the head of service." in history and "Advertise again in March." in history
    update = ProgressUpdate.objects.get(action=action)
    assert (update.rag, update.author.username) == ("amber", "jenny")

    # The milestone, achieved today.
    page.get_by_role("link", name="Record outcome of Business case approved").click()
    page.get_by_label("Achieved").check()
    fill_date(page, "on", TODAY)
    page.get_by_label("Note").fill("Approved by the finance panel.")
    page.get_by_role("button", name="Save outcome").click()
    assert "Milestone recorded as achieved." in page.locator(".govuk-notification-banner").inner_text()
    assert page.url.endswith(f"{action.get_absolute_url()}#milestones")
    outcome = page.get_by_role("row").filter(has_text="Business case approved").inner_text()
    assert f"Achieved {TODAY:%-d %b %Y}: Approved by the finance panel." in outcome
    assert Milestone.objects.get(pk=officer_world["milestone"].pk).outcome == "achieved"

    # A measure value, from the plan's Vital Signs.
    page.get_by_role("link", name="Improvement plan 2025").click()
    page.get_by_role("link", name="Vital Signs of Improvement plan 2025").click()
    page.get_by_role("link", name="Social worker vacancy rate").click()
    page.get_by_role("button", name="Enter a value").click()
    fill_date(page, "period_end", datetime.date(2025, 3, 31))
    page.get_by_label("Value").fill("17.5")
    page.get_by_role("button", name="Save value").click()
    assert "Value for 31 March 2025 saved." in page.locator(".govuk-notification-banner").inner_text()
    values = page.get_by_role("table", name=f"Every value of {measure.name}, newest first").inner_text()
    assert "31 Mar 2025" in values and "17.5%" in values
    assert MeasureValue.objects.get(measure=measure).value == 17.5


# The same update with the keyboard alone ----------------------------------------------------------------------

def tab_until(page, matches, limit=60, backwards=False):
    """Press Tab (or Shift+Tab) until the focused element satisfies `matches`, checking every stop on the way
    shows a visible focus indicator. Returns the focused element's description."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        style = assert_focus_visible(page)
        if matches(style):
            return style
    raise AssertionError(f"never reached the element after {limit} presses of Tab")


def test_officer_updates_an_action_with_the_keyboard_alone(live_server, browser, officer_world):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/account/login/")
    # GOV.UK Frontend's skip link module moves the focus; a key pressed before the module (a deferred script) has
    # started only scrolls, so wait until it has.
    wait_until(page, "document.querySelector('.govuk-skip-link').hasAttribute('data-govuk-skip-link-init')")

    # The skip link is the first stop, visibly, and moves focus to the main content.
    page.keyboard.press("Tab")
    style = assert_focus_visible(page)
    assert (style["text"], style["href"]) == ("Skip to main content", "#main-content")
    page.keyboard.press("Enter")
    wait_until(page, "document.activeElement.id === 'main-content'")

    tab_until(page, lambda s: s["id"] == "id_username")
    page.keyboard.type("jenny")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to main content"
    tab_until(page, lambda s: s["text"] == "My actions")
    page.keyboard.press("Enter")
    page.wait_for_url("**/my-actions/")
    tab_until(page, lambda s: s["text"] == "2.6.1")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{officer_world['action'].get_absolute_url()}")
    tab_until(page, lambda s: s["text"] == "Update progress")
    page.keyboard.press("Space")  # a link styled as a button answers Space, as a button does (GOV.UK's Button)
    page.wait_for_url("**/update/")

    # The radios are one stop: Tab reaches the first, the arrow keys choose.
    tab_until(page, lambda s: s["id"] == "id_rag_0")
    page.keyboard.press("ArrowDown")
    assert focused(page)["id"] == "id_rag_1"
    assert_focus_visible(page)
    assert page.is_checked("#id_rag_1")  # Amber
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_narrative"
    tab_until(page, lambda s: s["text"] == "Save update")
    page.keyboard.press("Enter")

    wait_for_error_summary_focus(page)
    assert_focus_visible(page)
    assert page.locator(".govuk-error-summary__list a").all_inner_texts() == ["Describe the progress made"]
    assert page.is_checked("#id_rag_1")  # the choice is kept
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Describe the progress made"
    page.keyboard.press("Enter")
    wait_until(page, "document.activeElement.id === 'id_narrative'")
    assert_focus_visible(page)
    page.keyboard.type("Two agency workers started on Monday.")
    tab_until(page, lambda s: s["id"] == "id_mitigation")
    page.keyboard.type("Interim cover agreed by the head of service.")
    # Back up to check Shift+Tab retraces the order, then on to the button.
    tab_until(page, lambda s: s["id"] == "id_next_steps", backwards=True)
    tab_until(page, lambda s: s["text"] == "Save update")
    page.keyboard.press("Enter")

    page.wait_for_url(f"**{officer_world['action'].get_absolute_url()}")
    assert "Progress on action 2.6.1 saved" in page.locator(".govuk-notification-banner").inner_text()
    assert "Two agency workers started on Monday." in page.locator(".govuk-summary-card").first.inner_text()
    update = ProgressUpdate.objects.get(action=officer_world["action"])
    assert (update.rag, update.mitigation) == ("amber", "Interim cover agreed by the head of service.")
    context.close()


# Board member ---------------------------------------------------------------------------------------------------

@pytest.fixture
def board_world(db):
    org = f.OrganisationFactory()
    board = f.BoardFactory(organisation=org, name="Improvement Board", slug="improvement-board")
    plan = f.PlanFactory(organisation=org, board=board, title="Improvement plan 2024", slug="plan-2024",
                         status="approved", start=datetime.date(2024, 1, 1))
    theme = f.ThemeFactory(plan=plan, number="1", title="Front door")
    late = f.ActionFactory(theme=theme, reference="1.1", activity="Recruit social workers",
                           due_date=datetime.date(2024, 12, 31))
    rate(late, "green", datetime.date(2024, 3, 1))
    rate(late, "red", datetime.date(2024, 6, 1), mitigation="Agency staff booked")
    done = f.ActionFactory(theme=theme, reference="1.2", activity="Open the hub", due_date=datetime.date(2024, 9, 30))
    rate(done, "blue", datetime.date(2024, 6, 3), evidence="Hub opened: audit report")
    measure = f.MeasureFactory(theme=theme, name="Contacts decided within a day", target=90)
    f.MeasureValueFactory(measure=measure, period_end=datetime.date(2024, 3, 31), value=72)
    f.MeetingFactory(board=board, start=at(datetime.date(2024, 4, 16)), papers_deadline=datetime.date(2024, 4, 10))
    meeting = f.MeetingFactory(board=board, start=at(datetime.date(2024, 6, 18)),
                               papers_deadline=datetime.date(2024, 6, 12))
    item = f.AgendaItemFactory(meeting=meeting, title="Front door deep dive", number="4")
    item.plans.add(plan)
    item.themes.add(theme)
    member = f.PersonFactory(organisation=org, name="Bea Member", user=f.user_in_role("Board member", username="bea"))
    f.MembershipFactory(board=board, person=member)
    return {"meeting": meeting, "plan": plan, "theme": theme}


def test_board_member_reads_a_dashboard_a_report_its_downloads_the_register_and_a_deep_dive(
        live_server, browser, board_world):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_server, "bea")

    # The dashboard, from the home page's table of plans, at a meeting's dates.
    page.get_by_role("row").filter(has_text="Improvement plan 2024").locator(
        "a[href='/plans/plan-2024/dashboard/']").click()
    assert page.title().startswith("Dashboard")
    page.get_by_text("Change the dates").click()
    fill_date(page, "as_at", datetime.date(2024, 6, 12))
    fill_date(page, "compare", datetime.date(2024, 4, 10))
    page.get_by_role("button", name="Show the position").click()
    assert "as_at=2024-06-12" in page.url and "compare=2024-04-10" in page.url
    text = page.locator("main").inner_text()
    assert "12 June 2024" in text and "10 April 2024" in text
    moved = page.locator("table").filter(has_text="Movement")
    assert "Worse" in moved.get_by_role("row").filter(has_text="1.1").inner_text()  # Green to Red
    assert "Completed" in moved.get_by_role("row").filter(has_text="1.2").inner_text()  # went Blue

    # The meeting, through Boards, and its highlight report with both downloads.
    page.get_by_role("link", name="Boards", exact=True).click()
    page.get_by_role("link", name="Improvement Board").click()
    page.get_by_role("link", name="18 June 2024").click()
    page.get_by_role("link", name="Highlight report and board packs").click()
    assert "1 action moved to Red since 10 April 2024." in page.locator("main").inner_text()
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download the live report as a PDF").click()
    reader = PdfReader(pdf.value.path())
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and bool(root["/MarkInfo"]["/Marked"])  # a tagged PDF
    assert len(reader.pages) >= 2 and "Improvement Board" in reader.pages[0].extract_text()
    with page.expect_download() as docx:
        page.get_by_role("link", name="Download it as a Word document").click()
    document = Document(docx.value.path())
    headings = [p.style.name for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Heading 1" in headings and "Heading 2" in headings

    # The register, filtered to Red through its form, and its CSV.
    page.get_by_role("link", name="Action register").click()
    page.get_by_label("RAG").select_option(label="Red")
    page.get_by_role("button", name="Apply filters").click()
    assert "rag=red" in page.url
    assert "1 action match these filters." in page.get_by_role("status").inner_text()
    with page.expect_download() as rows:
        page.get_by_role("link", name="Download these 1 row as CSV").click()
    with open(rows.value.path(), encoding="utf-8-sig") as file:
        table = list(csv.DictReader(io.StringIO(file.read())))
    assert [(row["Action"], row["Activity"]) for row in table] == [
        ("1.1", "Recruit social workers")]

    # The Vital Signs from the plan's page, and the deep dive from the meeting's agenda.
    page.goto(f"{live_server.url}{board_world['plan'].get_absolute_url()}")
    page.get_by_role("link", name="Vital Signs of Improvement plan 2024").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Vital Signs")
    assert "Contacts decided within a day" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}{board_world['meeting'].get_absolute_url()}")
    # A visually hidden span is a block to the name computation, hence a space before its comma.
    page.get_by_role("link", name=re.compile(r"^Theme 1: Front door\s*, as at 12 June 2024$")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Theme 1: Front door"
    deep_dive = page.locator("main").inner_text()
    assert "As at 12 June 2024" in deep_dive and "Action 1.1" in deep_dive and "Action 1.2" in deep_dive
    context.close()


# Clerk ------------------------------------------------------------------------------------------------------

@pytest.fixture
def clerk_world(db):
    org = f.OrganisationFactory()
    board = f.BoardFactory(organisation=org, name="Improvement Board", slug="improvement-board")
    plan = f.PlanFactory(organisation=org, board=board, title="Improvement plan 2024", slug="plan-2024",
                         status="approved", start=datetime.date(2024, 1, 1))
    f.ActionFactory(theme=f.ThemeFactory(plan=plan, number="1", title="Front door"), reference="1.1")
    meeting = f.MeetingFactory(board=board, start=at(TODAY - datetime.timedelta(days=7)),
                               papers_deadline=TODAY - datetime.timedelta(days=14))
    f.AgendaItemFactory(meeting=meeting, title="Progress on the plan").plans.add(plan)
    chair = f.PersonFactory(organisation=org, name="Cath Chair")
    f.MembershipFactory(board=board, person=chair, role="chair")
    clerk = f.PersonFactory(organisation=org, name="Colin Clerk", user=f.user_in_role("Board member", username="colin"))
    f.ClerkMembershipFactory(board=board, person=clerk)
    return {"meeting": meeting, "chair": chair}


def test_clerk_records_attendance_and_an_action_then_issues_the_pack(live_server, browser, clerk_world):
    meeting, chair = clerk_world["meeting"], clerk_world["chair"]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_server, "colin")
    page.get_by_role("link", name="Boards", exact=True).click()
    page.get_by_role("link", name="Improvement Board").click()
    page.get_by_role("link", name=f"{meeting.start:%-d %B %Y}").click()

    page.get_by_role("link", name="Record attendance, apologies and declarations of interest").click()
    page.get_by_label("Person").select_option(label="Cath Chair")
    page.get_by_label("Present", exact=True).check()
    page.get_by_label("Declarations of interest (optional)").fill("Item 1: a relative works in the front door.")
    page.get_by_role("button", name="Save attendance").click()
    assert "Attendance of Cath Chair recorded." in page.locator(".govuk-notification-banner").inner_text()
    assert "Cath Chair: present (declared an interest)" in page.locator("main").inner_text()
    assert Attendance.objects.get(meeting=meeting, person=chair).status == "present"

    page.get_by_role("link", name="Back to the meeting").last.click()
    attendance = page.locator("dl").filter(has_text="Declarations of interest").inner_text()
    assert "Cath Chair" in attendance and "a relative works in the front door" in attendance
    page.get_by_role("button", name="Add a decision, action or recommendation").click()
    page.get_by_label("Action", exact=True).check()
    page.get_by_label("What the meeting decided or asked for").fill("Report agency spend to the next meeting.")
    page.get_by_label("Owner (optional for a decision)").select_option(label="Cath Chair")
    fill_date(page, "due_date", TODAY + datetime.timedelta(days=30))
    page.get_by_role("button", name="Add to the log").click()
    assert "Added to the action log." in page.locator(".govuk-notification-banner").inner_text()
    assert "Report agency spend to the next meeting." in page.locator("main").inner_text()
    item = LogItem.objects.get(meeting=meeting)
    assert (item.kind, item.owner, item.due_date) == ("action", chair, TODAY + datetime.timedelta(days=30))

    page.get_by_role("link", name="Highlight report and board packs").click()
    page.get_by_role("button", name="Issue the pack").click()
    page.get_by_role("button", name="Issue the pack").click()
    assert "Version 1 of the pack was issued" in page.locator(".govuk-notification-banner").inner_text()
    pack = BoardPack.objects.get(meeting=meeting)
    assert pack.version == 1
    with page.expect_download() as issued:
        page.get_by_role("link", name=re.compile(r"^PDF\s*, version 1$")).click()
    assert Path(issued.value.path()).read_bytes() == bytes(pack.pdf)  # the stored bytes, unchanged
    context.close()


# Admin ------------------------------------------------------------------------------------------------------

HEADER = ["plan", "version", "theme", "theme_title", "objective", "objective_text", "action", "activity",
          "desired_outcome", "timeline", "due_date", "lead", "codes", "rag", "progress_update"]
GOOD_ROWS = [
    ["Family help plan", "1.0", 1, "Leadership", "1.1", "Strong leaders", "1.1.1", "Appoint a permanent director",
     "A stable senior team", "March 2026", datetime.datetime(2026, 3, 31), "Jim Hopkinson", "", "Green",
     "Interviews held"],
    ["Family help plan", "1.0", 1, "", "1.1", "", "1.1.2", "Publish a workforce strategy", "", "", "31/12/2026",
     "", "", "", ""],
    ["Family help plan", "1.0", 2, "Help and protection", "", "", "2.1", "Review the front door",
     "Timely decisions", "", "", "New Lead", "", "Amber", "Some slippage"],
]


def workbook(rows, tmp_path, name) -> str:
    book = openpyxl.Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    path = tmp_path / name
    book.save(path)
    return str(path)


def test_admin_imports_a_plan_spreadsheet_and_invites_a_user(live_server, browser, tmp_path, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    org = f.OrganisationFactory()
    f.PersonFactory(organisation=org, name="Jim Hopkinson", initials="JH")
    f.user_in_role("Admin", username="ada", is_staff=True)
    bad = [list(row) for row in GOOD_ROWS]
    bad[0][13] = "Purple"
    bad[2][7] = ""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.get_by_role("link", name="Plans", exact=True).first.click()
    page.get_by_role("link", name="Import a plan from a spreadsheet").click()
    page.get_by_label("Spreadsheet").set_input_files(workbook(bad, tmp_path, "bad.xlsx"))
    page.get_by_role("button", name="Check and import").click()
    errors = page.locator("#import-errors")
    assert "2 problems to fix. Nothing was saved." in errors.inner_text()
    assert errors.locator("li").all_inner_texts() == [
        "row 2, column rag: 'Purple' is not a RAG rating: use Red, Amber, Green, Blue or Not yet rated",
        "row 4, column activity: a value is required",
    ]
    assert not Plan.objects.exists()

    page.get_by_label("Spreadsheet").set_input_files(workbook(GOOD_ROWS, tmp_path, "good.xlsx"))
    page.get_by_label("Dry run: check the file and show what would change, without saving anything").uncheck()
    page.get_by_role("button", name="Check and import").click()
    result = page.locator("#import-result")
    assert result.get_by_role("heading").inner_text() == "Imported"
    counts = {row.locator("th").inner_text(): row.locator("td").first.inner_text()
              for row in result.locator("tbody tr").all()}
    assert counts == {"Themes": "2", "Objectives": "1", "Actions": "3", "People": "1", "Progress updates added": "2"}
    plan = Plan.objects.get(title="Family help plan")
    assert (plan.organisation, Action.objects.filter(theme__plan=plan).count()) == (org, 3)

    page.get_by_role("link", name="Home").first.click()
    page.get_by_role("link", name="Users").first.click()
    page.get_by_role("link", name="Add user").first.click()
    page.get_by_label("Full name").fill("Sam Okafor")
    page.get_by_label("Email").fill("sam.okafor@example.org")
    page.get_by_label("Job title").fill("Service manager")
    page.get_by_label("Officer").check()
    page.get_by_role("button", name="Save", exact=True).click()
    assert "A link to set their password was emailed to sam.okafor@example.org." in page.locator(
        ".messagelist").inner_text()
    user = get_user_model().objects.get(username="sam.okafor@example.org")
    assert [g.name for g in user.groups.all()] == ["Officer"] and user.person.organisation == org
    assert [m.to for m in mail.outbox] == [["sam.okafor@example.org"]]
    context.close()
