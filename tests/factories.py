"""Test factories, named for the states tests need. Each builds the smallest valid object."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from governance.models import Organisation
from inspections.models import Inspection, Recommendation
from plans.models import Action, Milestone, Objective, Person, Plan, ProgressUpdate, Theme
from plans.rag import RAG


class OrganisationFactory(factory.django.DjangoModelFactory):
    """The home council every factory's objects and logins belong to unless a test says otherwise: a login
    sees only its own organisation's plans (governance.visibility). Pass a slug for another organisation."""

    class Meta:
        model = Organisation
        django_get_or_create = ("slug",)

    name = factory.LazyAttribute(lambda o: "Home Council" if o.slug == "home-council" else f"Council {o.slug}")
    slug = "home-council"


class OtherOrganisationFactory(OrganisationFactory):
    """Another council, a new one each call."""

    slug = factory.Sequence(lambda n: f"council-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A login with a Person in the home council (a login without a Person sees nothing). PersonFactory(user=...)
    takes that Person over; pass person=False for a login with none."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def person(user, create, extracted, **kwargs):
        if not create or extracted is False or user.is_superuser or Person.objects.filter(user=user).exists():
            return
        organisation = kwargs.get("organisation") or OrganisationFactory()
        if isinstance(organisation, str):
            organisation = Organisation.objects.get(slug=organisation)
        Person.objects.create(user=user, organisation=organisation, name=user.get_full_name() or user.username,
                              email=user.email, note=AUTO_PERSON)


AUTO_PERSON = "Made with its login by tests.factories.UserFactory."
BRADFORD = "bradford-council"  # the real fixtures' council: user_in_role(..., person__organisation=BRADFORD)


class StaffUserFactory(UserFactory):
    is_staff = True
    is_superuser = True


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Officer {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """A login made by UserFactory already has a Person: become that one, with these fields."""
        user = kwargs.get("user")
        existing = Person.objects.filter(user=user, note=AUTO_PERSON).first() if user is not None else None
        if existing is None:
            return super()._create(model_class, *args, **kwargs)
        for name in ("note", "email", "initials", "job_title"):  # as a Person made here would have them
            kwargs.setdefault(name, "")
        for name, value in kwargs.items():
            setattr(existing, name, value)
        existing.save()
        return existing


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    organisation = factory.SubFactory(OrganisationFactory)
    kind = Inspection.Kind.ILACS_FULL
    title = factory.Sequence(lambda n: f"Inspection {n}")
    slug = factory.Sequence(lambda n: f"inspection-{n}")
    authority = "Bradford"


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    inspection = factory.SubFactory(InspectionFactory)
    code = factory.Sequence(lambda n: f"R{n + 1}")
    kind = Recommendation.Kind.RECOMMENDATION
    text = factory.Sequence(lambda n: f"Recommendation {n + 1}")
    order = factory.Sequence(lambda n: n + 1)


class AreaForImprovementFactory(RecommendationFactory):
    code = factory.Sequence(lambda n: f"AFI {n + 1}")
    kind = Recommendation.Kind.AREA_FOR_IMPROVEMENT


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Improvement plan {n}")
    slug = factory.Sequence(lambda n: f"improvement-plan-{n}")
    version = "1.0"


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Theme {n + 1}")
    order = factory.Sequence(lambda n: n + 1)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    theme = factory.SubFactory(ThemeFactory)
    number = factory.Sequence(lambda n: f"{n + 1}.1")
    text = factory.Sequence(lambda n: f"Objective {n + 1}")
    order = factory.Sequence(lambda n: n + 1)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    theme = factory.SubFactory(ThemeFactory)
    reference = factory.Sequence(lambda n: f"A{n + 1}")
    activity = factory.Sequence(lambda n: f"Activity {n + 1}")
    order = factory.Sequence(lambda n: n + 1)
    # In the plan long before any date a test looks at; tests of Action.added_on set their own.
    added_on = datetime.date(2018, 1, 1)


class MilestoneFactory(factory.django.DjangoModelFactory):
    """A milestone of an action; pass theme=... and action=None for a theme's plan-on-a-page row."""

    class Meta:
        model = Milestone

    action = factory.SubFactory(ActionFactory)
    text = factory.Sequence(lambda n: f"Milestone {n + 1}")
    order = factory.Sequence(lambda n: n + 1)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    rag = RAG.GREEN
    narrative = "On track."
    created_at = factory.LazyFunction(timezone.now)
    recorded_at = factory.SelfAttribute("created_at")  # saved when it applies from, unless a test says otherwise


# States the foundation and officers' tests need.
class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Board"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Improvement Board {n}")
    slug = factory.Sequence(lambda n: f"board-{n}")
    kind = "improvement_board"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Membership"

    board = factory.SubFactory(BoardFactory)
    person = factory.SubFactory(PersonFactory)
    role = "member"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Meeting"

    board = factory.SubFactory(BoardFactory)
    start = factory.Sequence(lambda n: datetime.datetime(2024, 1, 1, 10, tzinfo=datetime.UTC) + datetime.timedelta(days=n))


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.AgendaItem"

    meeting = factory.SubFactory(MeetingFactory)
    title = factory.Sequence(lambda n: f"Agenda item {n + 1}")


class JudgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "inspections.Judgement"

    inspection = factory.SubFactory(InspectionFactory)
    area = factory.Sequence(lambda n: f"Area {n + 1}")
    grade = "inadequate"


class FindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "inspections.Finding"

    inspection = factory.SubFactory(InspectionFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Finding {n + 1}")


class ThemeRecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.ThemeRecommendation"

    theme = factory.SubFactory(ThemeFactory)
    recommendation = factory.SubFactory(RecommendationFactory)
    code_as_printed = factory.LazyAttribute(lambda o: o.recommendation.code)


def restore_roles():
    """Re-make the role groups as the roles migrations do: a transactional test's flush empties every table,
    rows that migrations made included, and later tests still need the roles."""
    import importlib

    from django.apps import apps

    # The migrations set each app's models_module to None when done, as suits their historical registry;
    # on the live registry keep what Django had.
    modules = {config.label: config.models_module for config in apps.get_app_configs()}
    try:
        importlib.import_module("governance.migrations.0003_roles").create_roles(apps, None)
        importlib.import_module("governance.migrations.0005_roles_for_new_models").grant(apps, None)
        importlib.import_module("governance.migrations.0007_roles_for_organisations").grant(apps, None)
        importlib.import_module("governance.migrations.0009_roles_axes").grant(apps, None)
        importlib.import_module("governance.migrations.0010_roles_audit").grant(apps, None)
    finally:
        for config in apps.get_app_configs():
            config.models_module = modules[config.label]


def user_in_role(role, **kwargs):
    """A login in one of the role groups made by the roles migration."""
    from django.contrib.auth.models import Group

    user = UserFactory(**kwargs)
    if not Group.objects.filter(name=role).exists():
        restore_roles()
    user.groups.add(Group.objects.get(name=role))
    return user


class OverdueActionFactory(ActionFactory):
    due_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))


class DueSoonActionFactory(ActionFactory):
    due_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=7))


# Measures (Vital Signs).
class MeasureFactory(factory.django.DjangoModelFactory):
    """A quantitative percentage measure, higher is better, with no target (pass target=... to rate it)."""

    class Meta:
        model = "plans.Measure"

    theme = factory.SubFactory(ThemeFactory)
    plan = factory.LazyAttribute(lambda o: o.theme.plan)
    name = factory.Sequence(lambda n: f"Measure {n + 1}")
    kind = "quantitative"
    unit = "percent"
    polarity = "higher"
    order = factory.Sequence(lambda n: n + 1)


class QualitativeMeasureFactory(MeasureFactory):
    kind = "qualitative"
    unit = ""
    polarity = ""


class MeasureValueFactory(factory.django.DjangoModelFactory):
    """A figure for a quarter, entered 15 days after the period ended."""

    class Meta:
        model = "plans.MeasureValue"

    measure = factory.SubFactory(MeasureFactory)
    period_end = factory.Sequence(lambda n: datetime.date(2024, 3, 31) + datetime.timedelta(days=91 * n))
    value = 50
    entered_at = factory.LazyAttribute(
        lambda o: datetime.datetime.combine(o.period_end + datetime.timedelta(days=15), datetime.time(9),
                                            tzinfo=datetime.UTC))


# Theme impact assessments (H3). Written directly: tests of the rules go through record_impact_assessment.
class ImpactAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.ImpactAssessment"

    theme = factory.SubFactory(ThemeFactory)
    assessed_on = datetime.date(2024, 6, 30)
    level = "emerging"
    rationale = "Early signs in two teams."


# Meetings' attendance and action log (H7).
class ClerkMembershipFactory(MembershipFactory):
    role = "clerk"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "governance.Attendance"

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    status = "present"


class LogItemFactory(factory.django.DjangoModelFactory):
    """An open action of a meeting's log."""

    class Meta:
        model = "governance.LogItem"

    meeting = factory.SubFactory(MeetingFactory)
    kind = "action"
    text = factory.Sequence(lambda n: f"Log item {n + 1}")
    order = factory.Sequence(lambda n: n + 1)


class RecommendationLogItemFactory(LogItemFactory):
    kind = "recommendation"
    text = factory.Sequence(lambda n: f"The Executive is asked to consider {n + 1}")


class LockedOutAttemptFactory(factory.django.DjangoModelFactory):
    """django-axes' record of a user name locked out from one address (governance.throttling)."""

    class Meta:
        model = "axes.AccessAttempt"

    username = factory.Sequence(lambda n: f"user{n}")
    ip_address = factory.Sequence(lambda n: f"192.0.2.{n % 250 + 1}")
    user_agent = "Test browser"
    http_accept = "text/html"
    path_info = "/account/login/"
    get_data = ""
    post_data = ""
    failures_since_start = 5
