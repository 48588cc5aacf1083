"""The permission matrix: every URL of the URLconf, for every role, GET and (where the view takes it) POST,
answers the status the visibility rule (governance.visibility) and the permission helpers (plans.permissions,
governance.permissions) say it must. A new URL fails `test_every_url_has_an_entry` until it is given one.

The world, built once for the module: council A owns a plan (owned by A's improvement board, shared with
partner P from a month ago), an inspection, meetings with an issued pack and an action log; council B owns
the same kinds of things. A also has restricted items (not for publication, Schedule 12A paragraph 3), all
of its owning board: a second plan (theme, action, milestone and measure, the lead leading them), a measure of
the open plan, a meeting (agenda item, attendance, action log, pack), an agenda item of the open meeting, and
an open meeting whose pack is restricted. Only insiders see them: the owning board's current seats (the
member from T, the clerk), A's admins and superusers; not the lead who leads them, nor anyone else. The roles:

    anonymous          not signed in
    superuser          sees and administers everything
    admin              A's organisation admin (Admin role, staff, Person in A)
    seated_member      a board member from a third organisation T with a seat on A's owning board
    member_off_board   a board member of A without a seat on the owning board
    clerk              A's clerk of the owning board (Board member role, clerk seat)
    lead_officer       the officer of A leading action 1.1, the theme and its measure
    officer            an officer of A leading nothing
    partner_officer    an officer of P leading action 1.2 of A's shared plan
    other_officer      an officer of B
    other_admin        B's organisation admin
    token_holder       `Authorization: Bearer <token>` and no session (GET): an API URL answers as the token's
                       user may see (a case's `tokens`; a revoked or expired token 401), any other URL as to an
                       anonymous visitor, whoever the token is for

The expected answers, in words: an anonymous visitor is sent to sign in (an /api/ URL answers 401 with a Bearer
challenge); an object outside what the role may see answers 404, never 403; a form that the role may see but
not use answers 403 (before the form is read); a form the role may use answers as an empty submission does
(200 with its errors, 400, or a redirect). The Django admin is sampled per registered model (changelist, add,
change of A's object and of B's): a login without staff status is sent to the admin's sign-in; an
organisation admin administers only their own organisation's objects (another's change page is 404).

Restricted items are also looked for, by their text and their links, in every list, export, dashboard, Vital
Signs, feed and report page of the outsiders who see those pages (test_restricted_items_are_shown_to_nobody_
outside_them), and found on the insiders' (test_insiders_see_the_restricted_items).

Run with -s to see the matrix's size (test_the_matrix_is_the_size_it_says).
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import openpyxl
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

API_PREFIX = "/api/"  # governance.middleware.BearerTokenMiddleware answers these
LOGIN = "/account/login/?next="
ADMIN_LOGIN = "/admin/login/?next="

ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
ADMIN = "admin"
SEATED_MEMBER = "seated_member"
MEMBER_OFF_BOARD = "member_off_board"
CLERK = "clerk"
LEAD_OFFICER = "lead_officer"
OFFICER = "officer"
PARTNER_OFFICER = "partner_officer"
OTHER_OFFICER = "other_officer"
OTHER_ADMIN = "other_admin"

ROLES = (ANONYMOUS, SUPERUSER, ADMIN, SEATED_MEMBER, MEMBER_OFF_BOARD, CLERK, LEAD_OFFICER, OFFICER,
         PARTNER_OFFICER, OTHER_OFFICER, OTHER_ADMIN)
SIGNED_IN = ROLES[1:]
STAFF = (SUPERUSER, ADMIN, OTHER_ADMIN)

# Who sees what of A's, by the rule. A's plan: A's people, the owning board's seats, the partner it is shared
# with. A's board and meetings: A's people and the seats, not the partner ("nothing else of the owner's"). A's
# inspection: A's people only. The lead's Person: as the plan (a plan's leads are part of the plan).
SEES_A_PLAN = {SUPERUSER, ADMIN, SEATED_MEMBER, MEMBER_OFF_BOARD, CLERK, LEAD_OFFICER, OFFICER, PARTNER_OFFICER}
SEES_A_BOARD = SEES_A_PLAN - {PARTNER_OFFICER}
SEES_A_INSPECTION = {SUPERUSER, ADMIN, MEMBER_OFF_BOARD, CLERK, LEAD_OFFICER, OFFICER}
SEES_B = {SUPERUSER, OTHER_OFFICER, OTHER_ADMIN}
# Who may use A's forms. Officer forms: A's admins and the officers it names; board members never. Clerk
# forms: A's admins and the board's clerk.
UPDATES_ACTION_1_1 = {SUPERUSER, ADMIN, LEAD_OFFICER}
UPDATES_ACTION_1_2 = {SUPERUSER, ADMIN, LEAD_OFFICER, PARTNER_OFFICER}  # its lead (the partner) and the theme's lead
ENTERS_MEASURE = {SUPERUSER, ADMIN, LEAD_OFFICER}  # the measure's owner
ASSESSES_THEME = {SUPERUSER, ADMIN, LEAD_OFFICER}  # the theme's lead
CLERKS_A = {SUPERUSER, ADMIN, CLERK}
# A's restricted items (not for publication): the owning board's current seats (the member from T, the clerk),
# A's admins and superusers. Not the lead, though the lead leads the restricted plan's action and owns its
# measures (the rule names seats, not leads); not A's member off the board; not the partner.
INSIDERS_A = {SUPERUSER, ADMIN, SEATED_MEMBER, CLERK}
RESTRICTED_ADMINS = {SUPERUSER, ADMIN}  # officer forms of a restricted plan: its lead is outside it
# The token holder: a request with `Authorization: Bearer <token>` and no session, the token's user one of these.
TOKEN_HOLDER = "token_holder"


def everyone(status):
    """The same answer for every signed-in role."""
    return dict.fromkeys(SIGNED_IN, status)


def answer(sees, may=None, ok=200, refused=403):
    """404 for a role outside `sees`; inside it, `ok` for a role in `may` (everyone who sees, if None), else
    `refused`."""
    may = sees if may is None else may
    return {role: (ok if role in may else refused) if role in sees else 404 for role in SIGNED_IN}


@dataclass
class Case:
    """One URL of a pattern: the arguments (a function of the world) and the answer per method and role.
    `anonymous` overrides the sign-in answer for public pages; `body` is the POST body (empty by default)."""

    label: str
    kwargs: Callable = lambda w: {}
    expect: dict = field(default_factory=dict)  # method -> {role: status}
    anonymous: dict | None = None  # method -> status, for pages open to everyone
    body: Callable = lambda w: {}
    tokens: dict | None = None  # an API URL: the token's user (a role, "revoked", "expired") -> GET status


def cases(*items):
    return list(items)


def page(sees=None):
    """A page: GET only."""
    return {"GET": everyone(200) if sees is None else answer(sees)}


def form(sees, may):
    """A form: GET shows it, an empty POST is refused or answered with the form's errors."""
    return {"GET": answer(sees, may), "POST": answer(sees, may)}


PLAN = lambda w: {"slug": w.a.plan.slug}  # noqa: E731
MEETING = lambda w: {"pk": w.a.meeting.pk}  # noqa: E731
R_PLAN = lambda w: {"slug": w.r.plan.slug}  # noqa: E731
R_MEETING = lambda w: {"pk": w.r.meeting.pk}  # noqa: E731


def feed_tokens(sees):
    """The feed's answer per token: 200 for a token whose user sees the plan, 404 for another's; a revoked or an
    expired token is refused (401) whoever it was made for."""
    return {role: 200 if role in sees else 404 for role in TOKEN_ROLES} | {"revoked": 401, "expired": 401}


# The users the world makes feed tokens for (the lead's token is also the one sent to every other URL).
TOKEN_ROLES = (SUPERUSER, ADMIN, SEATED_MEMBER, CLERK, LEAD_OFFICER, PARTNER_OFFICER, OTHER_OFFICER, OTHER_ADMIN)

# The registry: every named URL of the URLconf (the admin apart) -> its cases.
REGISTRY: dict[str, list[Case]] = {
    # Django's account pages. Signing in and resetting a password are open to everyone.
    "login": cases(Case("", anonymous={"GET": 200, "POST": 200},
                        expect={"GET": everyone(302), "POST": everyone(302)})),  # redirect_authenticated_user
    "logout": cases(Case("", expect={"GET": everyone(405), "POST": everyone(302)})),  # POST only, then sign-in
    "password_change": cases(Case("", expect={"GET": everyone(200), "POST": everyone(200)})),
    "password_change_done": cases(Case("", expect=page())),
    "password_reset": cases(Case("", anonymous={"GET": 200, "POST": 200},
                                 expect={"GET": everyone(200), "POST": everyone(200)})),
    "password_reset_done": cases(Case("", anonymous={"GET": 200, "POST": 405}, expect=page())),
    "password_reset_confirm": cases(Case("invalid link", kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"},
                                         anonymous={"GET": 200, "POST": 200}, expect=page())),
    "password_reset_complete": cases(Case("", anonymous={"GET": 200, "POST": 405}, expect=page())),
    # Lists: everyone signed in; what they list is test_lists_show_none_of_another_organisations_objects.
    "home": cases(Case("", expect=page())),
    "session_keep_alive": cases(Case("", expect={"GET": everyone(405), "POST": everyone(204)})),  # POST only
    # The public pages (the accessibility statement and the privacy notice): open to everyone, GET only.
    "accessibility": cases(Case("", anonymous={"GET": 200, "POST": 405},
                                expect={"GET": everyone(200), "POST": everyone(405)})),
    "privacy": cases(Case("", anonymous={"GET": 200, "POST": 405}, expect={"GET": everyone(200), "POST": everyone(405)})),
    "plans:my_actions": cases(Case("", expect=page())),
    "plans:register": cases(Case("", expect=page())),
    "plans:register_csv": cases(Case("", expect=page())),
    "plans:register_xlsx": cases(Case("", expect=page())),
    "governance:boards": cases(Case("", expect=page())),
    "governance:tokens": cases(Case("", expect={"GET": everyone(200), "POST": everyone(400)})),  # empty: no name
    # Anyone's own token only: someone else's, whoever they are, is not found. POST only.
    "governance:token_revoke": cases(Case("the lead's token", kwargs=lambda w: {"pk": w.a.token.pk},
                                          expect={"GET": everyone(405),
                                                  "POST": answer({LEAD_OFFICER}, ok=302)})),
    # A's plan and what hangs from it.
    "plans:position_feed": cases(
        Case("A's plan, session", kwargs=PLAN, tokens=feed_tokens(SEES_A_PLAN),
             expect={"GET": answer(SEES_A_PLAN), "POST": everyone(405)}),  # GET only, refused before the lookup
        Case("A's restricted plan", kwargs=R_PLAN, tokens=feed_tokens(INSIDERS_A),
             expect={"GET": answer(INSIDERS_A), "POST": everyone(405)}),
        Case("B's plan", kwargs=lambda w: {"slug": w.b.plan.slug}, tokens=feed_tokens(SEES_B),
             expect={"GET": answer(SEES_B), "POST": everyone(405)}),
    ),
    "plans:plan": cases(Case("A", kwargs=PLAN, expect=page(SEES_A_PLAN)),
                        Case("A restricted", kwargs=R_PLAN, expect=page(INSIDERS_A)),
                        Case("B", kwargs=lambda w: {"slug": w.b.plan.slug}, expect=page(SEES_B))),
    "plans:export": cases(Case("A csv", kwargs=lambda w: {"slug": w.a.plan.slug, "fmt": "csv"}, expect=page(SEES_A_PLAN)),
                          Case("A json", kwargs=lambda w: {"slug": w.a.plan.slug, "fmt": "json"},
                               expect=page(SEES_A_PLAN)),
                          Case("A restricted csv", kwargs=lambda w: {"slug": w.r.plan.slug, "fmt": "csv"},
                               expect=page(INSIDERS_A)),
                          Case("A restricted xlsx", kwargs=lambda w: {"slug": w.r.plan.slug, "fmt": "xlsx"},
                               expect=page(INSIDERS_A))),
    # POST only. The world's plans are approved already, so the plan's admins are sent back to its page with
    # the reason (nothing changes); others who see it are refused; the rest are told it does not exist.
    "plans:approve": cases(
        Case("A", kwargs=PLAN, expect={"GET": everyone(405), "POST": answer(SEES_A_PLAN, {SUPERUSER, ADMIN}, ok=302)}),
        Case("A restricted", kwargs=R_PLAN,
             expect={"GET": everyone(405), "POST": answer(INSIDERS_A, RESTRICTED_ADMINS, ok=302)}),
        Case("B", kwargs=lambda w: {"slug": w.b.plan.slug},
             expect={"GET": everyone(405), "POST": answer(SEES_B, {SUPERUSER, OTHER_ADMIN}, ok=302)})),
    "plans:dashboard": cases(Case("A", kwargs=PLAN, expect=page(SEES_A_PLAN)),
                             Case("A restricted", kwargs=R_PLAN, expect=page(INSIDERS_A))),
    "plans:vital_signs": cases(Case("A", kwargs=PLAN, expect=page(SEES_A_PLAN)),
                               Case("A restricted", kwargs=R_PLAN, expect=page(INSIDERS_A))),
    "plans:vital_signs_csv": cases(Case("A", kwargs=PLAN, expect=page(SEES_A_PLAN)),
                                   Case("A restricted", kwargs=R_PLAN, expect=page(INSIDERS_A))),
    "plans:vital_signs_xlsx": cases(Case("A", kwargs=PLAN, expect=page(SEES_A_PLAN)),
                                    Case("A restricted", kwargs=R_PLAN, expect=page(INSIDERS_A))),
    "plans:measure": cases(Case("A", kwargs=lambda w: {"pk": w.a.measure.pk}, expect=page(SEES_A_PLAN)),
                           Case("A restricted plan's", kwargs=lambda w: {"pk": w.r.measure.pk}, expect=page(INSIDERS_A)),
                           Case("A open plan's restricted", kwargs=lambda w: {"pk": w.r.open_plan_measure.pk},
                                expect=page(INSIDERS_A))),
    # A restricted measure's owner (the lead) is outside it: only A's admins enter its values.
    "plans:measure_value": cases(Case("A", kwargs=lambda w: {"pk": w.a.measure.pk},
                                      expect=form(SEES_A_PLAN, ENTERS_MEASURE)),
                                 Case("A restricted plan's", kwargs=lambda w: {"pk": w.r.measure.pk},
                                      expect=form(INSIDERS_A, RESTRICTED_ADMINS)),
                                 Case("A open plan's restricted", kwargs=lambda w: {"pk": w.r.open_plan_measure.pk},
                                      expect=form(INSIDERS_A, RESTRICTED_ADMINS))),
    "plans:theme": cases(Case("A", kwargs=lambda w: {"pk": w.a.theme.pk}, expect=page(SEES_A_PLAN)),
                         Case("A restricted", kwargs=lambda w: {"pk": w.r.theme.pk}, expect=page(INSIDERS_A))),
    "plans:impact": cases(Case("A", kwargs=lambda w: {"pk": w.a.theme.pk}, expect=form(SEES_A_PLAN, ASSESSES_THEME)),
                          Case("A restricted", kwargs=lambda w: {"pk": w.r.theme.pk},
                               expect=form(INSIDERS_A, RESTRICTED_ADMINS))),
    "plans:action": cases(Case("A 1.1", kwargs=lambda w: {"pk": w.a.action.pk}, expect=page(SEES_A_PLAN)),
                          Case("A restricted", kwargs=lambda w: {"pk": w.r.action.pk}, expect=page(INSIDERS_A)),
                          Case("B", kwargs=lambda w: {"pk": w.b.action.pk}, expect=page(SEES_B))),
    "plans:update": cases(
        Case("A 1.1, the lead's", kwargs=lambda w: {"pk": w.a.action.pk}, expect=form(SEES_A_PLAN, UPDATES_ACTION_1_1)),
        Case("A 1.2, the partner's", kwargs=lambda w: {"pk": w.a.partner_action.pk},
             expect=form(SEES_A_PLAN, UPDATES_ACTION_1_2)),
        Case("A restricted, the lead's", kwargs=lambda w: {"pk": w.r.action.pk},
             expect=form(INSIDERS_A, RESTRICTED_ADMINS)),
    ),
    "plans:milestone_outcome": cases(Case("A 1.1's", kwargs=lambda w: {"pk": w.a.milestone.pk},
                                          expect=form(SEES_A_PLAN, UPDATES_ACTION_1_1)),
                                     Case("A restricted's", kwargs=lambda w: {"pk": w.r.milestone.pk},
                                          expect=form(INSIDERS_A, RESTRICTED_ADMINS))),
    # A's board, its meetings, packs and log.
    "governance:board": cases(Case("A", kwargs=lambda w: {"slug": w.a.board.slug}, expect=page(SEES_A_BOARD)),
                              Case("B", kwargs=lambda w: {"slug": w.b.board.slug}, expect=page(SEES_B))),
    "governance:meeting": cases(Case("A", kwargs=MEETING, expect=page(SEES_A_BOARD)),
                                Case("A restricted", kwargs=R_MEETING, expect=page(INSIDERS_A)),
                                Case("A with a restricted pack", kwargs=lambda w: {"pk": w.r.pack_meeting.pk},
                                     expect=page(SEES_A_BOARD)),
                                Case("B", kwargs=lambda w: {"pk": w.b.meeting.pk}, expect=page(SEES_B))),
    # The clerk's forms: the clerk and A's admins use them; the other seat (the member from T) sees and is refused.
    "governance:attendance": cases(Case("A", kwargs=MEETING, expect=form(SEES_A_BOARD, CLERKS_A)),
                                   Case("A restricted", kwargs=R_MEETING, expect=form(INSIDERS_A, CLERKS_A))),
    "governance:log_item_new": cases(Case("A", kwargs=MEETING, expect=form(SEES_A_BOARD, CLERKS_A)),
                                     Case("A restricted", kwargs=R_MEETING, expect=form(INSIDERS_A, CLERKS_A))),
    "governance:deep_dive": cases(Case("A", kwargs=lambda w: {"pk": w.a.meeting.pk, "theme_pk": w.a.theme.pk},
                                       expect=page(SEES_A_BOARD)),
                                  Case("A restricted, its restricted theme",
                                       kwargs=lambda w: {"pk": w.r.meeting.pk, "theme_pk": w.r.theme.pk},
                                       expect=page(INSIDERS_A)),
                                  # An open meeting's deep dive into a restricted plan's theme: the theme goes
                                  # with its plan.
                                  Case("A open, a restricted theme",
                                       kwargs=lambda w: {"pk": w.a.meeting.pk, "theme_pk": w.r.theme.pk},
                                       expect=page(INSIDERS_A))),
    "governance:log_item_update": cases(Case("A", kwargs=lambda w: {"pk": w.a.log_item.pk},
                                             expect=form(SEES_A_BOARD, CLERKS_A)),
                                        Case("A restricted", kwargs=lambda w: {"pk": w.r.log_item.pk},
                                             expect=form(INSIDERS_A, CLERKS_A))),
    "governance:log_item_response": cases(Case("A", kwargs=lambda w: {"pk": w.a.recommendation_item.pk},
                                               expect=form(SEES_A_BOARD, CLERKS_A)),
                                          Case("A restricted", kwargs=lambda w: {"pk": w.r.recommendation_item.pk},
                                               expect=form(INSIDERS_A, CLERKS_A))),
    "governance:person": cases(Case("A's lead", kwargs=lambda w: {"pk": w.a.lead.pk}, expect=page(SEES_A_PLAN)),
                               Case("B's lead", kwargs=lambda w: {"pk": w.b.lead.pk}, expect=page(SEES_B))),
    "governance:report": cases(Case("A", kwargs=MEETING, expect=page(SEES_A_BOARD)),
                               Case("A restricted", kwargs=R_MEETING, expect=page(INSIDERS_A))),
    "governance:report_pdf": cases(Case("A", kwargs=MEETING, expect=page(SEES_A_BOARD)),
                                   Case("A restricted", kwargs=R_MEETING, expect=page(INSIDERS_A))),
    "governance:report_docx": cases(Case("A", kwargs=MEETING, expect=page(SEES_A_BOARD)),
                                    Case("A restricted", kwargs=R_MEETING, expect=page(INSIDERS_A))),
    "governance:issue_pack": cases(Case("A", kwargs=MEETING, expect=form(SEES_A_BOARD, CLERKS_A)),
                                   Case("A restricted", kwargs=R_MEETING, expect=form(INSIDERS_A, CLERKS_A))),
    # A restricted pack, of the restricted meeting and of an open one: only insiders download it.
    "governance:pack_pdf": cases(Case("A v1", kwargs=lambda w: {"pk": w.a.meeting.pk, "version": 1},
                                      expect=page(SEES_A_BOARD)),
                                 Case("A restricted meeting's v1", kwargs=lambda w: {"pk": w.r.meeting.pk, "version": 1},
                                      expect=page(INSIDERS_A)),
                                 Case("A open meeting's restricted v1",
                                      kwargs=lambda w: {"pk": w.r.pack_meeting.pk, "version": 1},
                                      expect=page(INSIDERS_A))),
    "governance:pack_docx": cases(Case("A v1", kwargs=lambda w: {"pk": w.a.meeting.pk, "version": 1},
                                       expect=page(SEES_A_BOARD)),
                                  Case("A restricted meeting's v1",
                                       kwargs=lambda w: {"pk": w.r.meeting.pk, "version": 1}, expect=page(INSIDERS_A)),
                                  Case("A open meeting's restricted v1",
                                       kwargs=lambda w: {"pk": w.r.pack_meeting.pk, "version": 1},
                                       expect=page(INSIDERS_A))),
    # Everyone who sees the meeting reads the summary; its clerk and admins write it (an empty one saves).
    "governance:decisions": cases(Case("A", kwargs=MEETING, expect={
        "GET": answer(SEES_A_BOARD), "POST": answer(SEES_A_BOARD, CLERKS_A, ok=302)}),
                                  Case("A restricted", kwargs=R_MEETING, expect={
        "GET": answer(INSIDERS_A), "POST": answer(INSIDERS_A, CLERKS_A, ok=302)})),
    # A's inspection.
    "inspections:tracker": cases(
        Case("A", kwargs=lambda w: {"slug": w.a.inspection.slug}, expect=page(SEES_A_INSPECTION)),
        Case("B", kwargs=lambda w: {"slug": w.b.inspection.slug}, expect=page(SEES_B))),
}


# ---------------------------------------------------------------------------------------------------------
# Walking the URLconf.


def all_named_patterns(resolver=None, prefix="", admin_site=False):
    """(name, pattern) for every named URL; the admin's apart (admin_site=True gives only those)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            is_admin = pattern.namespace == "admin"
            if not admin_site and is_admin:
                continue
            if admin_site and not prefix and not is_admin:
                continue
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from all_named_patterns(pattern, ns, admin_site)
        elif isinstance(pattern, URLPattern) and pattern.name and (not admin_site or prefix):
            yield prefix + pattern.name, pattern


PATTERNS = sorted(all_named_patterns(), key=lambda p: p[0])
PATTERN_NAMES = {name for name, _ in PATTERNS}
MATRIX = [(name, case, role, method)
          for name in sorted(REGISTRY) if name in PATTERN_NAMES
          for case in REGISTRY[name]
          for method in ("GET", "POST")
          for role in ROLES + (TOKEN_HOLDER,)
          if (method in case.expect or (role == ANONYMOUS and method == "POST"))
          and (role != TOKEN_HOLDER or method == "GET")]


def matrix_id(item):
    name, case, role, method = item
    return f"{name}[{case.label}]-{role}-{method}" if case.label else f"{name}-{role}-{method}"


# ---------------------------------------------------------------------------------------------------------
# The world, made once for the module.

A_TEXT = "aaa-only"  # in every name, title, slug and username of A's (compared case-insensitively)
B_TEXT = "bbb-only"


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _login(f, role, username, organisation, name, **kwargs):
    user = f.user_in_role(role, username=username, email=f"{username}@example.org", **kwargs)
    return f.PersonFactory(user=user, organisation=organisation, name=name, email=user.email)


def _council(f, organisation, tag, *, lead, clerk_user):
    """The same kinds of things for a council: a board owning an approved plan, a theme its lead leads, an
    action with a milestone and an update, a measure with a value, an impact assessment, an inspection with
    recommendations mapped to the theme, a meeting with an agenda item, attendance, an action log, a
    reminder and a token. Every name carries `tag`."""
    from governance.models import LogItem, MeetingReminder, Membership
    from governance.tokens import create_token
    from plans.models import EditConflict

    upper = tag.upper()
    c = SimpleNamespace(org=organisation, lead=lead)
    c.board = f.BoardFactory(organisation=organisation, name=f"{upper}-BOARD Improvement Board", slug=f"{tag}-board")
    c.plan = f.PlanFactory(organisation=organisation, board=c.board, title=f"{upper}-PLAN Improvement Plan",
                           slug=f"{tag}-plan", status="approved", start=datetime.date(2024, 1, 1))
    c.theme = f.ThemeFactory(plan=c.plan, number="1", title=f"{upper} theme")
    c.theme.leads.add(lead)
    c.objective = f.ObjectiveFactory(theme=c.theme, number="1.1", text=f"{upper} objective")
    c.action = f.ActionFactory(theme=c.theme, objective=c.objective, reference=f"{upper}-1.1", lead=lead,
                               activity=f"{upper} activity led by the lead")
    c.milestone = f.MilestoneFactory(action=c.action, text=f"{upper} milestone", lead=lead)
    c.update = f.ProgressUpdateFactory(action=c.action, author=lead.user, narrative=f"{upper} narrative")
    c.conflict = EditConflict.objects.create(action=c.action, user=lead.user, based_on_version=1, found_version=2)
    c.measure = f.MeasureFactory(theme=c.theme, name=f"{upper} measure", owner=lead, target=80, tolerance=5)
    c.value = f.MeasureValueFactory(measure=c.measure, period_end=datetime.date(2024, 6, 30), value=70)
    c.assessment = f.ImpactAssessmentFactory(theme=c.theme, author=lead.user, rationale=f"{upper} rationale")
    c.inspection = f.InspectionFactory(organisation=organisation, title=f"{upper}-INSPECTION ILACS",
                                       slug=f"{tag}-inspection", authority=upper)
    c.judgement = f.JudgementFactory(inspection=c.inspection, area=f"{upper} area")
    c.finding = f.FindingFactory(inspection=c.inspection, text=f"{upper} finding")
    c.recommendation = f.RecommendationFactory(inspection=c.inspection, finding=c.finding,
                                               text=f"{upper} recommendation")
    c.theme_recommendation = f.ThemeRecommendationFactory(theme=c.theme, recommendation=c.recommendation)
    c.action.recommendations.add(c.recommendation)
    c.plan.inspections.add(c.inspection)
    c.meeting = f.MeetingFactory(board=c.board, start=at(datetime.date(2024, 7, 17)),
                                 papers_deadline=datetime.date(2024, 7, 10), venue=f"{upper} Hall")
    c.agenda_item = f.AgendaItemFactory(meeting=c.meeting, title=f"{upper} agenda item")
    c.agenda_item.themes.add(c.theme)
    c.agenda_item.plans.add(c.plan)
    c.clerk_seat = f.MembershipFactory(board=c.board, person=clerk_user.person, role=Membership.Role.CLERK)
    c.attendance = f.AttendanceFactory(meeting=c.meeting, person=clerk_user.person)
    c.log_item = f.LogItemFactory(meeting=c.meeting, owner=lead, text=f"{upper} log action")
    c.recommendation_item = f.RecommendationLogItemFactory(meeting=c.meeting, text=f"{upper} recommendation item")
    assert c.recommendation_item.kind == LogItem.Kind.RECOMMENDATION
    c.reminder = MeetingReminder.objects.create(meeting=c.meeting, person=lead)
    c.token, c.plain_token = create_token(user=lead.user, name=f"{upper} token")
    c.lockout = f.LockedOutAttemptFactory(username=lead.user.username)
    from governance import models as governance_models

    if hasattr(governance_models, "AuditEvent"):  # the audit trail, an entry concerning this council
        c.audit_event = governance_models.AuditEvent.objects.create(
            kind="exported", organisation=organisation, user=lead.user, username=lead.user.username,
            object_repr=f"{upper}-PLAN export", detail=f"{tag}-plan.csv")
    return c


def build_world():
    from django.core import mail

    from governance.models import ApiToken, Membership, Organisation
    from governance.packs import issue_pack
    from governance.tokens import create_token, revoke
    from plans.models import PlanShare
    from tests import factories as f

    today = timezone.localdate()
    org_a = Organisation.objects.create(name="AAA-ONLY Council", slug="aaa-only-council")
    org_b = Organisation.objects.create(name="BBB-ONLY Council", slug="bbb-only-council")
    partner = Organisation.objects.create(name="PPP Partner Trust", slug="ppp-partner-trust", kind="trust")
    third = Organisation.objects.create(name="TTT Health Partnership", slug="ttt-health", kind="partnership")
    b_partner = Organisation.objects.create(name="QQQ Partner of B", slug="qqq-partner", kind="trust")

    people = {
        ADMIN: _login(f, "Admin", "aaa-only-admin", org_a, "AAA-ONLY Admin", is_staff=True),
        SEATED_MEMBER: _login(f, "Board member", "ttt-seated-member", third, "Tess Seated"),
        MEMBER_OFF_BOARD: _login(f, "Board member", "aaa-only-member", org_a, "AAA-ONLY Member Off Board"),
        CLERK: _login(f, "Board member", "aaa-only-clerk", org_a, "AAA-ONLY Clerk"),
        LEAD_OFFICER: _login(f, "Officer", "aaa-only-lead", org_a, "AAA-ONLY Lead Officer"),
        OFFICER: _login(f, "Officer", "aaa-only-officer", org_a, "AAA-ONLY Other Officer"),
        PARTNER_OFFICER: _login(f, "Officer", "ppp-partner-officer", partner, "Pat Partner"),
        OTHER_OFFICER: _login(f, "Officer", "bbb-only-officer", org_b, "BBB-ONLY Officer"),
        OTHER_ADMIN: _login(f, "Admin", "bbb-only-admin", org_b, "BBB-ONLY Admin", is_staff=True),
    }
    b_clerk = _login(f, "Board member", "bbb-only-clerk", org_b, "BBB-ONLY Clerk")
    users = {role: person.user for role, person in people.items()}
    users[SUPERUSER] = f.StaffUserFactory(username="root")

    a = _council(f, org_a, A_TEXT, lead=people[LEAD_OFFICER], clerk_user=users[CLERK])
    b = _council(f, org_b, B_TEXT, lead=people[OTHER_OFFICER], clerk_user=b_clerk.user)
    # A's extras: the partner leads an action of the shared plan; the seat from the third organisation; the
    # board member off the owning board sits on A's scrutiny committee instead.
    a.partner_action = f.ActionFactory(theme=a.theme, reference="AAA-ONLY-1.2", lead=people[PARTNER_OFFICER],
                                       activity="AAA-ONLY activity led by the partner")
    a.share = PlanShare.objects.create(plan=a.plan, organisation=partner, start=today - datetime.timedelta(days=30),
                                       start_confirmed=True)
    b.share = PlanShare.objects.create(plan=b.plan, organisation=b_partner, start=today - datetime.timedelta(days=30))
    a.seat = f.MembershipFactory(board=a.board, person=people[SEATED_MEMBER], role=Membership.Role.MEMBER)
    a.scrutiny = f.BoardFactory(organisation=org_a, name="AAA-ONLY-SCRUTINY Committee", slug="aaa-only-scrutiny",
                                kind="scrutiny_committee")
    f.MembershipFactory(board=a.scrutiny, person=people[MEMBER_OFF_BOARD])
    # Each council's pack is issued as the clerk issues it (PDF and Word rendered once, for the module).
    a.pack = issue_pack(meeting=a.meeting, user=users[ADMIN])
    b.pack = issue_pack(meeting=b.meeting, user=users[OTHER_ADMIN])
    mail.outbox = []
    tokens = {role: create_token(user=users[role], name=f"{role} feed")[1] for role in TOKEN_ROLES}
    # The lead's revoked token and expired token: refused (401), though the lead sees A's plan.
    revoked, tokens["revoked"] = create_token(user=users[LEAD_OFFICER], name="revoked feed")
    revoke(token=revoked)
    expired, tokens["expired"] = create_token(user=users[LEAD_OFFICER], name="expired feed")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    r = _restricted(f, a, people, users)
    mail.outbox = []
    return SimpleNamespace(a=a, b=b, r=r, users=users, people=people, tokens=tokens, org_a=org_a, org_b=org_b,
                           partner=partner, third=third, sessions=_sessions(users))


R_TEXT = "rrr-restricted"  # in every name, title and text of A's restricted items (and A_TEXT too)


def _restricted(f, a, people, users):
    """A's restricted items (not for publication, Schedule 12A paragraph 3), all of A's owning board: a second
    plan with a theme, an action and a milestone the lead leads, and a measure the lead owns; a restricted
    measure of the open plan; a restricted meeting with an agenda item, attendance, an action log and an issued
    pack; a restricted agenda item of the open meeting; and an open meeting whose one issued pack is
    restricted. The packs are stored rows with small bytes: the download views serve the stored bytes."""
    import hashlib

    from governance.models import BoardPack
    from governance.report import build_report

    lead = people[LEAD_OFFICER]
    secret = {"restricted": True, "exemption_paragraph": 3}
    r = SimpleNamespace()
    r.plan = f.PlanFactory(organisation=a.org, board=a.board, title="AAA-ONLY RRR-RESTRICTED-PLAN Recovery Plan",
                           slug="aaa-only-rrr-restricted-plan", status="approved", start=datetime.date(2024, 1, 1),
                           **secret)
    r.theme = f.ThemeFactory(plan=r.plan, number="1", title="AAA-ONLY RRR-RESTRICTED theme")
    r.theme.leads.add(lead)
    r.action = f.ActionFactory(theme=r.theme, reference="RRR-RESTRICTED-1.1", lead=lead,
                               activity="AAA-ONLY RRR-RESTRICTED activity led by the lead")
    r.milestone = f.MilestoneFactory(action=r.action, text="AAA-ONLY RRR-RESTRICTED milestone", lead=lead)
    r.update = f.ProgressUpdateFactory(action=r.action, author=lead.user, narrative="AAA-ONLY RRR-RESTRICTED narrative")
    r.measure = f.MeasureFactory(theme=r.theme, name="AAA-ONLY RRR-RESTRICTED measure", owner=lead, target=80,
                                 tolerance=5)
    f.MeasureValueFactory(measure=r.measure, period_end=datetime.date(2024, 6, 30), value=60)
    r.open_plan_measure = f.MeasureFactory(theme=a.theme, name="AAA-ONLY RRR-RESTRICTED measure of the open plan",
                                           owner=lead, target=80, tolerance=5, **secret)
    f.MeasureValueFactory(measure=r.open_plan_measure, period_end=datetime.date(2024, 6, 30), value=61)
    r.meeting = f.MeetingFactory(board=a.board, start=at(datetime.date(2024, 9, 18)),
                                 papers_deadline=datetime.date(2024, 9, 11), venue="AAA-ONLY RRR-RESTRICTED Room",
                                 **secret)
    r.agenda_item = f.AgendaItemFactory(meeting=r.meeting, title="AAA-ONLY RRR-RESTRICTED agenda item")
    r.agenda_item.plans.add(r.plan)
    r.agenda_item.themes.add(r.theme)
    f.AttendanceFactory(meeting=r.meeting, person=people[CLERK])
    r.log_item = f.LogItemFactory(meeting=r.meeting, owner=lead, text="AAA-ONLY RRR-RESTRICTED log action")
    r.recommendation_item = f.RecommendationLogItemFactory(meeting=r.meeting,
                                                           text="AAA-ONLY RRR-RESTRICTED recommendation item")
    r.open_meeting_item = f.AgendaItemFactory(meeting=a.meeting, title="AAA-ONLY RRR-RESTRICTED item of the open "
                                              "meeting", **secret)
    r.open_meeting_item.themes.add(r.theme)  # so the open meeting's deep dive into it exists, for insiders
    r.pack_meeting = f.MeetingFactory(board=a.board, start=at(datetime.date(2024, 10, 16)),
                                      papers_deadline=datetime.date(2024, 10, 9), venue="AAA-ONLY Pack Hall")

    def pack(meeting):
        # The figures as issue_pack freezes them (the report page compares them with the live ones); the bytes
        # small, as the download views serve the stored bytes and never render.
        context = build_report(meeting, restricted=True)
        pdf, docx = b"%PDF-1.7 AAA-ONLY RRR-RESTRICTED pack", b"PK AAA-ONLY RRR-RESTRICTED pack"
        return BoardPack.objects.create(
            meeting=meeting, version=1, issued_by=users[CLERK], as_at=context["as_at"],
            compare_date=context["compare_date"], figures=context["figures"],
            pdf=pdf, docx=docx, pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            docx_sha256=hashlib.sha256(docx).hexdigest(), **secret)

    r.pack, r.open_meeting_pack = pack(r.meeting), pack(r.pack_meeting)
    return r


# Who is outside A's restricted items though they see something of A's (and B's officer, who sees nothing).
OUTSIDERS_A = (MEMBER_OFF_BOARD, LEAD_OFFICER, OFFICER, PARTNER_OFFICER, OTHER_OFFICER)


def _sessions(users):
    """One signed-in session per role, made once: a test sends its cookie instead of signing in again (a test's
    own changes to it, a sign-out included, are rolled back with the test). They outlive the module."""
    from django.contrib.sessions.models import Session
    from django.test import Client

    keys = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(pk__in=keys.values()).update(expire_date=timezone.now() + datetime.timedelta(days=1))
    return keys


def remove_world():
    from axes.models import AccessAttempt
    from django.contrib.admin.models import LogEntry

    from governance import models as governance_models
    from governance.models import ApiToken, Organisation, User
    from plans.models import MeasureValue, PlanShare
    from tests.conftest import remove_real_data

    if hasattr(governance_models, "AuditEvent"):
        governance_models.AuditEvent.objects.all().delete()
    PlanShare.objects.all().delete()
    MeasureValue.history.all().delete()
    remove_real_data()
    ApiToken.objects.all().delete()
    AccessAttempt.objects.all().delete()
    LogEntry.objects.all().delete()
    User.objects.all().delete()
    Organisation.objects.all().delete()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        built = build_world()
    yield built
    with django_db_blocker.unblock():
        remove_world()


def request_as(client, world, role, method, url, body=None, token_role=None):
    if token_role:
        header = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[token_role]}"}
        return client.get(url, **header) if method == "GET" else client.post(url, body or {}, **header)
    if role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client.get(url) if method == "GET" else client.post(url, body or {})


# ---------------------------------------------------------------------------------------------------------
# The matrix of the service's own pages.


def test_every_url_has_an_entry():
    missing = sorted(PATTERN_NAMES - set(REGISTRY))
    assert not missing, ("These URLs have no entry in the permission matrix's REGISTRY "
                         f"(tests/test_permission_matrix.py): {', '.join(missing)}")


def test_every_entry_names_a_url():
    stale = sorted(set(REGISTRY) - PATTERN_NAMES)
    assert not stale, f"These REGISTRY entries name no URL of the URLconf: {', '.join(stale)}"


def test_the_url_sweep_found_the_pages():
    assert {"home", "login", "logout", "plans:plan", "plans:action", "plans:position_feed"} <= PATTERN_NAMES


@pytest.fixture
def quick_live_pdf(monkeypatch):
    """The live report's PDF takes seconds to render and test_report checks it; here only who gets it matters."""
    monkeypatch.setattr("governance.views.report.render_pdf", lambda context: b"%PDF-1.7 not rendered")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "case", "role", "method"), MATRIX, ids=[matrix_id(m) for m in MATRIX])
def test_matrix(client, world, quick_live_pdf, name, case, role, method):
    url = reverse(name, kwargs=case.kwargs(world))
    if role == TOKEN_HOLDER:
        return assert_token_holder(client, world, name, case, url)
    response = request_as(client, world, role, method, url, case.body(world))
    got = response.status_code
    where = f"{name} [{case.label}] {url} as {role}, {method}"
    if role == ANONYMOUS and not (case.anonymous and method in case.anonymous):
        if url.startswith(API_PREFIX):
            # An API client is told to authenticate (401 and a Bearer challenge), never sent to a sign-in page.
            assert got == 401, f"{where}: expected 401, got {got}"
            assert response["WWW-Authenticate"].startswith("Bearer")
        else:
            assert got == 302, f"{where}: expected 302 to sign in, got {got}"
            assert response["Location"].startswith(LOGIN), f"{where}: sent to {response['Location']}"
        return
    expected = case.anonymous[method] if role == ANONYMOUS else case.expect[method][role]
    assert got == expected, f"{where}: expected {expected}, got {got}"
    if role == ANONYMOUS:
        assert LOGIN not in response.get("Location", ""), f"{where}: a public page sent its visitor to sign in"


def assert_token_holder(client, world, name, case, url):
    """A bearer token and no session. An API URL answers as the token's user may see (a refused token 401);
    any other URL ignores the token and answers as to an anonymous visitor, whoever the token is for (the lead's
    and a superuser's are both tried): a token never stands in for a session."""
    if url.startswith(API_PREFIX):
        assert case.tokens is not None, f"{name} [{case.label}] is an API URL: give its case `tokens`"
        for holder, expected in case.tokens.items():
            response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {world.tokens[holder]}")
            where = f"{name} [{case.label}] {url} with {holder}'s token, GET"
            assert response.status_code == expected, f"{where}: expected {expected}, got {response.status_code}"
            if expected == 401:
                assert response["WWW-Authenticate"].startswith("Bearer"), where
        return
    for holder in (LEAD_OFFICER, SUPERUSER):
        response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {world.tokens[holder]}")
        got = response.status_code
        where = f"{name} [{case.label}] {url} with {holder}'s token and no session, GET"
        if case.anonymous and "GET" in case.anonymous:
            expected = case.anonymous["GET"]
            assert got == expected, f"{where}: expected {expected} (as anonymous), got {got}"
        else:
            assert got == 302, f"{where}: expected 302 to sign in, got {got}"
            assert response["Location"].startswith(LOGIN), f"{where}: sent to {response['Location']}"


# ---------------------------------------------------------------------------------------------------------
# The admin, sampled per registered model.

ADMIN_MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)
ADMIN_SAMPLED = ("changelist", "add", "change")
ADMIN_SAMPLED_OUT = ("history", "delete")  # per object, like change; the admin's own code
# The admin site's own pages: not a model's, answering staff alike (the index is in the matrix).
ADMIN_SITE_PAGES = {"admin:index", "admin:login", "admin:logout", "admin:password_change",
                    "admin:password_change_done", "admin:autocomplete", "admin:jsi18n", "admin:view_on_site",
                    "admin:app_list"}
# The admin's extra pages (ModelAdmin.get_urls): name -> {role: status} for GET and POST.
ADMIN_EXTRA = {
    # Whoever may add plans imports them, into their own organisation (an empty POST shows the form's errors).
    "admin:plans_plan_import": {"GET": {SUPERUSER: 200, ADMIN: 200, OTHER_ADMIN: 200},
                                "POST": {SUPERUSER: 200, ADMIN: 200, OTHER_ADMIN: 200}},
}

# The admin's extra pages of one object (ModelAdmin.get_urls): name -> (model label, its URL's arguments for an
# object). They answer as the object's change page does: another organisation's object is not found.
def _latest_version(obj):
    return [obj.pk, obj.history.order_by("-history_id").values_list("history_id", flat=True).first()]


ADMIN_OBJECT_PAGES = {
    "admin:auth_user_password_change": ("governance.User", lambda obj: [obj.pk]),
    "admin:plans_action_simple_history": ("plans.Action", _latest_version),
    "admin:plans_measure_simple_history": ("plans.Measure", _latest_version),
    "admin:plans_measurevalue_simple_history": ("plans.MeasureValue", _latest_version),
}


# Each registered model's sample objects: a function of the council's namespace (A's and B's), or None for a
# model no organisation owns (the role groups).
ADMIN_SAMPLES = {
    "auth.Group": None,
    "governance.AuditEvent": lambda c: c.audit_event,
    "axes.AccessAttempt": lambda c: c.lockout,
    "governance.AgendaItem": lambda c: c.agenda_item,
    "governance.ApiToken": lambda c: c.token,
    "governance.Attendance": lambda c: c.attendance,
    "governance.Board": lambda c: c.board,
    "governance.BoardPack": lambda c: c.pack,
    "governance.LogItem": lambda c: c.log_item,
    "governance.Meeting": lambda c: c.meeting,
    "governance.MeetingReminder": lambda c: c.reminder,
    "governance.Membership": lambda c: c.clerk_seat,
    "governance.Organisation": lambda c: c.org,
    "governance.User": lambda c: c.lead.user,
    "inspections.Finding": lambda c: c.finding,
    "inspections.Inspection": lambda c: c.inspection,
    "inspections.Judgement": lambda c: c.judgement,
    "inspections.Recommendation": lambda c: c.recommendation,
    "plans.Action": lambda c: c.action,
    "plans.EditConflict": lambda c: c.conflict,
    "plans.ImpactAssessment": lambda c: c.assessment,
    "plans.Measure": lambda c: c.measure,
    "plans.MeasureValue": lambda c: c.value,
    "plans.Milestone": lambda c: c.milestone,
    "plans.Objective": lambda c: c.objective,
    "plans.Person": lambda c: c.lead,
    "plans.Plan": lambda c: c.plan,
    "plans.PlanShare": lambda c: c.share,
    "plans.ProgressUpdate": lambda c: c.update,
    "plans.Theme": lambda c: c.theme,
    "plans.ThemeRecommendation": lambda c: c.theme_recommendation,
}

# Staff roles one by one; the logins without staff status (anonymous included), which the admin turns away
# before it looks at the model, together in one test per URL.
NO_STAFF = "no staff"
ADMIN_MATRIX = [(model._meta.label, kind, role)
                for model in ADMIN_MODELS for kind in ("changelist", "add", "change A's", "change B's")
                for role in STAFF + (NO_STAFF,)
                if not (kind == "change B's" and ADMIN_SAMPLES.get(model._meta.label, "") is None)]
ADMIN_CHECKS = len(ADMIN_MATRIX) // len(STAFF + (NO_STAFF,)) * len(ROLES)


def admin_url_names():
    return sorted(name for name, _ in all_named_patterns(admin_site=True))


def _model_admin(label):
    return next(admin.site._registry[m] for m in ADMIN_MODELS if m._meta.label == label)


def _declared(model_admin, user, kind) -> bool:
    """What the ModelAdmin's model-level permission methods grant the user (the role's permissions, and the
    admin's refusals such as read-only records): the admin answers 403 where they refuse. Which objects it
    may see is the scoping rule's business, asserted apart (404)."""
    request = RequestFactory().get("/admin/")
    request.user = type(user).objects.get(pk=user.pk)  # fresh: no cached permissions
    if kind == "add":
        return model_admin.has_add_permission(request)
    return model_admin.has_view_or_change_permission(request)


def assert_sent_to_sign_in(response, role, where):
    """Anonymous: a sign-in page (the service's, as LoginRequiredMiddleware runs before the admin's own check,
    or the admin's for the pages Django marks login_not_required, such as its index). Signed in without staff
    status: the admin's sign-in, which says the login may not use the admin."""
    starts = (LOGIN, ADMIN_LOGIN) if role == ANONYMOUS else (ADMIN_LOGIN,)
    assert response.status_code == 302, f"{where}: expected 302 to sign in, got {response.status_code}"
    assert response["Location"].startswith(starts), f"{where}: sent to {response['Location']}, not {starts}"


def test_every_admin_url_is_covered():
    """A model's URLs are sampled (changelist, add, change; history and delete alike); the admin site's own pages
    are Django's; any other admin URL (a ModelAdmin.get_urls page) needs an ADMIN_EXTRA entry."""
    model_names = {f"admin:{m._meta.app_label}_{m._meta.model_name}_{kind}"
                   for m in ADMIN_MODELS for kind in ADMIN_SAMPLED + ADMIN_SAMPLED_OUT}
    uncovered = sorted(set(admin_url_names()) - model_names - ADMIN_SITE_PAGES - set(ADMIN_EXTRA)
                       - set(ADMIN_OBJECT_PAGES))
    assert not uncovered, f"These admin URLs have no entry in ADMIN_EXTRA: {', '.join(uncovered)}"


def test_every_registered_model_has_samples():
    missing = sorted(m._meta.label for m in ADMIN_MODELS if m._meta.label not in ADMIN_SAMPLES)
    assert not missing, f"These admin models have no sample objects in ADMIN_SAMPLES: {', '.join(missing)}"


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "kind", "role"), ADMIN_MATRIX, ids=["-".join(m) for m in ADMIN_MATRIX])
def test_admin_matrix(client, world, label, kind, role):
    model_admin = _model_admin(label)
    opts = model_admin.model._meta
    sample = ADMIN_SAMPLES.get(label, "missing")
    assert sample != "missing", f"{label} has no sample objects in ADMIN_SAMPLES"
    obj = owner = None
    if kind in ("change A's", "change B's"):
        if sample is None:
            if kind == "change B's":
                pytest.skip(f"{label} belongs to no organisation")
            obj = model_admin.model.objects.order_by("pk").first()
            if obj is None:
                pytest.skip(f"{label} has no rows to sample")
        else:
            owner = "A" if kind == "change A's" else "B"
            obj = sample(world.a if owner == "A" else world.b)
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    else:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{kind}")
    if role == NO_STAFF:
        for each in set(ROLES) - set(STAFF):
            response = request_as(client, world, each, "GET", url)
            assert_sent_to_sign_in(response, each, f"admin {label} {kind} {url} as {each}")
        return
    response = request_as(client, world, role, "GET", url)
    got = response.status_code
    where = f"admin {label} {kind} {url} as {role}"
    user = world.users[role]
    granted = _declared(model_admin, user, "add" if kind == "add" else "view")
    expected = 200 if granted else 403
    # An organisation admin administers their own organisation's objects: another's is not found.
    own = {ADMIN: "A", OTHER_ADMIN: "B"}.get(role)
    if granted and owner is not None and own is not None and own != owner:
        expected = 404
    assert got == expected, f"{where}: expected {expected}, got {got}"
    if role == OTHER_ADMIN and kind in ("changelist", "add") and got == 200:
        assert_shows_none_of_as(response, label, kind, world.a)


def assert_shows_none_of_as(response, label, kind, a):
    """B's admin: no changelist row, filter choice or form choice of A's (part of the admin matrix, which
    renders these pages for B's admin anyway)."""
    if kind == "changelist" and ADMIN_SAMPLES.get(label):
        a_object = ADMIN_SAMPLES[label](a)
        shown = set(response.context["cl"].queryset.values_list("pk", flat=True))
        assert a_object.pk not in shown, f"{label} changelist as B's admin lists A's {a_object!r}"
    text = response.content.decode().lower()
    assert A_TEXT not in text, f"admin {label} {kind} as B's admin shows A's: {_around(text, A_TEXT)}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", STAFF + (OFFICER, ANONYMOUS))
def test_admin_index_and_extra_pages(client, world, role):
    index = request_as(client, world, role, "GET", reverse("admin:index"))
    if role in STAFF:
        assert index.status_code == 200
    else:
        assert_sent_to_sign_in(index, role, f"admin:index as {role}")
    for name, methods in ADMIN_EXTRA.items():
        for method, statuses in methods.items():
            response = request_as(client, world, role, method, reverse(name))
            where = f"{name} as {role}, {method}"
            if role in STAFF:
                assert response.status_code == statuses[role], f"{where}: expected {statuses[role]}, got {response.status_code}"
            else:
                assert_sent_to_sign_in(response, role, where)


ADMIN_OBJECT_MATRIX = [(name, owner, role) for name in sorted(ADMIN_OBJECT_PAGES) for owner in ("A", "B")
                       for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "owner", "role"), ADMIN_OBJECT_MATRIX, ids=["-".join(m) for m in ADMIN_OBJECT_MATRIX])
def test_admin_object_pages(client, world, name, owner, role):
    label, arguments = ADMIN_OBJECT_PAGES[name]
    obj = ADMIN_SAMPLES[label](world.a if owner == "A" else world.b)
    url = reverse(name, args=arguments(obj))
    response = request_as(client, world, role, "GET", url)
    where = f"{name} of {owner}'s {label} {url} as {role}"
    if role not in STAFF:
        assert_sent_to_sign_in(response, role, where)
        return
    granted = _declared(_model_admin(label), world.users[role], "view")
    own = {ADMIN: "A", OTHER_ADMIN: "B"}.get(role)
    expected = (404 if own is not None and own != owner else 200) if granted else 403
    assert response.status_code == expected, f"{where}: expected {expected}, got {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("label", ["plans.Plan", "governance.Meeting", "governance.Organisation", "plans.Action"])
def test_an_organisation_admin_cannot_post_to_anothers_object(client, world, label):
    """Saving another organisation's object through its change URL is not found, as reading it is."""
    model_admin = _model_admin(label)
    opts = model_admin.model._meta
    obj = ADMIN_SAMPLES[label](world.b)
    client.force_login(world.users[ADMIN])
    response = client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]), {})
    assert response.status_code == 404, (f"admin {label} change of B's as A's admin, POST: expected 404, "
                                         f"got {response.status_code}")


@pytest.mark.django_db
def test_the_organisation_admins_powers_are_the_issues():
    """The Admin role neither creates organisations nor edits the role groups (superusers do)."""
    admin_group = Group.objects.get(name="Admin")
    codenames = set(admin_group.permissions.values_list("content_type__app_label", "codename"))
    assert ("governance", "add_organisation") not in codenames
    assert ("governance", "change_organisation") in codenames
    assert not any(app == "auth" for app, _ in codenames)


# ---------------------------------------------------------------------------------------------------------
# Every list, export, feed and admin changelist shows none of another organisation's objects.


def _text(response) -> str:
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "wordprocessingml" in content_type:
        import docx

        document = docx.Document(io.BytesIO(body))
        cells = (cell.text for table in document.tables for row in table.rows for cell in row.cells)
        return "\n".join([p.text for p in document.paragraphs] + list(cells))
    if "spreadsheetml" in content_type:
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    return body.decode("utf-8-sig")


LISTS = [
    ("home", lambda w: {}),
    ("plans:register", lambda w: {}),
    ("plans:register_csv", lambda w: {}),
    ("plans:register_xlsx", lambda w: {}),
    ("plans:my_actions", lambda w: {}),
    ("governance:boards", lambda w: {}),
    ("governance:tokens", lambda w: {}),
    ("plans:plan", lambda w: {"slug": w.b.plan.slug}),
    ("plans:dashboard", lambda w: {"slug": w.b.plan.slug}),
    ("plans:vital_signs", lambda w: {"slug": w.b.plan.slug}),
    ("plans:vital_signs_csv", lambda w: {"slug": w.b.plan.slug}),
    ("plans:vital_signs_xlsx", lambda w: {"slug": w.b.plan.slug}),
    ("plans:export", lambda w: {"slug": w.b.plan.slug, "fmt": "json"}),
    ("governance:board", lambda w: {"slug": w.b.board.slug}),
    ("governance:meeting", lambda w: {"pk": w.b.meeting.pk}),
    ("governance:report", lambda w: {"pk": w.b.meeting.pk}),
    ("governance:person", lambda w: {"pk": w.b.lead.pk}),
    ("inspections:tracker", lambda w: {"slug": w.b.inspection.slug}),
]
# Forms whose choices list people, plans or themes: B's admin (who may use them) sees only B's.
B_ADMIN_FORMS = [
    ("governance:attendance", lambda w: {"pk": w.b.meeting.pk}),
    ("governance:log_item_new", lambda w: {"pk": w.b.meeting.pk}),
    ("plans:impact", lambda w: {"pk": w.b.theme.pk}),
    ("plans:update", lambda w: {"pk": w.b.action.pk}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [OTHER_OFFICER, OTHER_ADMIN])
@pytest.mark.parametrize(("name", "kwargs"), LISTS, ids=[n for n, _ in LISTS])
def test_lists_show_none_of_another_organisations_objects(client, world, role, name, kwargs):
    response = request_as(client, world, role, "GET", reverse(name, kwargs=kwargs(world)))
    assert response.status_code == 200, f"{name} as {role}: {response.status_code}"
    text = _text(response).lower()
    assert A_TEXT not in text, f"{name} as {role} shows A's: {_around(text, A_TEXT)}"
    if name != "governance:tokens" and not (name == "plans:my_actions" and role == OTHER_ADMIN):
        assert B_TEXT in text, f"{name} as {role} shows nothing of B's own either: the check would prove nothing"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs"), B_ADMIN_FORMS, ids=[n for n, _ in B_ADMIN_FORMS])
def test_forms_offer_none_of_another_organisations_objects(client, world, name, kwargs):
    response = request_as(client, world, OTHER_ADMIN, "GET", reverse(name, kwargs=kwargs(world)))
    assert response.status_code == 200
    text = response.content.decode().lower()
    assert A_TEXT not in text, f"{name} as B's admin offers A's: {_around(text, A_TEXT)}"


def _around(text, needle, width=80):
    found = text.find(needle)
    return re.sub(r"\s+", " ", text[max(0, found - width):found + width + len(needle)])


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("role", [OTHER_OFFICER, OTHER_ADMIN])
def test_the_feed_with_another_organisations_token_is_not_found(client, world, role, fmt):
    url = reverse("plans:position_feed", kwargs={"slug": world.a.plan.slug}) + f"?format={fmt}"
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {world.tokens[role]}")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert A_TEXT not in response.content.decode().lower().replace(world.a.plan.slug, "")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize(("role", "status"), [(LEAD_OFFICER, 200), (PARTNER_OFFICER, 200), (SEATED_MEMBER, 200)])
def test_the_feed_with_a_token_of_one_who_sees_the_plan(client, world, role, status, fmt):
    url = reverse("plans:position_feed", kwargs={"slug": world.a.plan.slug}) + f"?format={fmt}"
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {world.tokens[role]}")
    assert response.status_code == status
    assert "AAA-ONLY-1.1" in _text(response)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_bs_feed_shows_none_of_as(client, world, fmt):
    url = reverse("plans:position_feed", kwargs={"slug": world.b.plan.slug}) + f"?format={fmt}"
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {world.tokens[OTHER_OFFICER]}")
    assert response.status_code == 200
    text = _text(response)
    assert "BBB-ONLY-1.1" in text and A_TEXT not in text.lower()


@pytest.mark.django_db
def test_the_import_offers_and_takes_none_of_another_organisations_inspections(client, world):
    """B's admin cannot choose A's inspection (whose codes the rows would be attached to) nor A's organisation."""
    from plans.models import Plan

    client.force_login(world.users[OTHER_ADMIN])
    url = reverse("admin:plans_plan_import")
    page = client.get(url).content.decode().lower()
    assert A_TEXT not in page, _around(page, A_TEXT)
    upload = io.BytesIO(b"theme,reference,activity\n1,1.1,Imported\n")
    upload.name = "plan.csv"
    plans_before = Plan.objects.count()
    response = client.post(url, {"file": upload, "inspection": world.a.inspection.pk, "dry_run": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.get("inspection"), "A's inspection was accepted from B's admin"
    assert Plan.objects.count() == plans_before
    assert world.a.plan.themes.count() == 1


@pytest.mark.django_db
def test_the_partner_sees_the_shared_plan_and_nothing_else_of_the_owners(client, world):
    client.force_login(world.users[PARTNER_OFFICER])
    home = client.get(reverse("home")).content.decode()
    assert "AAA-ONLY-PLAN" in home and "AAA-ONLY-INSPECTION" not in home
    boards = client.get(reverse("governance:boards")).content.decode()
    assert "AAA-ONLY-BOARD" not in boards and "AAA-ONLY-SCRUTINY" not in boards
    register = _text(client.get(reverse("plans:register_csv")))
    assert "AAA-ONLY-1.1" in register and "AAA-ONLY-1.2" in register


@pytest.mark.django_db
def test_a_seat_from_another_organisation_gives_the_board_and_its_plans_only(client, world):
    client.force_login(world.users[SEATED_MEMBER])
    home = client.get(reverse("home")).content.decode()
    assert "AAA-ONLY-PLAN" in home and "AAA-ONLY-INSPECTION" not in home
    boards = client.get(reverse("governance:boards")).content.decode()
    assert "AAA-ONLY-BOARD" in boards and "AAA-ONLY-SCRUTINY" not in boards


# ---------------------------------------------------------------------------------------------------------
# A's restricted items are in no list, export, dashboard, feed or report of anyone outside them.

EVERYONE = set(SIGNED_IN)
# (name, its arguments, who sees the page): each page is read by every outsider who sees it.
RESTRICTED_LISTS = [
    ("home", lambda w: {}, EVERYONE),
    ("plans:register", lambda w: {}, EVERYONE),
    ("plans:register_csv", lambda w: {}, EVERYONE),
    ("plans:register_xlsx", lambda w: {}, EVERYONE),
    ("plans:my_actions", lambda w: {}, EVERYONE),
    ("governance:boards", lambda w: {}, EVERYONE),
    ("plans:plan", PLAN, SEES_A_PLAN),
    ("plans:dashboard", PLAN, SEES_A_PLAN),
    ("plans:vital_signs", PLAN, SEES_A_PLAN),
    ("plans:vital_signs_csv", PLAN, SEES_A_PLAN),
    ("plans:vital_signs_xlsx", PLAN, SEES_A_PLAN),
    ("plans:export", lambda w: {"slug": w.a.plan.slug, "fmt": "json"}, SEES_A_PLAN),
    ("plans:theme", lambda w: {"pk": w.a.theme.pk}, SEES_A_PLAN),
    ("governance:person", lambda w: {"pk": w.a.lead.pk}, SEES_A_PLAN),
    ("governance:board", lambda w: {"slug": w.a.board.slug}, SEES_A_BOARD),
    ("governance:meeting", MEETING, SEES_A_BOARD),
    ("governance:report", MEETING, SEES_A_BOARD),
    ("governance:report_docx", MEETING, SEES_A_BOARD),
    ("governance:meeting", lambda w: {"pk": w.r.pack_meeting.pk}, SEES_A_BOARD),
    ("governance:report", lambda w: {"pk": w.r.pack_meeting.pk}, SEES_A_BOARD),
]
RESTRICTED_LEAKS = [(name, kwargs, role) for name, kwargs, sees in RESTRICTED_LISTS for role in OUTSIDERS_A
                    if role in sees]


def _restricted_links(world):
    """Links to a restricted object: none may be on an outsider's page."""
    r = world.r
    return [reverse("plans:plan", kwargs={"slug": r.plan.slug}), reverse("governance:meeting", kwargs={"pk": r.meeting.pk}),
            reverse("plans:measure", kwargs={"pk": r.open_plan_measure.pk}),
            reverse("governance:pack_pdf", kwargs={"pk": r.pack_meeting.pk, "version": 1}),
            reverse("governance:pack_docx", kwargs={"pk": r.pack_meeting.pk, "version": 1})]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "kwargs", "role"), RESTRICTED_LEAKS,
                         ids=[f"{n}-{i}-{role}" for i, (n, _, role) in enumerate(RESTRICTED_LEAKS)])
def test_restricted_items_are_shown_to_nobody_outside_them(client, world, name, kwargs, role):
    url = reverse(name, kwargs=kwargs(world))
    response = request_as(client, world, role, "GET", url)
    assert response.status_code == 200, f"{name} {url} as {role}: {response.status_code}"
    text = _text(response)
    assert R_TEXT not in text.lower(), f"{name} {url} as {role} shows a restricted item: {_around(text.lower(), R_TEXT)}"
    for link in _restricted_links(world):
        assert link not in text, f"{name} {url} as {role} links to the restricted {link}"


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("role", [LEAD_OFFICER, PARTNER_OFFICER])
def test_the_open_plans_feed_holds_nothing_restricted(client, world, role, fmt):
    url = reverse("plans:position_feed", kwargs={"slug": world.a.plan.slug}) + f"?format={fmt}"
    response = client.get(url, HTTP_AUTHORIZATION=f"Bearer {world.tokens[role]}")
    assert response.status_code == 200
    text = _text(response)
    assert "AAA-ONLY-1.1" in text and R_TEXT not in text.lower(), _around(text.lower(), R_TEXT)


# The same pages show the insiders what is restricted: the checks above would otherwise prove nothing.
INSIDER_SIGHTINGS = [
    ("plans:register_csv", lambda w: {}, "RRR-RESTRICTED-1.1"),
    ("plans:register_xlsx", lambda w: {}, "RRR-RESTRICTED-1.1"),
    ("home", lambda w: {}, "RRR-RESTRICTED-PLAN"),
    ("plans:vital_signs_csv", PLAN, "RRR-RESTRICTED measure of the open plan"),
    ("plans:vital_signs", PLAN, "RRR-RESTRICTED measure of the open plan"),
    ("governance:meeting", MEETING, "RRR-RESTRICTED item of the open meeting"),
    ("governance:report_docx", MEETING, "RRR-RESTRICTED item of the open meeting"),
    ("governance:board", lambda w: {"slug": w.a.board.slug}, "RRR-RESTRICTED Room"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [SEATED_MEMBER, CLERK, ADMIN])
@pytest.mark.parametrize(("name", "kwargs", "needle"), INSIDER_SIGHTINGS,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(INSIDER_SIGHTINGS)])
def test_insiders_see_the_restricted_items(client, world, role, name, kwargs, needle):
    response = request_as(client, world, role, "GET", reverse(name, kwargs=kwargs(world)))
    assert response.status_code == 200
    assert needle in _text(response), f"{name} as {role} does not show {needle!r}"


@pytest.mark.django_db
def test_the_dashboard_counts_the_restricted_measure_for_insiders_only(client, world):
    """The dashboard names no measure, it counts them: the open plan's restricted measure is counted for an
    insider and not for the lead who owns it."""
    counts = {role: request_as(client, world, role, "GET", reverse("plans:dashboard", kwargs=PLAN(world)))
              .context["position"].plan_measure_count for role in (LEAD_OFFICER, PARTNER_OFFICER, SEATED_MEMBER, ADMIN)}
    assert counts == {LEAD_OFFICER: 1, PARTNER_OFFICER: 1, SEATED_MEMBER: 2, ADMIN: 2}


@pytest.mark.django_db
def test_the_clerk_issues_the_restricted_meetings_pack_and_the_other_seat_may_not(client, world):
    """The clerk's restricted meeting: the clerk issues its pack (a real render, restricted as its meeting is);
    the member from T, seated on the same board, sees the meeting and is refused the form."""
    from governance.models import BoardPack

    url = reverse("governance:issue_pack", kwargs={"pk": world.r.meeting.pk})
    assert request_as(client, world, SEATED_MEMBER, "POST", url, {"based_on_version": 1, "reason": "x"}).status_code == 403
    response = request_as(client, world, CLERK, "POST", url, {"based_on_version": 1, "reason": "Corrected figures",
                                                              "restricted": "on", "exemption_paragraph": 3})
    assert response.status_code == 302, response.content.decode()[:2000]
    pack = BoardPack.objects.get(meeting=world.r.meeting, version=2)
    assert pack.restricted and pack.issued_by == world.users[CLERK]
    assert request_as(client, world, OFFICER, "GET", reverse(
        "governance:pack_pdf", kwargs={"pk": world.r.meeting.pk, "version": 2})).status_code == 404


# ---------------------------------------------------------------------------------------------------------
# The matrix's size, for the issue's closing note.


def test_the_matrix_is_the_size_it_says():
    app_patterns = len(PATTERN_NAMES)
    app_checks = len(MATRIX)
    admin_urls = len(ADMIN_MODELS) * len(ADMIN_SAMPLED)
    admin_checks = ADMIN_CHECKS
    assert app_patterns >= 40 and len(ROLES) == 11 and app_checks > app_patterns * len(ROLES)
    assert {p for p, *_ in MATRIX} == PATTERN_NAMES, "every URL pattern is in the matrix"
    assert {role for _, _, role, _ in MATRIX} == set(ROLES) | {TOKEN_HOLDER}
    print(f"\nPermission matrix: {app_patterns} URL patterns ({sum(len(c) for c in REGISTRY.values())} cases) "
          f"x {len(ROLES)} roles and the token holder (GET) x GET/POST = {app_checks} checks; "
          f"admin: {len(ADMIN_MODELS)} models x "
          f"{len(ADMIN_SAMPLED)} URLs ({admin_urls}) sampled with A's and B's objects x {len(ROLES)} roles = "
          f"{admin_checks} checks; {app_checks + admin_checks} in all.")
