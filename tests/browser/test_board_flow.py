"""A board member signs in, reads a plan's dashboard at a meeting's date, then the meeting's highlight report,
downloads its PDF and Word file, and downloads the register's red rows."""

import csv
import datetime
import io
import zipfile

import pytest
from django.utils import timezone
from pypdf import PdfReader

from plans.services import record_progress
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def rate(action, rag, day, **extra):
    action.refresh_from_db()
    record_progress(action=action, author=None, rag=rag, narrative=f"{rag} on {day}", based_on_version=action.version,
                    when=at(day), **extra)


@pytest.fixture
def board_world(db):
    org = f.OrganisationFactory(name="Demo Council")
    board = f.BoardFactory(organisation=org, name="Improvement Board")
    plan = f.PlanFactory(organisation=org, board=board, title="Improvement plan 2024", slug="plan-2024",
                         status="approved", start=datetime.date(2024, 1, 1))
    theme = f.ThemeFactory(plan=plan, number="1", title="Front door")
    late = f.ActionFactory(theme=theme, reference="1.1", activity="Recruit social workers",
                           due_date=datetime.date(2024, 12, 31))
    rate(late, "green", datetime.date(2024, 3, 1))
    rate(late, "red", datetime.date(2024, 6, 1), mitigation="Agency staff booked")
    done = f.ActionFactory(theme=theme, reference="1.2", activity="Open the hub", due_date=datetime.date(2024, 9, 30))
    rate(done, "blue", datetime.date(2024, 6, 3), evidence="Hub opened: audit report")
    f.MeetingFactory(board=board, start=at(datetime.date(2024, 4, 16)), papers_deadline=datetime.date(2024, 4, 10))
    meeting = f.MeetingFactory(board=board, start=at(datetime.date(2024, 6, 18)), papers_deadline=datetime.date(2024, 6, 12))
    member = f.PersonFactory(organisation=org, name="Bea Member", user=f.user_in_role("Board member", username="bea"))
    f.MembershipFactory(board=board, person=member)
    return meeting


def test_board_member_reads_the_position_at_a_meeting_and_downloads_its_papers(live_server, browser, board_world):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("bea")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()

    page.locator("a[href='/plans/plan-2024/dashboard/']").first.click()
    assert "Dashboard" in page.title()
    page.get_by_text("Change the dates").click()
    for name, day in (("as_at", datetime.date(2024, 6, 12)), ("compare", datetime.date(2024, 4, 10))):
        page.fill(f"#id_{name}_0", str(day.day))
        page.fill(f"#id_{name}_1", str(day.month))
        page.fill(f"#id_{name}_2", str(day.year))
    page.get_by_role("button", name="Show the position").click()
    assert "as_at=2024-06-12" in page.url and "compare=2024-04-10" in page.url
    text = page.locator("main").inner_text()
    assert "12 June 2024" in text and "10 April 2024" in text
    moved = page.locator("table").filter(has_text="Movement")
    assert "Worse" in moved.get_by_role("row").filter(has_text="1.1").inner_text()  # Green to Red
    assert "Completed" in moved.get_by_role("row").filter(has_text="1.2").inner_text()  # went Blue

    page.goto(f"{live_server.url}{board_world.get_absolute_url()}")
    page.get_by_role("link", name="Highlight report and board packs").click()
    report = page.locator("main").inner_text()
    assert "1 action moved to Red since 10 April 2024." in report
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download the live report as a PDF").click()
    reader = PdfReader(pdf.value.path())
    assert len(reader.pages) >= 2 and "/StructTreeRoot" in reader.trailer["/Root"]
    with page.expect_download() as docx:
        page.get_by_role("link", name="Download it as a Word document").click()
    assert "word/document.xml" in zipfile.ZipFile(docx.value.path()).namelist()

    page.goto(f"{live_server.url}/register/?rag=red")
    with page.expect_download() as rows:
        page.get_by_role("link", name="Download these 1 row as CSV").click()
    with open(rows.value.path(), encoding="utf-8-sig") as file:
        table = list(csv.DictReader(io.StringIO(file.read())))
    assert [row.get("Action") or row.get("reference") for row in table] == ["1.1"]
    context.close()
