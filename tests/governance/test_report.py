"""The highlight report: one context for the page, the PDF and the Word file, against known data."""

import datetime
import io
import json

import docx
import pypdf
from django.urls import reverse

from governance import report as report_module
from governance.report import build_report
from plans.rag import RAG
from tests import factories as f
from tests.governance import report_world
from tests.governance.report_world import AS_AT, PREVIOUS, loaded, rate

world = report_world.world  # the fixture


def outline_titles(outline) -> list[str]:
    titles = []
    for item in outline:
        titles += outline_titles(item) if isinstance(item, list) else [item["/Title"]]
    return titles


def refs(rows):
    return [r["reference"] for r in rows]


def test_it_reports_as_at_the_position_date_against_the_previous_meeting(world):
    report = build_report(world.meeting)
    assert report["as_at"] == AS_AT
    assert report["compare_date"] == PREVIOUS
    assert report["compare_meeting"] == world.previous
    assert report["next_meeting"] == world.upcoming
    assert [p["plan"] for p in report["plans"]] == [world.plan]
    # 2.3 joined the plan after the papers deadline.
    assert refs(report["rows"]) == ["1.1", "1.2", "1.3", "2.1", "2.2"]


def test_the_summary_says_in_words_what_moved(world):
    summary = build_report(world.meeting)["summary"]
    assert "1 action moved to Red since 12 June 2024." in summary
    assert "1 action overdue." in summary
    assert "1 action completed since 12 June 2024." in summary
    assert "1 milestone due before the next meeting on 28 August 2024." in summary
    assert "1 Vital Sign moved since 12 June 2024, of 2." in summary
    assert "By rating: 1 Red, 1 Amber, 0 Not yet rated, 2 Green, 1 Blue." in summary


def test_the_exceptions_are_red_overdue_and_revised_dates_with_reasons(world):
    report = build_report(world.meeting)
    assert refs(report["red"]) == ["1.1"]
    assert report["red"][0]["was_rag"] == RAG.GREEN
    assert report["red"][0]["update"].mitigation == "Agency staff booked"
    assert refs(report["overdue"]) == ["1.2"]
    revised = {d["row"]["reference"]: d for d in report["revised"]}
    assert revised["2.1"]["kind"] == "Due date moved"
    assert revised["2.1"]["reason"] == "Board agreed to include residential placements"
    assert str(revised["2.1"]["to"]) == "2024-10-31"
    assert revised["1.1"]["kind"] == "Revised date forecast"
    assert revised["1.1"]["reason"] == "Agency staff booked"


def test_it_lists_completions_with_evidence_and_milestones_either_side(world):
    report = build_report(world.meeting)
    assert refs(report["completed"]) == ["1.3"]
    assert report["completed"][0]["evidence"] == "Hub opened 4 July: audit report"
    assert report["milestones_due"] == [world.due_soon]  # the second cohort falls after the next meeting
    assert [(d["milestone"], d["outcome"]) for d in report["milestones_done"]] == [(world.achieved, "Achieved")]


def test_it_lists_the_vital_signs_that_moved_impact_questions_and_matters_arising(world):
    report = build_report(world.meeting)
    [moved] = report["measures_moved"]
    assert moved["measure"] == world.measure
    assert (moved["shown"], moved["previous_shown"]) == ("74%", "70%")
    assert moved["direction"].label == "Improving"
    assert moved["rating_label"] == "Red"  # 6 short of 80, beyond the tolerance of 5
    assert [i["level"] for i in report["impact"]] == ["Not yet evident"]
    assert report["impact"][0]["new"] is True
    questions = [q["question"] for q in report["questions"]]
    assert "Went from Green straight to Red: 1 action in Improvement Plan (1.1)." in questions
    assert "No update since the board last met: 2 actions in Improvement Plan (1.2, 2.2)." in questions
    assert any("impact is not yet evident" in q for q in questions)
    assert report["matters"] == [world.open_item]


def test_a_question_names_its_first_actions_and_counts_the_rest(world, monkeypatch):
    monkeypatch.setattr(report_module, "QUESTION_REFERENCES", 1)
    questions = [q["question"] for q in build_report(world.meeting)["questions"]]
    assert ("No update since the board last met: 2 actions in Improvement Plan (1.2 and 1 more: the plan's "
            "dashboard lists them all).") in questions
    assert "Went from Green straight to Red: 1 action in Improvement Plan (1.1)." in questions


def test_a_question_asked_of_two_plans_comes_plan_by_plan_and_says_why_once(world, client):
    second = f.PlanFactory(organisation=world.org, board=world.board, title="Second Plan", status="approved",
                           start=datetime.date(2024, 2, 1))
    jumped = loaded(theme=f.ThemeFactory(plan=second, number="1"), reference="1.9", activity="Jump")
    rate(jumped, "green", datetime.date(2024, 6, 1))
    rate(jumped, "red", datetime.date(2024, 7, 1))
    questions = build_report(world.meeting)["questions"]
    jumps = [i for i, q in enumerate(questions) if q["question"].startswith("Went from Green straight to Red")]
    assert [questions[i]["question"] for i in jumps] == [
        "Went from Green straight to Red: 1 action in Improvement Plan (1.1).",
        "Went from Green straight to Red: 1 action in Second Plan (1.9)."]
    assert jumps[1] == jumps[0] + 1
    assert [questions[i]["why_shown"] for i in jumps] == [True, False]
    assert questions[jumps[0]]["why"] == questions[jumps[1]]["why"] != ""
    client.force_login(world.member.user)
    page = client.get(reverse("governance:report", args=[world.meeting.pk])).content.decode()
    section = page.split('id="questions-heading"')[1].split("</section>")[0]
    assert section.count("Why it matters: Green straight to Red") == 1


def test_the_figures_are_json_and_come_from_the_same_context(world):
    report = build_report(world.meeting)
    figures = json.loads(json.dumps(report["figures"]))
    assert figures["as_at"] == "2024-07-10"
    assert figures["actions"][str(world.moved_to_red.pk)]["rag"] == "red"
    assert figures["plans"][str(world.plan.pk)]["counts"]["red"] == 1
    assert figures["moved_to_red"] == [world.moved_to_red.pk]
    assert figures["measures"][str(world.measure.pk)]["value"] == "74%"


def test_the_page_shows_every_section_in_order(client, world, django_assert_max_num_queries):
    client.force_login(world.member.user)
    # Queries: session, user, meeting, comparison/next meetings, plans (2), actions now and then, updates,
    # due-date history, milestones (2), measures and values, impact, matters arising, packs, clerk check (few).
    with django_assert_max_num_queries(30):
        response = client.get(reverse("governance:report", args=[world.meeting.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    headings = ["Summary", "Exceptions", "Completed since the last meeting", "Milestones", "Vital Signs that moved",
                "Theme impact assessments", "Questions for the board", "Matters arising from the action log"]
    positions = [html.index(f'-heading">{h}</h2>') for h in headings]
    assert positions == sorted(positions)
    assert "1 action moved to Red since 12 June 2024." in html
    assert "style=" not in html
    assert 'media="print"' in html


def test_the_pdf_is_tagged_a4_with_bookmarks_and_page_numbers(client, world):
    client.force_login(world.member.user)
    response = client.get(reverse("governance:report_pdf", args=[world.meeting.pk]))
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"
    assert reader.metadata.title == "Improvement Board: highlight report for the meeting of 17 July 2024"
    assert len(reader.pages) >= 9  # cover and contents, then one page per section at least
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    titles = outline_titles(reader.outline)
    assert titles[0] == "Highlight report"  # the cover's h1, with every section's h2 and h3 beneath it
    assert {"Contents", "Summary", "Exceptions", "Red actions", "Matters arising from the action log"} <= set(titles)
    second = reader.pages[1].extract_text()
    assert f"Page 2 of {len(reader.pages)}" in second
    assert "Improvement Board · 17 July 2024" in second
    assert "Live report" in reader.pages[0].extract_text()


def test_the_word_file_has_real_headings_and_repeating_header_rows(client, world):
    client.force_login(world.member.user)
    response = client.get(reverse("governance:report_docx", args=[world.meeting.pk]))
    document = docx.Document(io.BytesIO(response.content))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert ("Heading 1", "Summary") in headings
    assert ("Heading 1", "Matters arising from the action log") in headings
    assert ("Heading 2", "Red actions") in headings
    assert document.core_properties.title.startswith("Improvement Board: highlight report")
    assert document.tables
    for table in document.tables:
        header = table.rows[0]._tr.trPr
        assert header is not None and header.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    assert "Agency staff booked" in {c.text for t in document.tables for row in t.rows for c in row.cells}


def test_a_meeting_with_no_earlier_meeting_compares_with_28_days_before(world):
    report = build_report(world.previous)
    assert report["compare_meeting"] is None
    assert str(report["compare_date"]) == "2024-05-15"
    assert "28 days earlier" in report["summary"][0]


def _grow(world, n):
    """n more of everything the report lists, so a query count that grows with the data shows up."""
    from governance.models import LogItem
    from tests import factories as f

    for i in range(n):
        action = report_world.loaded(theme=world.theme, reference=f"9.{i}", lead=world.lead,
                                     due_date=datetime.date(2024, 6, 1))
        report_world.rate(action, "red", datetime.date(2024, 7, 1), revised_due_date=datetime.date(2024, 12, 1))
        f.MilestoneFactory(action=action, due_date=datetime.date(2024, 8, 1))
        measure = f.MeasureFactory(theme=world.theme, target=50)
        f.MeasureValueFactory(measure=measure, period_end=datetime.date(2024, 6, 30), value=40,
                              entered_at=report_world.at(datetime.date(2024, 7, 2)))
        LogItem.objects.create(meeting=world.previous, text=f"Open item {i}")


def test_the_report_page_runs_a_fixed_number_of_queries(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance.packs import issue_pack

    issue_pack(meeting=world.meeting, user=world.admin)  # so the page also diffs against a pack
    client.force_login(world.member.user)
    url = reverse("governance:report", args=[world.meeting.pk])
    counts = []
    for n in (0, 3):
        _grow(world, n)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    # Growing the data only adds differences from the issued pack: naming the changed milestones and log items
    # costs one query per kind, never one per row.
    assert counts[0] <= counts[1] <= counts[0] + 2, counts


def test_a_long_list_shows_its_first_rows_and_says_how_many_more(client, world):
    from governance.report import LIST_LIMIT

    _grow(world, LIST_LIMIT + 2)
    report = build_report(world.meeting)
    red = report["red"]
    assert len(red) > LIST_LIMIT
    assert report["shown"]["red"] == red[:LIST_LIMIT]
    assert report["more"]["red"] == len(red) - LIST_LIMIT
    # The figures a pack stores and the summary still cover every row.
    assert {str(r["pk"]) for r in red} <= set(report["figures"]["actions"])
    assert f"{len(report['moved_to_red'])} actions moved to Red since 12 June 2024." in report["summary"]
    line = f"Listed: the first {LIST_LIMIT} of {len(red)}, in plan order."
    client.force_login(world.member.user)
    html = client.get(reverse("governance:report", args=[world.meeting.pk])).content.decode()
    red_table = html[html.index("Actions rated Red as at"):html.index("Overdue actions")]
    assert red_table.count('<tr class="govuk-table__row">') == LIST_LIMIT + 1  # the header row too
    assert line in red_table
    word = docx.Document(io.BytesIO(client.get(reverse("governance:report_docx", args=[world.meeting.pk])).content))
    assert line + " The action register lists every action." in [p.text for p in word.paragraphs]
