"""The position feed: its layout and key order, the as-at rule, CSV, errors and its query budget."""

import csv
import datetime
import io
import json
import zoneinfo

import pytest
from django.urls import reverse

from plans import exports
from plans.models import Action
from plans.rag import RAG
from tests import factories as f

LONDON = zoneinfo.ZoneInfo("Europe/London")
COUNT_KEYS = ["Not yet rated", "Red", "Amber", "Green", "Blue"]
ACTION_KEYS = ["theme", "reference", "rag", "rated_at", "due_date", "lead", "lead_name"]


def at(day, hour=12, minute=0):
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def feed(client, plan, **params):
    return client.get(reverse("plans:position_feed", args=[plan.slug]), params)


@pytest.fixture
def signed_in(client, cast):
    client.force_login(cast.board.user)
    return client


def test_the_layout_has_its_keys_in_the_documented_order(signed_in, cast):
    f.ProgressUpdateFactory(action=cast.action, rag=RAG.AMBER, created_at=at(datetime.date(2024, 3, 1)))
    response = feed(signed_in, cast.plan, as_at="2024-03-31")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = json.loads(response.content)  # json keeps the order it reads
    assert list(document) == ["plan", "as_at", "counts", "themes", "actions", "restricted", "exemption_paragraph"]
    assert document["plan"] == cast.plan.slug and document["as_at"] == "2024-03-31"
    assert list(document["counts"]) == COUNT_KEYS
    assert [list(theme) for theme in document["themes"]] == [["number", "title", "counts"]]
    assert list(document["themes"][0]["counts"]) == COUNT_KEYS
    assert [list(action) for action in document["actions"]] == [ACTION_KEYS]
    assert document["actions"][0]["rag"] == "Amber"


def test_as_at_a_past_day_counts_the_ratings_and_due_dates_of_that_day(signed_in, cast):
    plan = cast.plan
    theme = cast.action.theme
    other_theme = f.ThemeFactory(plan=plan, number="3b", title="Youth justice", order=theme.order + 1)
    moved = f.ActionFactory(theme=theme, reference="1.2", due_date=datetime.date(2024, 3, 31), order=cast.action.order + 1)
    record = moved.history.get()
    record.history_date = at(datetime.date(2024, 1, 1))
    record.save()
    moved.due_date = datetime.date(2024, 6, 30)
    moved.save()
    later = moved.history.order_by("-history_date").first()
    later.history_date = at(datetime.date(2024, 4, 15))
    later.save()
    f.ProgressUpdateFactory(action=moved, rag=RAG.RED, created_at=at(datetime.date(2024, 2, 1)))
    f.ProgressUpdateFactory(action=moved, rag=RAG.GREEN, created_at=at(datetime.date(2024, 5, 1)))
    # Added to the plan after the day asked about: not in the plan then.
    f.ActionFactory(theme=other_theme, reference="3b.1", added_on=datetime.date(2024, 4, 10))

    early = json.loads(feed(signed_in, plan, as_at="2024-04-01").content)
    assert [(a["theme"], a["reference"], a["rag"], a["due_date"]) for a in early["actions"]] == [
        (theme.number, "2.6.1", "Not yet rated", cast.action.due_date.isoformat()),
        (theme.number, "1.2", "Red", "2024-03-31"),
    ]
    assert early["counts"] == {"Not yet rated": 1, "Red": 1, "Amber": 0, "Green": 0, "Blue": 0}
    assert [(t["number"], t["counts"]["Red"], sum(t["counts"].values())) for t in early["themes"]] == [
        (theme.number, 1, 2), ("3b", 0, 0)]

    late = json.loads(feed(signed_in, plan, as_at="2024-05-02").content)
    by_reference = {a["reference"]: a for a in late["actions"]}
    assert by_reference["1.2"]["rag"] == "Green" and by_reference["1.2"]["due_date"] == "2024-06-30"
    assert by_reference["3b.1"]["rag"] == "Not yet rated"
    assert late["counts"]["Green"] == 1 and sum(late["counts"].values()) == 3


def test_rated_at_is_the_time_of_the_rating_update_with_its_offset(signed_in, cast):
    f.ProgressUpdateFactory(action=cast.action, rag=RAG.GREEN, created_at=at(datetime.date(2024, 7, 1), 11, 30))
    f.ProgressUpdateFactory(action=cast.action, rag=RAG.AMBER, created_at=at(datetime.date(2024, 12, 2), 9, 0))
    summer = json.loads(feed(signed_in, cast.plan, as_at="2024-07-01").content)["actions"][0]
    assert summer["rated_at"] == "2024-07-01T11:30:00+01:00"  # British Summer Time
    winter = json.loads(feed(signed_in, cast.plan, as_at="2024-12-31").content)["actions"][0]
    assert (winter["rag"], winter["rated_at"]) == ("Amber", "2024-12-02T09:00:00+00:00")
    before = json.loads(feed(signed_in, cast.plan, as_at="2024-06-30").content)["actions"][0]
    assert (before["rag"], before["rated_at"]) == ("Not yet rated", None)


def test_an_update_late_on_the_day_counts_for_that_day(signed_in, cast):
    f.ProgressUpdateFactory(action=cast.action, rag=RAG.RED, created_at=at(datetime.date(2024, 6, 30), 23, 59))
    assert json.loads(feed(signed_in, cast.plan, as_at="2024-06-30").content)["actions"][0]["rag"] == "Red"
    assert json.loads(feed(signed_in, cast.plan, as_at="2024-06-29").content)["actions"][0]["rag"] == "Not yet rated"


def test_as_at_defaults_to_today_in_london(signed_in, cast, settings):
    from django.utils import timezone

    document = json.loads(feed(signed_in, cast.plan).content)
    assert document["as_at"] == timezone.localdate().isoformat()


def test_lead_and_lead_name_are_as_in_the_json_export(signed_in, cast):
    cast.action.lead_as_printed = "JC"
    cast.action.save()
    f.ActionFactory(theme=cast.action.theme, reference="9.9", lead=None, lead_as_printed="")
    feed_actions = json.loads(feed(signed_in, cast.plan).content)["actions"]
    exported = json.loads(exports.export_plan(cast.plan, "json"))["themes"][0]["actions"]
    assert [(a["lead"], a["lead_name"]) for a in feed_actions] == [(a["lead"], a["lead_name"]) for a in exported]
    assert [(a["lead"], a["lead_name"]) for a in feed_actions] == [("JC", "Jenny Cryer"), (None, None)]


def test_csv_gives_one_row_per_action_with_the_feed_columns(signed_in, cast):
    f.ProgressUpdateFactory(action=cast.action, rag=RAG.BLUE, evidence="Audit", created_at=at(datetime.date(2024, 1, 5)))
    f.ActionFactory(theme=cast.action.theme, reference="2.6.2", lead_as_printed="=HYPERLINK(\"http://x\")")
    response = feed(signed_in, cast.plan, as_at="2024-02-01", format="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"{cast.plan.slug}-position-2024-02-01.csv" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == ACTION_KEYS
    assert table[1] == [cast.action.theme.number, "2.6.1", "Blue", "2024-01-05T12:00:00+00:00",
                        cast.action.due_date.isoformat(), "", "Jenny Cryer"]
    assert table[2][1] == "2.6.2" and table[2][2] == "Not yet rated" and table[2][3] == ""
    assert table[2][5] == "'=HYPERLINK(\"http://x\")"  # a spreadsheet shows it as text, never runs it
    assert len(table) == 3


@pytest.mark.parametrize(("value", "says"), [
    ("31/03/2024", "YYYY-MM-DD"),
    ("2024-3-1", "YYYY-MM-DD"),
    ("20240301", "YYYY-MM-DD"),
    ("2024-02-30", "not a real date"),
    ("2999-01-01", "in the future"),
])
def test_a_bad_date_answers_400_json_saying_what_is_wrong(signed_in, cast, value, says):
    response = feed(signed_in, cast.plan, as_at=value)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert says in response.json()["error"]


def test_an_unknown_format_answers_400(signed_in, cast):
    response = feed(signed_in, cast.plan, format="xml")
    assert response.status_code == 400 and "json or csv" in response.json()["error"]


def test_an_unknown_plan_answers_404_json(signed_in):
    response = signed_in.get(reverse("plans:position_feed", args=["no-such-plan"]))
    assert response.status_code == 404
    assert "no-such-plan" in response.json()["error"]


def test_the_feed_reads_only_with_get(signed_in, cast):
    assert signed_in.post(reverse("plans:position_feed", args=[cast.plan.slug])).status_code == 405


def _grow(plan, themes, per_theme):
    for _ in range(themes):
        theme = f.ThemeFactory(plan=plan)
        for a in range(per_theme):
            action = f.ActionFactory(theme=theme, lead=f.PersonFactory(organisation=plan.organisation))
            f.ProgressUpdateFactory(action=action, rag=RAG.RED, created_at=at(datetime.date(2024, 1, 1 + a % 28)))
            f.ProgressUpdateFactory(action=action, rag=RAG.GREEN, created_at=at(datetime.date(2024, 2, 1 + a % 28)))


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_feed_runs_a_fixed_number_of_queries(signed_in, cast, django_assert_num_queries, fmt):
    # session, user, the plan, its themes, its actions as at the day (one query for every action), and the
    # audit trail's record of the call
    with django_assert_num_queries(6):
        small = feed(signed_in, cast.plan, as_at="2024-03-01", format=fmt)
    _grow(cast.plan, themes=4, per_theme=15)
    with django_assert_num_queries(6):
        large = feed(signed_in, cast.plan, as_at="2024-03-01", format=fmt)
    assert small.status_code == large.status_code == 200
    if fmt == "json":
        assert len(large.json()["actions"]) == Action.objects.for_plan(cast.plan).count() == 61
