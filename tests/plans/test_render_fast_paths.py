"""The dashboard's and register's fast paths (issue 15) print exactly what the slower code they replace printed."""

import datetime
import random
from collections import defaultdict
from types import SimpleNamespace

from django import forms
from django.template import Context, Template
from django.template.defaultfilters import truncatechars
from django.utils import timezone

from plans.filters import InlineSelect
from plans.positions import MonthPoint, month_points, rag_mix_by_month
from plans.querysets import end_of_day
from plans.rag import RAG
from plans.templatetags.dashboard import month_table_rows, short_text


def _reference_mix(plan, *, as_at, actions, updates):
    """The month-by-month fold as it was first written: every action at every point (slow, plainly right)."""
    start = plan.window_start or min((a.added_on for a in actions), default=None)
    end = min(as_at, plan.window_end) if plan.window_end else as_at
    if start is None or start > end:
        return []
    days = month_points(start, end)
    by_action = defaultdict(list)
    for update in updates:
        by_action[update.action_id].append(update)
    points = [MonthPoint(day=day, plan=dict.fromkeys(RAG, 0), themes={}) for day in days]
    for action in actions:
        mine, seen, rating = by_action.get(action.pk, []), 0, RAG.NOT_RATED
        for point in points:
            while seen < len(mine) and mine[seen].created_at <= end_of_day(point.day):
                rating = RAG(mine[seen].rag)
                seen += 1
            if action.added_on > point.day:
                continue
            point.plan[rating] += 1
            point.themes.setdefault(action.theme_id, dict.fromkeys(RAG, 0))[rating] += 1
    return points


def test_the_monthly_mix_matches_the_plain_fold_on_random_plans():
    rng = random.Random(15)
    ratings = [RAG.RED, RAG.AMBER, RAG.GREEN, RAG.BLUE]
    for _ in range(30):
        start = datetime.date(2023, 1, 1) + datetime.timedelta(days=rng.randrange(60))
        as_at = start + datetime.timedelta(days=rng.randrange(0, 700))
        plan = SimpleNamespace(window_start=rng.choice([None, start]),
                               window_end=rng.choice([None, as_at - datetime.timedelta(days=rng.randrange(90))]))
        actions, updates = [], []
        for pk in range(1, rng.randrange(1, 25)):
            added = start + datetime.timedelta(days=rng.randrange(-30, 500))
            actions.append(SimpleNamespace(pk=pk, theme_id=rng.randrange(1, 4), added_on=added))
            moments = sorted(timezone.make_aware(datetime.datetime.combine(
                start + datetime.timedelta(days=rng.randrange(-40, 700)),
                rng.choice([datetime.time(0, 0), datetime.time(12, 30), datetime.time(23, 59, 59)])))
                for _ in range(rng.randrange(0, 6)))
            # And some at the very last instant of a month end: that update counts in that month.
            moments = sorted(moments + [end_of_day(rng.choice(month_points(start, as_at)))
                                        for _ in range(rng.randrange(0, 3))])
            # Updates up to the end of as_at only, oldest first per action, as plan_updates reads them.
            updates += [SimpleNamespace(action_id=pk, created_at=moment, rag=rng.choice(ratings).value)
                        for moment in moments if moment <= end_of_day(as_at)]
        got = rag_mix_by_month(plan, as_at=as_at, actions=actions, updates=updates)
        want = _reference_mix(plan, as_at=as_at, actions=actions, updates=updates)
        assert [(p.day, p.plan, p.themes) for p in got] == [(p.day, p.plan, p.themes) for p in want]


def test_inline_select_prints_what_django_select_prints():
    choices = [("", "Any <rating>"), ("a&b", "Tom's \"plan\""), ("Group", [(1, "One"), (2, "Two")]), (3, 3)]
    for value in ["", "a&b", 2, None]:
        attrs = {"class": "govuk-select", "aria-describedby": "x-hint", "required": True, "disabled": False}
        plain = forms.Select(attrs=attrs, choices=choices).render("lead", value)
        inline = InlineSelect(attrs=attrs, choices=choices).render("lead", value)
        assert inline == plain
        assert "selected" in inline or value is None


def test_short_text_is_truncatechars():
    samples = ["", "short", "x" * 120, "y" * 121, "word " * 40, "cafe\u0301 " * 30, "e\u0301" * 119, "ﬁ" * 130]
    for text in samples:
        for length in (1, 10, 120, 200):
            assert short_text(text, length) == truncatechars(text, length), (text, length)


def test_month_table_rows_print_what_the_template_loop_printed():
    loop = Template(
        "{% load dashboard %}{% for point, rows in points|month_rows:theme %}\n"
        '    <tr class="govuk-table__row">\n'
        '      <th scope="row" class="govuk-table__header">{{ point.label }}{% if forloop.last %} '
        '(to {{ point.day|date:"j M" }}){% endif %}</th>\n'
        '      {% for rating, count in rows %}<td class="govuk-table__cell govuk-table__cell--numeric">{{ count }}'
        "</td>{% endfor %}\n"
        "    </tr>\n"
        "  {% endfor %}")
    theme = SimpleNamespace(pk=7)
    points = [MonthPoint(day=datetime.date(2024, 1, 31), plan={RAG.RED: 2, RAG.BLUE: 1}, themes={7: {RAG.GREEN: 4}}),
              MonthPoint(day=datetime.date(2024, 2, 12), plan=dict.fromkeys(RAG, 3), themes={})]
    for chosen in (None, theme):
        assert month_table_rows(points, chosen) == loop.render(Context({"points": points, "theme": chosen}))
    assert month_table_rows([], None) == ""
