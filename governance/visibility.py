"""Who sees what: the one rule every page, export, feed, pack, reminder and admin list goes through.

    A login belongs to the organisation of its Person (Person.organisation). A superuser sees everything.
    Users see their own organisation's plans, inspections, boards, meetings, measures, packs and people.
    A person with a current seat on a board (a Membership whose period includes today; In attendance and
    Clerk count) sees that board, its meetings, their packs and action logs, and the plans the board owns,
    whichever organisation they belong to.
    A plan shared with a partner organisation (a PlanShare whose period includes today) is seen by that
    organisation's users (plan, dashboard, register rows, Vital Signs, feed), and its officers update the
    actions they lead; nothing else of the owner's.
    A restricted object (not for publication: a plan, meeting, agenda item, measure or issued pack) is seen
    only by members of the owning board (a current seat) and admins of the owning organisation; what hangs
    off a restricted plan or meeting goes with it.
    Anyone else, a login with no Person, an inactive login and an anonymous visitor see nothing.

Querysets call `visible(queryset, user)` from `visible_to(user)`; the Django admin calls
`administered(queryset, user)`: an organisation's admins administer their own organisation's objects only.
Every filter here is a subquery, so a page pays no extra query for it and nothing goes stale in a request.
An object outside the rule is simply not in the queryset, so `get_object_or_404` answers 404, never 403.
"""

import collections
import functools

from django.db.models import Expression, Q
from django.utils import timezone


def _per_user(build):
    """Builds a user's subquery once per user object (a request's user) and day, then hands out clones.

    Building the nested subqueries is a page's main Python cost (each list, choice list and count asks for
    them); the SQL stays a subquery run by each query, so nothing a request reads goes stale."""

    @functools.wraps(build)
    def memo(user, *args):
        if user is None or not getattr(user, "pk", None):
            return build(user, *args)
        return _remembered(user, (build.__name__, args), lambda: build(user, *args)).all()

    return memo


def _remembered(user, key: tuple, make):
    """What `make()` gives, kept on the user object (a request's user) for the day under `key`."""
    key = (*key, timezone.localdate(), user.is_superuser)
    built = user.__dict__.setdefault("_visibility_subqueries", {})
    if key not in built:
        built[key] = make()
    return built[key]


class CompiledIds(Expression):
    """An uncorrelated subquery of ids, compiled to SQL once per database and then handed to every query that
    filters on it as that SQL text.

    Django compiles a nested subquery afresh each time a query uses it, and the rule's roots are deep (the
    visible plans are a union of three routes, each with subqueries of its own): compiling them again was some
    milliseconds of every query of every page. The text is exactly what the queryset compiles to, and the
    database runs it with each query, so nothing read through it goes stale."""

    def __init__(self, queryset):
        super().__init__()
        self.queryset = queryset
        self.compiled = {}  # database alias -> (sql, params); shared by the copies Django makes of the expression

    def as_sql(self, compiler, connection):
        found = self.compiled.get(connection.alias)
        if found is None:
            # Without the model's default ordering, as Django compiles any subquery of ids: an ORDER BY inside IN
            # (...) changes nothing but what PostgreSQL must plan (a sort per root; the dashboard's plan fetch,
            # with four roots, took 6 ms to plan and 1 to run).
            query = self.queryset.query.clone()
            query.clear_ordering(force=True)
            sql, params = query.get_compiler(connection=connection).as_sql()
            found = self.compiled[connection.alias] = (f"({sql})", tuple(params))
        return found[0], list(found[1])


# The compiled roots, shared by every request a process serves: a root's SQL is a function of the login's id,
# whether it is a superuser, and the day, and of nothing else (what the login may see is read by the database
# each time the SQL runs), so the next request of the same login reuses the text instead of building and
# compiling it again, a few milliseconds of every page. The oldest go first past the limit (two hundred logins'
# five roots: each holds its queryset, to compile it for another database alias, and its SQL).
_COMPILED: collections.OrderedDict = collections.OrderedDict()
COMPILED_LIMIT = 1000


def _compiled(root: str, user):
    """The root's subquery (visible_plans, visible_meetings...) as CompiledIds, one per login and day in the
    process (kept on the user object too, as the _per_user subqueries it is built from are)."""
    if user is None or not getattr(user, "pk", None):
        return _ROOTS[root](user)

    def shared():
        key = (root, user.pk, user.is_superuser, timezone.localdate())
        found = _COMPILED.get(key)
        if found is None:
            found = _COMPILED[key] = CompiledIds(_ROOTS[root](user))
            while len(_COMPILED) > COMPILED_LIMIT:
                _COMPILED.popitem(last=False)
        return found

    return _remembered(user, ("compiled", root), shared)


def _everything(user) -> bool:
    return user.is_superuser


def _nobody(user) -> bool:
    return user is None or not user.is_authenticated or not user.is_active


@_per_user
def own_organisations(user):
    """The organisation of the user's Person (a subquery of at most one id)."""
    from plans.models import Person

    return Person.objects.filter(user_id=user.pk).values("organisation_id")


@_per_user
def seat_boards(user, today=None):
    """Boards on which the user's Person has a seat today (a subquery of ids)."""
    from .models import Membership

    today = today or timezone.localdate()
    return Membership.objects.filter(person__user_id=user.pk).current(today).values("board_id")


@_per_user
def shared_plans(user, today=None):
    """Plans shared with the user's organisation, the share's period including today (a subquery of ids)."""
    from plans.models import PlanShare

    today = today or timezone.localdate()
    return PlanShare.objects.filter(organisation_id__in=own_organisations(user)).current(today).values("plan_id")


@_per_user
def admin_organisations(user):
    """The organisation the user administers, if in the Admin role (a subquery of at most one id)."""
    from plans.models import Person

    return Person.objects.filter(user_id=user.pk, user__groups__name="Admin").values("organisation_id")


def open_or_insider(user, *, board: str, organisation: str, prefix: str = "") -> Q:
    """Not restricted, or the user sits on the owning board (`board`: path to its id) or administers the owning
    organisation (`organisation`: path to its id). `prefix` leads to the restricted object itself."""
    return (Q(**{f"{prefix}restricted": False}) | Q(**{f"{board}__in": seat_boards(user)})
            | Q(**{f"{organisation}__in": admin_organisations(user)}))


@_per_user
def visible_plans(user):
    """Ids of the plans the user sees: their organisation's, their boards', and those shared with them, less
    restricted ones they are not insiders of."""
    from plans.models import Plan

    if _everything(user):
        return Plan.objects.values("pk")
    # The three routes as one UNION ALL of ids, not three ORed conditions: PostgreSQL can estimate a union's
    # rows (a council's few plans) but not an OR of subqueries (it guessed most plans), and then read every
    # council's actions by a sequential scan instead of this council's through the theme and action indexes.
    routes = (Plan.objects.filter(organisation_id__in=own_organisations(user)).order_by().values("pk")
              .union(Plan.objects.filter(board_id__in=seat_boards(user)).order_by().values("pk"),
                     shared_plans(user).order_by(), all=True))
    return Plan.objects.filter(open_or_insider(user, board="board_id", organisation="organisation_id"),
                               pk__in=routes).values("pk")


@_per_user
def visible_meetings(user):
    """Ids of the meetings of the boards the user sees, less restricted ones they are not insiders of."""
    from .models import Meeting

    if _everything(user):
        return Meeting.objects.values("pk")
    return Meeting.objects.filter(
        open_or_insider(user, board="board_id", organisation="board__organisation_id"),
        board_id__in=visible_boards(user)).values("pk")


@_per_user
def visible_measures(user):
    """Ids of the measures of the plans the user sees, less restricted ones they are not insiders of."""
    from plans.models import Measure

    if _everything(user):
        return Measure.objects.values("pk")
    return Measure.objects.filter(
        open_or_insider(user, board="plan__board_id", organisation="plan__organisation_id"),
        plan_id__in=visible_plans(user)).values("pk")


@_per_user
def visible_boards(user):
    """Ids of the boards the user sees: their organisation's and those they sit on."""
    from .models import Board

    if _everything(user):
        return Board.objects.values("pk")
    return Board.objects.filter(Q(organisation_id__in=own_organisations(user))
                                | Q(pk__in=seat_boards(user))).values("pk")


@_per_user
def visible_inspections(user):
    """Ids of the inspections the user sees: their organisation's."""
    from inspections.models import Inspection

    if _everything(user):
        return Inspection.objects.values("pk")
    return Inspection.objects.filter(organisation_id__in=own_organisations(user)).values("pk")


def _people(user):
    """People of the user's organisation, the members of boards the user sees (a board's page lists them), and
    the leads of actions in plans the user sees (their names are part of the plan)."""
    from plans.models import Action

    from .models import Membership

    seated = Membership.objects.filter(board_id__in=_compiled("board", user)).values("person_id")
    leads = Action.objects.filter(theme__plan_id__in=_compiled("plan", user)).values("lead_id")
    return Q(organisation_id__in=own_organisations(user)) | Q(pk__in=seated) | Q(pk__in=leads)


def _organisations(user):
    """The user's organisation, and those owning a board or plan the user sees."""
    from plans.models import Plan

    from .models import Board

    return (Q(pk__in=own_organisations(user))
            | Q(pk__in=Board.objects.filter(pk__in=_compiled("board", user)).values("organisation_id"))
            | Q(pk__in=Plan.objects.filter(pk__in=_compiled("plan", user)).values("organisation_id")))


# How each model reaches the rule: "plan", "board" or "inspection" and the path to its id, or a function of
# the user giving a Q. The admin's path to the owning organisation is in ORGANISATION_PATHS.
_RULES = {
    "plans.plan": ("plan", "pk"),
    "plans.planshare": ("plan", "plan_id"),
    "plans.theme": ("plan", "plan_id"),
    "plans.objective": ("plan", "theme__plan_id"),
    "plans.themerecommendation": ("plan", "theme__plan_id"),
    "plans.action": ("plan", "theme__plan_id"),
    "plans.progressupdate": ("plan", "action__theme__plan_id"),
    "plans.editconflict": ("plan", "action__theme__plan_id"),
    "plans.measure": ("measure", "pk"),
    "plans.measurevalue": ("measure", "measure_id"),
    "plans.impactassessment": ("plan", "theme__plan_id"),
    "plans.person": _people,
    "inspections.inspection": ("inspection", "pk"),
    "inspections.judgement": ("inspection", "inspection_id"),
    "inspections.finding": ("inspection", "inspection_id"),
    "inspections.recommendation": ("inspection", "inspection_id"),
    "governance.organisation": _organisations,
    "governance.board": ("board", "pk"),
    "governance.membership": ("board", "board_id"),
    "governance.meeting": ("meeting", "pk"),
    "governance.agendaitem": lambda user: Q(meeting_id__in=_compiled("meeting", user)) & open_or_insider(
        user, board="meeting__board_id", organisation="meeting__board__organisation_id"),
    "governance.attendance": ("meeting", "meeting_id"),
    "governance.logitem": ("meeting", "meeting_id"),
    "governance.logitemupdate": ("meeting", "item__meeting_id"),
    "governance.boardpack": lambda user: Q(meeting_id__in=_compiled("meeting", user)) & open_or_insider(
        user, board="meeting__board_id", organisation="meeting__board__organisation_id"),
    "governance.meetingreminder": ("meeting", "meeting_id"),
    "governance.auditevent": lambda user: Q(organisation_id__in=admin_organisations(user)),
    "governance.apitoken": lambda user: Q(user_id=user.pk),
    "governance.user": lambda user: Q(pk=user.pk) | Q(person__organisation_id__in=own_organisations(user)),
}

_ROOTS = {"plan": visible_plans, "board": visible_boards, "inspection": visible_inspections,
          "meeting": visible_meetings, "measure": visible_measures}

# The path from each model to the organisation that owns it, for the admin (administered()).
ORGANISATION_PATHS = {
    "plans.plan": "organisation_id",
    "plans.planshare": "plan__organisation_id",
    "plans.theme": "plan__organisation_id",
    "plans.objective": "theme__plan__organisation_id",
    "plans.themerecommendation": "theme__plan__organisation_id",
    "plans.action": "theme__plan__organisation_id",
    "plans.milestone": None,  # two routes: see _milestone_organisation
    "plans.progressupdate": "action__theme__plan__organisation_id",
    "plans.editconflict": "action__theme__plan__organisation_id",
    "plans.measure": "plan__organisation_id",
    "plans.measurevalue": "measure__plan__organisation_id",
    "plans.impactassessment": "theme__plan__organisation_id",
    "plans.person": "organisation_id",
    "inspections.inspection": "organisation_id",
    "inspections.judgement": "inspection__organisation_id",
    "inspections.finding": "inspection__organisation_id",
    "inspections.recommendation": "inspection__organisation_id",
    "governance.organisation": "pk",
    "governance.board": "organisation_id",
    "governance.membership": "board__organisation_id",
    "governance.meeting": "board__organisation_id",
    "governance.agendaitem": "meeting__board__organisation_id",
    "governance.attendance": "meeting__board__organisation_id",
    "governance.logitem": "meeting__board__organisation_id",
    "governance.logitemupdate": "item__meeting__board__organisation_id",
    "governance.boardpack": "meeting__board__organisation_id",
    "governance.meetingreminder": "meeting__board__organisation_id",
    "governance.apitoken": "user__person__organisation_id",
    "governance.auditevent": "organisation_id",
    "governance.user": "person__organisation_id",
    # History records (django-simple-history), for the admin's history pages.
    "plans.historicalaction": "theme__plan__organisation_id",
    "plans.historicalmeasure": "plan__organisation_id",
    "plans.historicalmeasurevalue": "measure__plan__organisation_id",
}


def _label(queryset) -> str:
    return queryset.model._meta.label_lower


def _rule(label: str, user, plan_ids=None) -> Q:
    if label == "plans.milestone":
        plans = _compiled("plan", user) if plan_ids is None else plan_ids
        return Q(action__theme__plan_id__in=plans) | Q(theme__plan_id__in=plans)
    rule = _RULES[label]
    if plan_ids is not None and (callable(rule) or rule[0] != "plan"):
        raise ValueError(f"{label} is not reached through its plan: plan_ids cannot stand for its rule")
    if callable(rule):
        return rule(user)
    root, path = rule
    return Q(**{f"{path}__in": _compiled(root, user) if plan_ids is None else plan_ids})


def visible(queryset, user, *, plan_ids=None):
    """The part of `queryset` the user may see, by the rule in this module's docstring.

    `plan_ids`, for a model reached through its plan: the ids of the plans the user sees, read in this request
    (`Plan.objects.visible_to(user)`), used in place of the plans' subquery. A page making several lists of
    one user's plans' contents (the register's choices and rows) then compiles no nested subquery, and
    PostgreSQL plans each query knowing exactly which plans it reads."""
    if _nobody(user):
        return queryset.none()
    if _everything(user):
        return queryset.all()
    return queryset.filter(_rule(_label(queryset), user, plan_ids))


def is_organisation_admin(user) -> bool:
    """An active login in the Admin role: administers its own organisation (superusers administer all)."""
    if _nobody(user):
        return False
    if not hasattr(user, "_is_organisation_admin"):
        user._is_organisation_admin = user.groups.filter(name="Admin").exists()
    return user._is_organisation_admin


def organisation_rule(label: str, user) -> Q:
    """Objects of `label` owned by the user's organisation."""
    own = own_organisations(user)
    if label == "plans.milestone":
        return Q(action__theme__plan__organisation_id__in=own) | Q(theme__plan__organisation_id__in=own)
    return Q(**{f"{ORGANISATION_PATHS[label]}__in": own})


def administered(queryset, user):
    """What the user administers: everything for a superuser, their own organisation's objects for an
    organisation admin, nothing for anyone else."""
    if _nobody(user):
        return queryset.none()
    if _everything(user):
        return queryset.all()
    if not is_organisation_admin(user):
        return queryset.none()
    return queryset.filter(organisation_rule(_label(queryset), user))


def administers(user, organisation_id) -> bool:
    """The user is a superuser, or an admin of the organisation with this id."""
    if _nobody(user):
        return False
    if _everything(user):
        return True
    # One query, remembered on the login for the request: its Person is of that organisation and it is an Admin.
    answers = user.__dict__.setdefault("_administers", {})
    if organisation_id not in answers:
        from plans.models import Person

        answers[organisation_id] = Person.objects.filter(
            user_id=user.pk, organisation_id=organisation_id, user__groups__name="Admin").exists()
    return answers[organisation_id]


def visible_flag(model, user, ref: str):
    """An annotation: True where the row's `ref` (the id of a `model` object) names something the user may see,
    so a page links to it only then rather than to a page that answers 404. A subquery: no extra query."""
    from django.db.models import BooleanField, Case, Exists, OuterRef, Value, When

    rule = _RULES.get(model._meta.label_lower)
    if isinstance(rule, tuple) and rule[1] == "pk" and not _nobody(user) and not _everything(user):
        # The model is seen by its own id in a root: the row's `ref` in that root's ids, one IN rather than an
        # EXISTS around it (the dashboard's plan fetch, with three such flags, took 4 ms to plan; 1.5 now).
        return Case(When(Q(**{f"{ref}__in": _compiled(rule[0], user)}), then=Value(True)), default=Value(False),
                    output_field=BooleanField())
    return Exists(visible(model._default_manager.filter(pk=OuterRef(ref)), user))
