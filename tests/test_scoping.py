"""Who sees what, page by page: the content of every list, page, export, feed, report and reminder follows
governance.visibility, and links point only at what the reader may open.

The world: council A (the home council) with a board, a plan it shares with partner P, a plan of another of
A's boards that it does not share (named on the board's agenda), an earlier plan, an inspection, a meeting with
its report and pack; council B with its own plan; and a member from a fourth organisation seated on A's board.
Every A object's text says "Aardvark", so a leak to B is one substring. The URL-by-role statuses are the
permission matrix's (tests/test_permission_matrix.py); these tests are about what the pages say.
"""

import csv
import datetime
import io
import json
from types import SimpleNamespace

import docx
import openpyxl
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from governance.models import Membership
from governance.packs import issue_pack
from governance.reminders import reminders_for
from plans.models import PlanShare
from plans.reminders import send_reminders
from tests import factories as f

TODAY = timezone.localdate()


def _login(role, username, organisation, name, **person):
    user = f.user_in_role(role, username=username, email=f"{username}@example.org")
    return f.PersonFactory(user=user, organisation=organisation, name=name, email=f"{username}@example.org", **person)


@pytest.fixture
def world(db):
    a = f.OrganisationFactory()
    b = f.OtherOrganisationFactory(name="Borsetshire Council")
    p = f.OtherOrganisationFactory(name="Partner Children's Trust", kind="trust")
    x = f.OtherOrganisationFactory(name="Exmoor Health")

    a_officer = _login("Officer", "a-officer", a, "Alice Aardvark")
    a_admin = f.user_in_role("Admin", username="a-admin", is_staff=True)
    attendee = f.PersonFactory(organisation=a, name="Aardvark Attendee")  # at the meeting, holds no seat
    no_login = f.PersonFactory(organisation=a, name="Aardvark Nologin", email="nologin@example.org")
    p_officer = _login("Officer", "p-officer", p, "Pat Partner")
    p_reader = _login("Board member", "p-reader", p, "Pip Partner")
    b_officer = _login("Officer", "b-officer", b, "Bob Bravo")
    seated = _login("Board member", "s-member", x, "Sam Seated")

    board = f.BoardFactory(organisation=a, name="Aardvark Improvement Board", slug="aardvark-board")
    scrutiny = f.BoardFactory(organisation=a, name="Aardvark Scrutiny Committee", slug="aardvark-scrutiny")
    old = f.PlanFactory(organisation=a, board=board, title="Aardvark Earlier Plan", slug="aardvark-earlier",
                        status="superseded", start=datetime.date(2021, 1, 1))
    shared = f.PlanFactory(organisation=a, board=board, title="Aardvark Shared Plan", slug="aardvark-shared",
                           status="approved", start=datetime.date(2023, 4, 1), supersedes=old)
    secret = f.PlanFactory(organisation=a, board=scrutiny, title="Aardvark Unshared Plan", slug="aardvark-unshared",
                           status="approved", start=datetime.date(2023, 4, 1))
    PlanShare.objects.create(plan=shared, organisation=p, start=TODAY - datetime.timedelta(days=30),
                             start_confirmed=True)

    shared_theme = f.ThemeFactory(plan=shared, title="Aardvark shared theme")
    secret_theme = f.ThemeFactory(plan=secret, title="Aardvark unshared theme")
    secret_theme.leads.add(a_officer)
    partner_action = f.ActionFactory(theme=shared_theme, reference="S.1", lead=p_officer,
                                     activity="Aardvark partner-led shared activity")
    a_action = f.ActionFactory(theme=shared_theme, reference="S.2", lead=a_officer,
                               activity="Aardvark council-led shared activity")
    nologin_shared = f.ActionFactory(theme=shared_theme, reference="S.3", lead=no_login,
                                     activity="Aardvark shared activity with no login")
    # A partner's officer named as lead in a plan that is not shared with the partner (as an import can leave it).
    secret_action = f.ActionFactory(theme=secret_theme, reference="Z.9", lead=p_officer,
                                    activity="Aardvark unshared activity")
    nologin_secret = f.ActionFactory(theme=secret_theme, reference="Z.8", lead=no_login,
                                     activity="Aardvark unshared activity with no login")
    # Rated Red before the meeting's position date, so the report lists both among its exceptions.
    for action in (partner_action, secret_action):
        f.ProgressUpdateFactory(action=action, rag="red", narrative="Aardvark off track.",
                                created_at=timezone.now() - datetime.timedelta(days=40))
    shared_measure = f.MeasureFactory(theme=shared_theme, name="Aardvark shared measure", owner=p_officer)
    secret_measure = f.MeasureFactory(theme=secret_theme, name="Aardvark unshared measure", owner=p_officer)

    inspection = f.InspectionFactory(organisation=a, title="Aardvark Inspection", slug="aardvark-inspection")
    recommendation = f.RecommendationFactory(inspection=inspection, code="R1", text="Aardvark recommendation")
    partner_action.recommendations.add(recommendation)
    shared.inspections.add(inspection)

    clerk = _login("Officer", "a-clerk", a, "Aardvark Clerk")
    f.ClerkMembershipFactory(board=board, person=clerk)
    f.MembershipFactory(board=board, person=seated, role=Membership.Role.MEMBER)
    start = timezone.now() - datetime.timedelta(days=3)
    meeting = f.MeetingFactory(board=board, start=start, papers_deadline=TODAY - datetime.timedelta(days=5))
    item = f.AgendaItemFactory(meeting=meeting, title="Aardvark agenda item")
    item.plans.add(secret)
    item.themes.add(secret_theme)
    f.AttendanceFactory(meeting=meeting, person=attendee, status="in_attendance")
    f.AttendanceFactory(meeting=meeting, person=seated, status="present")
    log_item = f.LogItemFactory(meeting=meeting, owner=attendee, text="Aardvark log item")

    b_plan = f.PlanFactory(organisation=b, title="Bravo Plan", slug="bravo-plan", status="approved",
                           board=f.BoardFactory(organisation=b, name="Bravo Board", slug="bravo-board"))
    f.ActionFactory(theme=f.ThemeFactory(plan=b_plan), reference="B.1", lead=b_officer, activity="Bravo activity")
    return SimpleNamespace(**locals())


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    if response.get("Content-Type", "").startswith("application/vnd.openxml"):
        return response
    return b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else response.content.decode()


def a_urls(w):
    """Every page, export and feed of council A's objects."""
    return [
        w.shared.get_absolute_url(), reverse("plans:dashboard", args=[w.shared.slug]),
        reverse("plans:vital_signs", args=[w.shared.slug]), reverse("plans:vital_signs_csv", args=[w.shared.slug]),
        reverse("plans:export", args=[w.shared.slug, "json"]), reverse("plans:export", args=[w.shared.slug, "csv"]),
        reverse("plans:position_feed", args=[w.shared.slug]),
        w.partner_action.get_absolute_url(), reverse("plans:update", args=[w.partner_action.pk]),
        reverse("plans:theme", args=[w.shared_theme.pk]), reverse("plans:measure", args=[w.shared_measure.pk]),
        reverse("governance:board", args=[w.board.slug]), w.meeting.get_absolute_url(),
        reverse("governance:report", args=[w.meeting.pk]), reverse("governance:report_docx", args=[w.meeting.pk]),
        reverse("governance:decisions", args=[w.meeting.pk]),
        reverse("governance:deep_dive", args=[w.meeting.pk, w.secret_theme.pk]),
        reverse("governance:person", args=[w.a_officer.pk]),
        reverse("inspections:tracker", args=[w.inspection.slug]),
    ]


# Another council -------------------------------------------------------------------------------------------

class TestAnotherCouncil:
    """Council B's users see none of A's objects: not in a list, a download or a choice, and not by URL."""

    @pytest.mark.parametrize("name", ["home", "plans:register", "plans:register_csv", "plans:register_xlsx",
                                      "plans:my_actions", "governance:boards"])
    def test_lists_and_downloads_show_only_its_own(self, client, world, name):
        body = page(client, world.b_officer.user, reverse(name))
        if name == "plans:register_xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(body.content)).active
            body = "\n".join(str(value) for row in sheet.iter_rows(values_only=True) for value in row)
        assert "Aardvark" not in body
        assert "Bravo" in body

    def test_the_register_download_rows_are_its_own(self, client, world):
        rows = list(csv.reader(io.StringIO(page(client, world.b_officer.user, reverse("plans:register_csv")))))
        assert [row[2] for row in rows[1:]] == ["B.1"]

    def test_every_page_of_the_other_council_answers_404(self, client, world):
        for url in a_urls(world) + [reverse("governance:pack_pdf", args=[world.meeting.pk, 1])]:
            body = page(client, world.b_officer.user, url, status=404)
            assert "Aardvark" not in body

    def test_the_feed_says_not_found_without_naming_anything(self, client, world):
        body = json.loads(page(client, world.b_officer.user, reverse("plans:position_feed", args=[world.shared.slug]),
                               status=404))
        assert set(body) == {"error"} and "Aardvark" not in body["error"]

    def test_a_filter_naming_another_councils_plan_is_refused_without_echoing_it(self, client, world):
        body = page(client, world.b_officer.user, reverse("plans:register_csv") + f"?plan={world.shared.slug}",
                    status=400)
        assert "Aardvark" not in body
        my = page(client, world.b_officer.user, reverse("plans:my_actions") + f"?plan={world.shared.pk}")
        assert "Aardvark" not in my

    def test_the_filter_choices_hold_no_other_organisations_options(self, client, world, rf):
        from plans.filters import MyActionsFilter, RegisterFilter
        from plans.models import Action, Theme

        request = rf.get("/")
        request.user = world.b_officer.user
        register = RegisterFilter(queryset=Action.objects.none(), request=request).form.fields
        # The register's lists are values (the empty choice first): slugs for plans, ids for the others.
        assert [label for _, label in register["plan"].choices][1:] == [str(world.b_plan)]
        themes = [value for value, _ in register["theme"].choices][1:]
        assert themes and set(Theme.objects.filter(pk__in=themes).values_list("plan_id", flat=True)) == {world.b_plan.pk}
        assert [value for value, _ in register["lead"].choices][1:] == [world.b_officer.pk]
        assert list(register["recommendation"].choices)[1:] == []
        mine = MyActionsFilter(queryset=Action.objects.none(), request=request).form.fields
        assert list(mine["plan"].choices)[1:] == [(world.b_plan.pk, str(world.b_plan))]

    def test_a_reminder_never_lists_another_councils_actions(self, world):
        send_reminders(today=TODAY)
        to_b = [m for m in mail.outbox if m.to == ["b-officer@example.org"]]
        assert len(to_b) == 1 and "B.1" in to_b[0].body and "Aardvark" not in to_b[0].body


# The partner -------------------------------------------------------------------------------------------------

class TestThePartner:
    """P's users see A's shared plan's pages, and nothing else of A's: no boards, meetings or inspection."""

    @pytest.mark.parametrize("who", ["p_officer", "p_reader"])
    def test_the_shared_plans_pages_open(self, client, world, who):
        user = getattr(world, who).user
        for url in [world.shared.get_absolute_url(), reverse("plans:dashboard", args=[world.shared.slug]),
                    reverse("plans:vital_signs", args=[world.shared.slug]), world.partner_action.get_absolute_url(),
                    reverse("plans:theme", args=[world.shared_theme.pk]),
                    reverse("plans:measure", args=[world.shared_measure.pk]),
                    reverse("plans:export", args=[world.shared.slug, "json"])]:
            assert "Aardvark" in page(client, user, url)

    def test_home_lists_the_shared_plan_and_no_inspection(self, client, world):
        body = page(client, world.p_reader.user, reverse("home"))
        assert "Aardvark Shared Plan" in body
        assert "Aardvark Unshared Plan" not in body and "Aardvark Earlier Plan" not in body
        assert "Aardvark Inspection" not in body

    def test_the_plan_page_names_the_owners_board_and_earlier_plan_without_linking_them(self, client, world):
        body = page(client, world.p_reader.user, world.shared.get_absolute_url())
        assert "Aardvark Improvement Board" in body and "Aardvark Earlier Plan" in body
        assert reverse("governance:board", args=[world.board.slug]) not in body
        assert world.old.get_absolute_url() not in body

    def test_the_owners_staff_see_the_same_names_as_links(self, client, world):
        body = page(client, world.a_officer.user, world.shared.get_absolute_url())
        assert reverse("governance:board", args=[world.board.slug]) in body
        assert world.old.get_absolute_url() in body

    def test_the_dashboard_links_no_meeting_of_the_owners_board(self, client, world):
        body = page(client, world.p_reader.user, reverse("plans:dashboard", args=[world.shared.slug]))
        assert "/meetings/" not in body
        assert "board's meeting of" not in body and "the next meeting (" not in body
        assert "S.1" in body and "Z.9" not in body
        # The owner's staff see the meeting the comparison is with (the control for the line above).
        assert "board's meeting of" in page(client, world.a_officer.user,
                                            reverse("plans:dashboard", args=[world.shared.slug]))

    def test_the_action_page_shows_the_code_without_a_tracker_link(self, client, world):
        body = page(client, world.p_reader.user, world.partner_action.get_absolute_url())
        assert "R1" in body and "/inspections/" not in body

    def test_register_rows_downloads_vital_signs_and_feed_hold_the_shared_plan_only(self, client, world):
        user = world.p_reader.user
        rows = list(csv.reader(io.StringIO(page(client, user, reverse("plans:register_csv")))))
        assert sorted(row[2] for row in rows[1:]) == ["S.1", "S.2", "S.3"]
        vital = page(client, user, reverse("plans:vital_signs", args=[world.shared.slug]))
        assert "Aardvark shared measure" in vital and "Aardvark unshared measure" not in vital
        feed = json.loads(page(client, user, reverse("plans:position_feed", args=[world.shared.slug])))
        assert [a["reference"] for a in feed["actions"]] == ["S.1", "S.2", "S.3"]
        page(client, user, reverse("plans:position_feed", args=[world.secret.slug]), status=404)

    def test_the_register_choices_are_the_shared_plans(self, client, world):
        body = page(client, world.p_reader.user, reverse("plans:register"))
        assert "Aardvark Shared Plan" in body and "Aardvark Unshared Plan" not in body
        assert "Aardvark unshared theme" not in body and "Aardvark Nologin" in body  # a lead of a shared action
        my = page(client, world.p_officer.user, reverse("plans:my_actions"))
        assert "S.1" in my and "Z.9" not in my and "Aardvark Unshared Plan" not in my

    def test_nothing_else_of_the_owners_opens(self, client, world):
        for url in [reverse("governance:board", args=[world.board.slug]), world.meeting.get_absolute_url(),
                    reverse("governance:report", args=[world.meeting.pk]),
                    reverse("governance:report_pdf", args=[world.meeting.pk]),
                    reverse("governance:decisions", args=[world.meeting.pk]),
                    reverse("inspections:tracker", args=[world.inspection.slug]), world.secret.get_absolute_url(),
                    world.old.get_absolute_url(), world.secret_action.get_absolute_url(),
                    reverse("plans:measure", args=[world.secret_measure.pk])]:
            page(client, world.p_reader.user, url, status=404)
        assert "Aardvark" not in page(client, world.p_reader.user, reverse("governance:boards"))

    def test_the_partners_officer_updates_the_action_they_lead_and_no_other(self, client, world):
        user = world.p_officer.user
        page(client, user, reverse("plans:update", args=[world.partner_action.pk]))
        response = client.post(reverse("plans:update", args=[world.partner_action.pk]),
                               {"version": world.partner_action.version, "rag": "green",
                                "narrative": "Recruited two more social workers."})
        assert response.status_code == 302
        assert world.partner_action.progress_updates.filter(author=user).count() == 1
        page(client, user, reverse("plans:update", args=[world.a_action.pk]), status=403)
        page(client, user, reverse("plans:update", args=[world.secret_action.pk]), status=404)

    def test_a_share_that_has_ended_shows_nothing(self, client, world):
        PlanShare.objects.update(start=TODAY - datetime.timedelta(days=60), end=TODAY - datetime.timedelta(days=1))
        page(client, world.p_reader.user, world.shared.get_absolute_url(), status=404)
        assert "Aardvark" not in page(client, world.p_reader.user, reverse("home"))


# A seat on the board ----------------------------------------------------------------------------------------

class TestASeatFromAnotherOrganisation:
    """A member from another organisation seated on A's board sees the board, its meetings, their report and
    packs and the board's plans; what the meeting names beyond that is shown as text, never linked."""

    def test_the_board_its_meeting_and_its_plans_open(self, client, world):
        user = world.seated.user
        board = page(client, user, reverse("governance:board", args=[world.board.slug]))
        assert world.meeting.get_absolute_url() in board
        assert world.shared.get_absolute_url() in board and world.old.get_absolute_url() in board
        assert "Aardvark Unshared Plan" not in board
        for url in [world.shared.get_absolute_url(), world.old.get_absolute_url(),
                    reverse("plans:dashboard", args=[world.shared.slug]), world.a_action.get_absolute_url()]:
            page(client, user, url)
        for url in [world.secret.get_absolute_url(), reverse("inspections:tracker", args=[world.inspection.slug]),
                    reverse("governance:board", args=[world.scrutiny.slug]),
                    reverse("governance:deep_dive", args=[world.meeting.pk, world.secret_theme.pk]),
                    reverse("governance:person", args=[world.attendee.pk])]:
            page(client, user, url, status=404)

    def test_the_meeting_page_names_what_the_member_cannot_open_without_linking_it(self, client, world):
        body = page(client, world.seated.user, world.meeting.get_absolute_url())
        assert "Aardvark Unshared Plan" in body and world.secret.get_absolute_url() not in body
        assert "Aardvark unshared theme" in body
        assert reverse("governance:deep_dive", args=[world.meeting.pk, world.secret_theme.pk]) not in body
        assert "Aardvark Attendee" in body and reverse("governance:person", args=[world.attendee.pk]) not in body
        assert reverse("governance:person", args=[world.seated.pk]) in body  # a fellow member's page opens
        assert "Aardvark log item" in body

    def test_the_councils_own_staff_get_those_links(self, client, world):
        body = page(client, world.a_officer.user, world.meeting.get_absolute_url())
        assert world.secret.get_absolute_url() in body
        assert reverse("governance:deep_dive", args=[world.meeting.pk, world.secret_theme.pk]) in body
        assert reverse("governance:person", args=[world.attendee.pk]) in body

    def test_the_board_page_links_only_the_members_the_reader_may_open(self, client, world):
        body = page(client, world.b_officer.user, reverse("governance:board", args=["bravo-board"]))
        assert "Aardvark" not in body
        # A's own staff see the member from another organisation (a seat is part of the board) and their page:
        # the rule lets a board's readers see its members.
        body = page(client, world.a_officer.user, reverse("governance:board", args=[world.board.slug]))
        assert "Sam Seated" in body and reverse("governance:person", args=[world.seated.pk]) in body
        assert reverse("governance:person", args=[world.clerk.pk]) in body
        assert client.get(reverse("governance:person", args=[world.seated.pk])).status_code == 200

    def test_the_report_holds_the_boards_plans_and_says_what_it_leaves_out(self, client, world):
        body = page(client, world.seated.user, reverse("governance:report", args=[world.meeting.pk]))
        assert "Aardvark partner-led shared activity" in body
        assert "Aardvark unshared activity" not in body and "Aardvark Unshared Plan" not in body
        assert 'id="plans-left-out"' in body
        own = page(client, world.a_officer.user, reverse("governance:report", args=[world.meeting.pk]))
        assert "Aardvark unshared activity" in own and 'id="plans-left-out"' not in own

    def test_the_live_word_file_leaves_out_the_same(self, client, world):
        response = page(client, world.seated.user, reverse("governance:report_docx", args=[world.meeting.pk]))
        document = docx.Document(io.BytesIO(response.content))
        text = "\n".join([p.text for p in document.paragraphs]
                         + [cell.text for table in document.tables for row in table.rows for cell in row.cells])
        assert "Aardvark Shared Plan" in text and "S.1" in text
        assert "Aardvark Unshared Plan" not in text and "Z.9" not in text
        assert "left out" in text

    def test_the_issued_pack_is_the_boards_papers_and_the_member_downloads_it(self, client, world):
        pack = issue_pack(meeting=world.meeting, user=world.a_admin)
        assert set(pack.figures["plans"]) == {str(world.shared.pk), str(world.secret.pk)}
        response = page(client, world.seated.user, reverse("governance:pack_docx", args=[world.meeting.pk, 1]))
        assert bytes(response.content) == bytes(pack.docx)
        report = page(client, world.seated.user, reverse("governance:report", args=[world.meeting.pk]))
        # Against a pack holding a plan this reader cannot see, no difference is listed (each would mislead).
        assert "not listed here" in report and "Z.9" not in report
        page(client, world.p_reader.user, reverse("governance:pack_pdf", args=[world.meeting.pk, 1]), status=404)

    def test_a_persons_page_lists_only_what_the_reader_may_see(self, client, world):
        body = page(client, world.seated.user, reverse("governance:person", args=[world.a_officer.pk]))
        assert "S.2" in body and "Aardvark unshared theme" not in body
        assert "Aardvark unshared theme" in page(client, world.a_officer.user,
                                                 reverse("governance:person", args=[world.a_officer.pk]))


# Reminders -------------------------------------------------------------------------------------------------

class TestReminders:
    """A reminder to a person lists only what that person may see; a person without a login, what they lead."""

    def _to(self, address):
        found = [m for m in mail.outbox if m.to == [address]]
        assert len(found) == 1, address
        return found[0].body

    def test_the_update_reminder_lists_only_visible_actions(self, world):
        send_reminders(today=TODAY)
        partner = self._to("p-officer@example.org")
        assert "S.1" in partner and "Z.9" not in partner and "Aardvark Unshared Plan" not in partner
        no_login = self._to("nologin@example.org")
        assert "S.3" in no_login and "Z.8" in no_login

    def test_a_person_who_may_see_none_of_their_actions_is_sent_nothing(self, world):
        PlanShare.objects.all().delete()
        send_reminders(today=TODAY)
        assert not [m for m in mail.outbox if m.to == ["p-officer@example.org"]]

    def test_the_meeting_reminder_lists_only_visible_actions_and_measures(self, world):
        reminders = {r.person.pk: r for r in reminders_for(world.meeting, TODAY)}
        partner = reminders[world.p_officer.pk]
        assert partner.actions == [world.partner_action] and partner.measures == [world.shared_measure]
        assert {a.reference for a in reminders[world.no_login.pk].actions} == {"S.3", "Z.8"}


# Roll-ups --------------------------------------------------------------------------------------------------

def test_the_trackers_counts_are_of_the_actions_the_reader_may_see(world):
    """Another council's action linked to A's recommendation (as the admin could leave it) is not counted for
    A's staff, so the tracker's counts agree with the actions it lists."""
    from inspections.models import Inspection, Recommendation
    from plans.models import Action

    Action.objects.get(reference="B.1").recommendations.add(world.recommendation)
    user = world.a_officer.user
    assert Recommendation.objects.with_rollup(user=user).get(pk=world.recommendation.pk).action_count == 1
    assert Recommendation.objects.with_rollup().get(pk=world.recommendation.pk).action_count == 2
    world.partner_action.recommendations.clear()
    summary = Inspection.objects.with_tracker_summary(user).get(pk=world.inspection.pk)
    assert (summary.mapped_count, summary.unmapped_count) == (0, 1)
