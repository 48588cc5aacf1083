"""The scrutiny deep dive: one theme as at a meeting's position date, opened from the agenda item that took it."""

import datetime

import pytest
from django.urls import reverse

from governance.models import AgendaItem, Board, Meeting
from plans.models import Theme
from tests import factories as f

pytestmark = pytest.mark.django_db

D = datetime.date(2024, 3, 1)  # the meeting's papers deadline: its position date


def at(day, hour=12):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


@pytest.fixture
def scrutiny(cast):
    """A scrutiny meeting taking the cast's theme, with things before and after its position date."""
    theme = cast.action.theme
    theme.what_we_mean = "Children are heard."
    theme.for_children = "Someone listens to me."
    theme.save()
    committee = f.BoardFactory(organisation=cast.org, kind="scrutiny_committee", name="Scrutiny", slug="scrutiny")
    meeting = f.MeetingFactory(board=committee, start=at(D + datetime.timedelta(days=10)), papers_deadline=D)
    item = f.AgendaItemFactory(meeting=meeting, number="5", title="Improvement plan: voice of the child",
                               themes_as_printed="Lived experience")
    item.themes.add(theme)
    f.ProgressUpdateFactory(action=cast.action, rag="amber", narrative="Recruiting", mitigation="Agency staff",
                            created_at=at(D - datetime.timedelta(days=20)))
    f.ProgressUpdateFactory(action=cast.action, rag="red", narrative="Written after the papers",
                            mitigation="x", created_at=at(D + datetime.timedelta(days=2)))
    f.ActionFactory(theme=theme, reference="9.9", activity="Added after the deadline",
                    added_on=D + datetime.timedelta(days=1))
    measure = f.MeasureFactory(theme=theme, name="Children seen alone", target=90, tolerance=5)
    f.MeasureValueFactory(measure=measure, period_end=datetime.date(2024, 1, 31), value=87,
                          entered_at=at(datetime.date(2024, 2, 10)))
    f.MeasureValueFactory(measure=measure, period_end=datetime.date(2024, 2, 29), value=95,
                          entered_at=at(D + datetime.timedelta(days=3)))
    f.ImpactAssessmentFactory(theme=theme, assessed_on=D - datetime.timedelta(days=5), level="emerging",
                              rationale="Early signs in two teams", created_at=at(D - datetime.timedelta(days=5)))
    f.ImpactAssessmentFactory(theme=theme, assessed_on=D + datetime.timedelta(days=1), level="evident",
                              rationale="Assessed after the papers")
    f.ThemeRecommendationFactory(theme=theme, recommendation=f.RecommendationFactory(
        code="R4", text="Ensure children's voices inform plans"))
    f.MilestoneFactory(action=None, theme=theme, text="Launch the participation strategy",
                       due_date=datetime.date(2024, 2, 1))
    return meeting, item, theme


def test_the_agenda_item_links_to_the_deep_dive(client, cast, scrutiny):
    meeting, item, theme = scrutiny
    client.force_login(cast.board.user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("governance:deep_dive", args=[meeting.pk, theme.pk]) in page


def test_the_deep_dive_shows_the_theme_as_at_the_position_date(client, cast, scrutiny):
    meeting, item, theme = scrutiny
    client.force_login(cast.board.user)
    response = client.get(reverse("governance:deep_dive", args=[meeting.pk, theme.pk]))
    page = response.content.decode()
    assert response.context["day"] == D
    assert "Children are heard." in page and "Someone listens to me." in page
    assert "Considered under item 5" in page
    # Actions in the plan by then, rated and with the history as it stood.
    assert [a.reference for a in response.context["actions"]] == ["2.6.1"]
    assert "Added after the deadline" not in page
    action = response.context["actions"][0]
    assert action.current_rag == "amber"
    assert [u.narrative for u in action.updates_by_then] == ["Recruiting"]
    assert "Written after the papers" not in page
    # Measures: the value known then (87, Amber against 90 with tolerance 5), not the one entered later.
    measure = response.context["measures"][0]
    assert (measure.latest_value, measure.measure_rag) == (87, "amber")
    # Impact assessments made by then; the recommendation it answers; its plan-on-a-page milestone.
    assert "Early signs in two teams" in page and "Assessed after the papers" not in page
    assert "R4" in page and "Ensure children&#x27;s voices inform plans" in page
    assert "Launch the participation strategy" in page


def test_a_theme_the_meeting_did_not_take_is_not_found(client, cast, scrutiny):
    meeting, _, _ = scrutiny
    other = f.ThemeFactory(plan=cast.plan)
    client.force_login(cast.board.user)
    assert client.get(reverse("governance:deep_dive", args=[meeting.pk, other.pk])).status_code == 404


def test_theme_leads_get_the_record_outcome_link_and_board_members_do_not(client, cast, scrutiny):
    meeting, _, theme = scrutiny
    url = reverse("governance:deep_dive", args=[meeting.pk, theme.pk])
    client.force_login(cast.board.user)
    assert "/outcome/" not in client.get(url).content.decode()
    client.force_login(cast.admin)
    assert "/outcome/" in client.get(url).content.decode()


@pytest.mark.parametrize("n", [1, 3])
def test_the_deep_dive_runs_a_fixed_number_of_queries(client, cast, scrutiny, django_assert_num_queries, n):
    meeting, _, theme = scrutiny
    for _ in range(n):
        action = f.ActionFactory(theme=theme, objective=f.ObjectiveFactory(theme=theme))
        f.ProgressUpdateFactory(action=action, created_at=at(D - datetime.timedelta(days=1)))
        f.MeasureValueFactory(measure=f.MeasureFactory(theme=theme), entered_at=at(datetime.date(2024, 1, 1)))
        f.ImpactAssessmentFactory(theme=theme, assessed_on=datetime.date(2024, 1, 1),
                                  created_at=at(datetime.date(2024, 1, 1))).measures.add(
            f.MeasureFactory(theme=theme))
        f.MilestoneFactory(action=None, theme=theme)
        f.ThemeRecommendationFactory(theme=theme)
    client.force_login(cast.admin)
    # Session, user (2); meeting; theme; agenda items; objectives; actions, their updates (2); measures; impact
    # assessments, their measures (2); code table; milestones (11); the admin check (1).
    with django_assert_num_queries(2 + 11 + 1):
        assert client.get(reverse("governance:deep_dive", args=[meeting.pk, theme.pk])).status_code == 200


class TestTheRealWorkProgramme:
    """The Overview and Scrutiny Committee's 2019/20 work programme, from the fixtures."""

    @pytest.fixture(autouse=True)
    def _real(self, real_data, client, django_user_model):
        client.force_login(f.UserFactory(username="reader", person__organisation=f.BRADFORD))

    def test_the_committee_page_lists_the_work_programme_meetings(self, client):
        committee = Board.objects.get(slug="childrens-scrutiny-committee")
        response = client.get(reverse("governance:board", args=[committee.slug]))
        shown = response.context["past_meetings"]
        programme = Meeting.objects.filter(board=committee, pk__in=range(400000, 500000))
        assert set(programme) <= set(shown)
        assert "3 July 2019" in response.content.decode()

    def test_a_work_programme_meeting_lists_its_items_and_links_its_theme(self, client):
        july = AgendaItem.objects.get(pk=400102).meeting
        response = client.get(july.get_absolute_url())
        page = response.content.decode()
        assert [i.title for i in response.context["items"]] == [
            "Referral to the Committee", "Ofsted inspection of LACS - Improvement Plan",
            "Special Educational Needs and Disability reforms", "Work Planning"]
        deep_dive = reverse("governance:deep_dive", args=[july.pk, 100005])
        assert deep_dive in page
        opened = client.get(deep_dive)
        assert opened.status_code == 200
        assert Theme.objects.get(pk=100005).title in opened.content.decode()
        assert opened.context["day"] == july.position_date == datetime.date(2019, 6, 20)

    def test_improving_outcomes_for_children_says_why_it_has_no_link(self, client):
        september = AgendaItem.objects.get(pk=400106).meeting
        page = client.get(september.get_absolute_url()).content.decode()
        assert ("No deep dive: the theme printed, “Improving outcomes for children”, matches no theme of") in page
        assert "/deep-dive/" not in page

    def test_every_real_board_meeting_and_member_page_opens(self, client):
        from plans.models import Person

        for board in Board.objects.all():
            assert client.get(reverse("governance:board", args=[board.slug])).status_code == 200
        for meeting in Meeting.objects.all():
            assert client.get(meeting.get_absolute_url()).status_code == 200
            for item in meeting.agenda_items.all():
                for theme in item.themes.all():
                    assert client.get(reverse("governance:deep_dive", args=[meeting.pk, theme.pk])).status_code == 200
        for person in Person.objects.filter(memberships__isnull=False).distinct()[:10]:
            assert client.get(reverse("governance:person", args=[person.pk])).status_code == 200
