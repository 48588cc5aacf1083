"""Measures: the figures and statements that show whether children are better off, and theme impact."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.models import Restrictable

from ..querysets import MeasureQuerySet, MeasureValueQuerySet, ScopedQuerySet


class Measure(Restrictable):
    """A success measure or KPI of a plan, as printed, with what is needed to rate it against a target."""

    class Kind(models.TextChoices):
        QUANTITATIVE = "quantitative", "Quantitative"
        QUALITATIVE = "qualitative", "Qualitative"

    class Unit(models.TextChoices):
        PERCENT = "percent", "Percent"
        NUMBER = "number", "Number"
        DAYS = "days", "Days"
        RATE_10K = "rate_10k", "Rate per 10,000 children"
        OTHER = "other", "Other"

    class Polarity(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"
        CONTEXT = "context", "Context only"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        ANNUAL = "annual", "Annual"

    class Tier(models.TextChoices):
        HEADLINE = "headline", "Headline"
        ADDITIONAL = "additional", "Additional"

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="measures")
    theme = models.ForeignKey("plans.Theme", null=True, blank=True, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=1000, help_text="Unique within its plan and theme.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.QUANTITATIVE)
    text_as_printed = models.TextField(blank=True)
    definition = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=Unit.choices, blank=True)
    unit_label = models.CharField(max_length=100, blank=True, help_text='For unit "other": what is counted.')
    polarity = models.CharField(max_length=20, choices=Polarity.choices, blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True,
                                 help_text="In the measure's unit (percent as 0-100).")
    tolerance = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True,
        help_text="Amber when short of target by no more than this (in the unit); blank: anything short is Red.",
    )
    baseline_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    baseline_period = models.CharField(max_length=100, blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, blank=True)
    source = models.CharField(max_length=300, blank=True)
    owner = models.ForeignKey("plans.Person", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="measures_owned")
    tier = models.CharField(max_length=20, choices=Tier.choices, blank=True,
                            help_text="Headline or additional KPI (the 2021 plan's split).")
    recommendations = models.ManyToManyField("inspections.Recommendation", blank=True, related_name="measures")
    order = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)
    demo_fields = models.JSONField(
        default=list, blank=True,
        help_text="Fields (target, tolerance, polarity...) that seed_demo filled in: demo data, cleared with it.",
    )

    history = HistoricalRecords(excluded_fields=["order"])
    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "theme__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "theme", "name"], name="measure_name_unique_in_theme"),
            models.UniqueConstraint(fields=["plan", "name"], condition=Q(theme__isnull=True),
                                    name="measure_name_unique_in_plan_without_theme"),
            models.CheckConstraint(condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0),
                                   name="measure_tolerance_not_negative"),
            Restrictable.restricted_has_paragraph("measure_restricted_has_paragraph"),
        ]

    def __str__(self):
        return self.name if len(self.name) <= 100 else self.name[:99] + "…"

    def get_absolute_url(self):
        return reverse("plans:measure", args=[self.pk])


class MeasureValue(models.Model):
    """One period's figure (or, for a qualitative measure, its status), with comparators where known."""

    class Status(models.TextChoices):
        MET = "met", "Met"
        PARTLY_MET = "partly_met", "Partly met"
        NOT_MET = "not_met", "Not met"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="values")
    period_end = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    england = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    neighbours = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True,
                                     help_text="Statistical neighbours' average.")
    region = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    entered_at = models.DateTimeField(default=timezone.now, help_text="When the figure became known.")
    is_demo = models.BooleanField(default=False, help_text="Demonstration data, not a real figure.")

    history = HistoricalRecords()
    objects = MeasureValueQuerySet.as_manager()

    class Meta:
        ordering = ["measure", "-period_end"]
        indexes = [models.Index(fields=["measure", "-period_end", "entered_at"], name="measure_value_latest_idx")]
        constraints = [
            models.UniqueConstraint(fields=["measure", "period_end"], name="measure_value_one_per_period"),
            models.CheckConstraint(
                condition=(Q(value__isnull=False) & Q(status="")) | (Q(value__isnull=True) & ~Q(status="")),
                name="measure_value_number_or_status",
            ),
        ]

    def __str__(self):
        shown = self.get_status_display() if self.status else self.value
        return f"{self.measure}: {shown} ({self.period_end:%d/%m/%Y})"


class ImpactAssessment(models.Model):
    """How far a theme's intended impact for children is evidenced, at a date. Append-only."""

    class Level(models.TextChoices):
        NOT_YET_EVIDENT = "not_yet_evident", "Not yet evident"
        EMERGING = "emerging", "Emerging"
        EVIDENT = "evident", "Evident"
        SUSTAINED = "sustained", "Sustained"

    theme = models.ForeignKey("plans.Theme", on_delete=models.CASCADE, related_name="impact_assessments")
    assessed_on = models.DateField()
    level = models.CharField(max_length=20, choices=Level.choices)
    rationale = models.TextField(help_text="Why this level: what the evidence shows.")
    measures = models.ManyToManyField(Measure, blank=True, related_name="impact_assessments",
                                      help_text="Measures of the theme cited as evidence.")
    practice_findings = models.TextField(blank=True, help_text="Audit or practice findings cited.")
    voices = models.TextField(blank=True, help_text="Children's and families' views cited.")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="impact_assessments")
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False, help_text="Demonstration data, not a real assessment.")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["theme", "-assessed_on", "-created_at", "-pk"]
        get_latest_by = ["assessed_on", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=["not_yet_evident", "emerging", "evident", "sustained"]),
                                   name="impact_level_valid"),
        ]

    def __str__(self):
        return f"{self.theme.number}: {self.get_level_display()} ({self.assessed_on:%d/%m/%Y})"
