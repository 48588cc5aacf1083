import datetime
import re

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.models import Restrictable
from ui.reversing import reverse_id

from ..querysets import (
    ActionQuerySet,
    MilestoneQuerySet,
    PersonQuerySet,
    PlanQuerySet,
    PlanShareQuerySet,
    ScopedQuerySet,
    ThemeQuerySet,
)
from ..rag import RAG


class Person(models.Model):
    """Someone who leads actions or sits on boards; optionally able to sign in."""

    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField(max_length=200, help_text="Full name, or the initials when only those are known.")
    initials = models.CharField(max_length=20, blank=True)
    job_title = models.CharField(max_length=300, blank=True)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    note = models.TextField(blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return self.name


class Plan(Restrictable):
    """An improvement plan, as written by the council and its partners after an inspection."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Superseded"
        CLOSED = "closed", "Closed"

    class PartWord(models.TextChoices):
        THEME = "theme", "Theme"
        OUTCOME = "outcome", "Outcome"
        STRAND = "strand", "Strand"

    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    version = models.CharField(max_length=100, blank=True, help_text='As printed, e.g. "0.27".')
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    published = models.DateField(null=True, blank=True)
    introduction = models.TextField(blank=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="superseded_by"
    )
    board = models.ForeignKey(
        "governance.Board", null=True, blank=True, on_delete=models.SET_NULL, related_name="plans",
        help_text="The board that owns the plan.",
    )
    inspections = models.ManyToManyField("inspections.Inspection", blank=True, related_name="plans")
    part_word = models.CharField(
        max_length=20, choices=PartWord.choices, default=PartWord.THEME,
        help_text="What the plan calls its parts: theme, outcome or strand.",
    )
    note = models.TextField(blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "title"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "title", "version"], name="plan_title_version_unique"),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(start__isnull=True) | models.Q(end__gte=models.F("start")),
                name="plan_ends_after_start",
            ),
            Restrictable.restricted_has_paragraph("plan_restricted_has_paragraph"),
        ]

    def __str__(self):
        return f"{self.title} (version {self.version})" if self.version else self.title

    def get_absolute_url(self):
        return reverse("plans:plan", args=[self.slug])

    @property
    def is_live(self) -> bool:
        """Approved: the plan being delivered now. A superseded or closed plan is history."""
        return self.status == self.Status.APPROVED

    @property
    def is_history(self) -> bool:
        return self.status in (self.Status.SUPERSEDED, self.Status.CLOSED)

    @property
    def window_start(self) -> datetime.date | None:
        """Its start, else its publication date, else the first of the month its version names ("October 2021")."""
        if self.start or self.published:
            return self.start or self.published
        found = re.search(r"(January|February|March|April|May|June|July|August|September|October|November|"
                          r"December)\s+(\d{4})", self.version or "")
        if found:
            return datetime.datetime.strptime(f"1 {found[1]} {found[2]}", "%d %B %Y").date()
        return None

    @property
    def window_end(self) -> datetime.date | None:
        """The day before its successor starts (None while nothing replaces it: still live)."""
        successor = getattr(self, "superseded_by", None)
        successor_start = successor.window_start if successor else None
        return successor_start - datetime.timedelta(days=1) if successor_start else None

    def is_live_past_end(self, today: datetime.date) -> bool:
        """Approved and past its printed end: still the approved plan until a successor replaces it."""
        return self.is_live and self.end is not None and self.end < today

    def default_as_at(self, today: datetime.date) -> datetime.date:
        """The day a dashboard opens at: today for a live plan, the last day of its window for history."""
        if self.is_history and self.window_end and self.window_end < today:
            return self.window_end
        return today


class PlanShare(models.Model):
    """A plan shared with a partner organisation for a period: that organisation's users see the plan (its
    dashboard, register rows, Vital Signs and feed) and its officers update the actions they lead; nothing
    else of the owner's (governance.visibility)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey("governance.Organisation", on_delete=models.PROTECT,
                                     related_name="shared_plans", help_text="The partner it is shared with.")
    start = models.DateField(help_text="The first day the partner sees it.")
    end = models.DateField(null=True, blank=True, help_text="The last day; blank while it goes on.")
    start_confirmed = models.BooleanField(
        default=False, help_text="Unticked while the start date is planned rather than confirmed.")
    note = models.TextField(blank=True)

    objects = PlanShareQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "start"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "organisation"], name="plan_shared_once_per_partner"),
            models.CheckConstraint(condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                                   name="plan_share_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.plan} shared with {self.organisation} from {self.start:%d %B %Y}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.plan_id and self.organisation_id and self.plan.organisation_id == self.organisation_id:
            raise ValidationError({"organisation": "A plan is not shared with the organisation that owns it."})


class Theme(models.Model):
    """A theme, outcome or strand of a plan: what it means and what it means for children."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    number = models.CharField(max_length=10, help_text='As printed, e.g. "3b".')
    title = models.CharField(max_length=500)
    group = models.CharField(max_length=20, blank=True, help_text='e.g. half "A" or "B" of the 2022-24 plan.')
    group_title = models.CharField(max_length=300, blank=True)
    what_we_mean = models.TextField(blank=True)
    for_children = models.TextField(blank=True, help_text="What this means for children.")
    success_measures = models.TextField(blank=True)
    risks = models.TextField(blank=True, help_text="Risks to implementation.")
    impact = models.TextField(blank=True)
    headline_kpis = models.TextField(blank=True)
    additional_kpis = models.TextField(blank=True)
    leads = models.ManyToManyField(Person, blank=True, related_name="themes_led")
    leads_as_printed = models.CharField(max_length=300, blank=True)
    recommendations = models.ManyToManyField(
        "inspections.Recommendation", through="ThemeRecommendation", blank=True, related_name="themes"
    )
    order = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="theme_number_unique_in_plan"),
        ]

    def __str__(self):
        return f"{self.plan.get_part_word_display()} {self.number}: {self.title}"


class ThemeRecommendation(models.Model):
    """A row of a theme's code table: a recommendation or area for improvement, as the plan prints it."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="code_table")
    recommendation = models.ForeignKey(
        "inspections.Recommendation", on_delete=models.CASCADE, related_name="theme_rows"
    )
    code_as_printed = models.CharField(max_length=100, blank=True)
    text_as_printed = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["theme", "order"]

    def __str__(self):
        return f"{self.code_as_printed or self.recommendation.code} ({self.theme.number})"


class Objective(models.Model):
    """An objective within a theme ("2.6"), answering one or more recommendations."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="objectives")
    number = models.CharField(max_length=20)
    number_printed = models.BooleanField(default=True, help_text="False where we numbered it in printed order.")
    group_heading = models.CharField(max_length=500, blank=True)
    text = models.TextField()
    codes_as_printed = models.CharField(max_length=300, blank=True)
    recommendations = models.ManyToManyField("inspections.Recommendation", blank=True, related_name="objectives")
    order = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["theme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "number"], name="objective_number_unique_in_theme"),
        ]

    def __str__(self):
        return f"{self.number} {self.text[:80]}"


class Action(models.Model):
    """A numbered action ("2.6.1") with a lead, a timeline and a RAG rating from its progress updates."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="actions")
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    reference = models.CharField(max_length=20)
    reference_printed = models.BooleanField(
        default=True, help_text="False where the plan prints no number and we numbered it in printed order."
    )
    activity = models.TextField()
    desired_outcome = models.TextField(blank=True)
    timeline = models.CharField(max_length=300, blank=True, help_text="As printed in the plan.")
    due_date = models.DateField(null=True, blank=True, help_text="Parsed from the timeline where possible.")
    lead = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions_led"
    )
    lead_as_printed = models.CharField(max_length=200, blank=True)
    supporting_leads = models.ManyToManyField(Person, blank=True, related_name="actions_supported")
    recommendations = models.ManyToManyField("inspections.Recommendation", blank=True, related_name="actions")
    codes_as_printed = models.CharField(max_length=300, blank=True)
    order = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Goes up with every saved update: a form based on an older one is stale."
    )
    added_on = models.DateField(
        default=timezone.localdate,
        help_text="The day the action joined its plan (for loaded plans, the plan's start or publication date): "
        "as at an earlier day it is not in the plan.",
    )

    history = HistoricalRecords(excluded_fields=["order", "version"])
    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["theme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "reference"], name="action_reference_unique_in_theme"),
        ]

    def __str__(self):
        return f"{self.reference} {self.activity[:80]}"

    def get_absolute_url(self):
        return reverse_id("plans:action", self.pk)  # lists link hundreds of actions


class Milestone(models.Model):
    """A dated step of an action, or of a theme (the 2022-24 plan on a page)."""

    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.CASCADE, related_name="milestones")
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="milestones")
    text = models.TextField()
    due_as_printed = models.CharField(max_length=100, blank=True, help_text='e.g. "Nov 22" or "By March 2022".')
    due_date = models.DateField(null=True, blank=True)
    lead = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="milestones")
    lead_as_printed = models.CharField(max_length=200, blank=True, help_text='A role, e.g. "HR Specialist".')
    class Outcome(models.TextChoices):
        ACHIEVED = "achieved", "Achieved"
        MISSED = "missed", "Missed"

    achieved = models.DateField(null=True, blank=True, help_text="The day it was achieved, when it was.")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True,
                               help_text="Recorded by the action's or theme's leads; blank while still to come.")
    outcome_date = models.DateField(null=True, blank=True, help_text="The day it was achieved or missed.")
    outcome_note = models.TextField(blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__isnull=False, theme__isnull=True)
                | models.Q(action__isnull=True, theme__isnull=False),
                name="milestone_belongs_to_action_or_theme",
            ),
        ]

    def __str__(self):
        return self.text[:80]


class ProgressUpdate(models.Model):
    """One rating of an action with its narrative. Append-only: the latest one is the current RAG."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="progress_updates"
    )
    created_at = models.DateTimeField(
        default=timezone.now, db_index=True, help_text="When the rating applies from (as-at views use this)."
    )
    recorded_at = models.DateTimeField(
        default=timezone.now, help_text="When it was saved: later than created_at for an update entered late."
    )
    rag = models.CharField(max_length=20, choices=RAG.choices)
    narrative = models.TextField()
    next_steps = models.TextField(blank=True)
    mitigation = models.TextField(blank=True, help_text="For Red and Amber: what is being done about it.")
    revised_due_date = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text="For Blue: evidence that the outcome was achieved.")
    is_demo = models.BooleanField(default=False, help_text="Demonstration data, not a real update.")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        indexes = [models.Index(fields=["action", "-created_at", "-id"], name="progress_latest_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(rag__in=RAG.values), name="progress_rag_valid"),
        ]

    def __str__(self):
        return f"{self.action.reference} {self.get_rag_display()} {self.created_at:%d/%m/%Y}"


class EditConflict(models.Model):
    """An officer saved a form based on an older version of the action: kept to count and review them."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="edit_conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    based_on_version = models.PositiveIntegerField()
    found_version = models.PositiveIntegerField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.action.reference}: form from version {self.based_on_version}, found {self.found_version}"
