"""manage.py bench (issue 15): the smoke run make test includes checks the summary line is printed with sane
values, not the performance targets; and the command refuses what would make its figures meaningless."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from plans.bench import timing
from plans.bench.pages import ADMIN, REGISTER

NUMBER = r"\d+(?:\.\d+)?"
SUMMARY = re.compile(
    rf"bench: pages=(?P<pages>\d+) p95_max_ms=(?P<p95>{NUMBER}) worst=(?P<worst>[a-z_]+:[a-z_]+(?:\?[a-z_]+)?) "
    rf"queries_max=(?P<queries>\d+) admin_ratio=(?P<ratio>{NUMBER}) export_s=(?P<export>{NUMBER}) "
    rf"pdf_s=(?P<pdf>{NUMBER}) growth=(?P<growth>{NUMBER})")
KEY_PAGES = 15  # every key page of the issue; the admin changelist is the baseline, not counted


@pytest.mark.django_db
def test_the_smoke_run_prints_the_summary_line_last_with_sane_values():
    out = io.StringIO()
    with override_settings(DEBUG=False):
        call_command("bench", scale=0.02, runs=2, no_growth=True, stdout=out)
    lines = out.getvalue().splitlines()
    found = SUMMARY.fullmatch(lines[-1])
    assert found, lines[-1]
    assert int(found["pages"]) == KEY_PAGES
    assert int(found["queries"]) > 0
    assert float(found["p95"]) > 0 and float(found["ratio"]) > 0
    assert float(found["export"]) > 0 and float(found["pdf"]) > 0
    assert float(found["growth"]) == 1  # --no-growth
    table = "\n".join(lines)
    assert found["worst"] in table
    for name in (REGISTER, ADMIN, "plans:update", "governance:report_pdf", "plans:register?search"):
        assert re.search(rf"^{re.escape(name)}\s.*\d", table, re.M), name
    assert "Built 1 organisations" in table and "actions 480," in table and "progress updates 4,800" in table
    assert "Progress updates posted 3, stored 3" in table  # the warm-up and two runs, each a saved update


@pytest.mark.django_db
def test_it_refuses_debug_settings():
    with override_settings(DEBUG=True), pytest.raises(CommandError, match="DJANGO_DEBUG=0"):
        call_command("bench", scale=0.02, runs=1, no_growth=True, stdout=io.StringIO())


@pytest.mark.django_db
def test_it_refuses_a_database_that_holds_organisations():
    from tests.factories import OrganisationFactory

    OrganisationFactory()
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="empty"):
        call_command("bench", scale=0.02, runs=1, no_growth=True, stdout=io.StringIO())


@pytest.mark.parametrize(("scale", "runs", "said"), [(0, 1, "--scale"), (-1, 1, "--scale"), (1, 0, "--runs")])
def test_it_refuses_a_scale_or_runs_that_cannot_be_timed(scale, runs, said):
    with override_settings(DEBUG=False), pytest.raises(CommandError, match=said):
        call_command("bench", scale=scale, runs=runs, no_growth=True, stdout=io.StringIO())


def test_the_p95_is_the_nearest_rank():
    values = list(range(1, 21))  # 20 runs: the 19th fastest
    assert timing.percentile(values, 95) == 19
    assert timing.percentile([5], 95) == 5
    assert timing.percentile([3, 1, 2], 50) == 2


def test_the_summary_line_has_every_value_a_plain_number_but_worst():
    line = timing.Summary(pages=15, p95_max_ms=123.456, worst="plans:register?search", queries_max=14,
                          admin_ratio=0.5, export_s=0.25, pdf_s=1.5, growth=1.0).line()
    assert SUMMARY.fullmatch(line), line
    assert line == ("bench: pages=15 p95_max_ms=123.5 worst=plans:register?search queries_max=14 admin_ratio=0.50 "
                    "export_s=0.250 pdf_s=1.500 growth=1.00")


@pytest.mark.django_db
def test_a_page_that_does_not_answer_as_a_working_page_is_reported_and_left_out():
    from django.test import Client

    signed_out = Client()
    results = timing.time_pages(signed_out, [timing.Page("home", "/")], runs=2)
    assert "home answered 302, not 200" in results["home"].error  # the sign-in redirect, not the page
    assert results["home"].seconds == []
    assert "FAILED: home answered 302" in "\n".join(timing.table(results))


@pytest.mark.parametrize("page", ["plans:no_such_page", "plans:register", "governance:report_pdf"])
def test_it_refuses_to_skip_an_unknown_page_or_one_the_summary_needs(page):
    with override_settings(DEBUG=False), pytest.raises(CommandError, match=re.escape(page)):
        call_command("bench", scale=0.02, runs=1, no_growth=True, skip=[page], stdout=io.StringIO())


def test_a_scale_below_a_tenth_shrinks_the_one_organisation_in_proportion():
    from plans.bench import dataset

    full = dataset.sizes(0.1)
    assert full == dataset.Sizes(themes_per_plan=12, actions_per_theme=50, measures_per_plan=50, recommendations=60,
                                 meetings=20)
    assert dataset.sizes(1) == dataset.sizes(2.5) == full  # from 0.1 up only the organisations multiply
    assert [dataset.organisation_count(s) for s in (0.001, 0.02, 0.1, 0.5, 1, 2.5)] == [1, 1, 1, 5, 10, 25]
    fifth = dataset.sizes(0.02)
    assert dataset.PLANS * fifth.themes_per_plan * fifth.actions_per_theme == 480  # 2,400 x 0.2
    assert (fifth.measures_per_plan, fifth.recommendations, fifth.meetings) == (10, 12, 4)
    # The floors: every page still has content however small the scale.
    assert dataset.sizes(0.0001) == dataset.Sizes(themes_per_plan=1, actions_per_theme=3, measures_per_plan=1,
                                                  recommendations=1, meetings=2)
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="more than 0"):
            dataset.sizes(bad)


@pytest.mark.django_db
@pytest.mark.parametrize("skipped", ["inspections:tracker", "plans:update"])  # the POST's check must not need it
def test_a_run_with_a_page_skipped_prints_the_summary_of_the_others_then_fails(skipped):
    out = io.StringIO()
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="1 page.s. skipped with --skip"):
        call_command("bench", scale=0.0001, runs=1, no_growth=True, skip=[skipped], stdout=out)
    lines = out.getvalue().splitlines()
    found = SUMMARY.fullmatch(lines[-1])
    assert found, lines[-1]
    assert int(found["pages"]) == KEY_PAGES - 1 and found["worst"] != skipped
    assert f"SKIPPED (--skip): {skipped}" in lines
    assert not any(line.startswith(skipped) for line in lines)
    assert "actions 12," in out.getvalue()  # the floors: 4 plans, 1 theme each, 3 actions a theme
