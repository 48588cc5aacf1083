from django.db import models

from .querysets import InspectionQuerySet, RecommendationQuerySet


class Grade(models.TextChoices):
    """Ofsted's four-point scale."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


class Inspection(models.Model):
    """An inspection or visit by an inspectorate, and the report it published."""

    class Kind(models.TextChoices):
        ILACS_FULL = "ilacs_full", "ILACS full inspection"
        MONITORING_VISIT = "monitoring_visit", "Monitoring visit"
        FOCUSED_VISIT = "focused_visit", "Focused visit"
        JTAI = "jtai", "Joint targeted area inspection (JTAI)"
        SEND = "send", "SEND local area inspection"
        HMIP = "hmip", "HMI Probation inspection"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    inspectorate = models.CharField(max_length=100, default="Ofsted")
    authority = models.CharField(max_length=200, help_text="The local authority inspected, as printed.")
    start_date = models.DateField(null=True, blank=True, help_text="Blank where the report prints no dates.")
    end_date = models.DateField(null=True, blank=True)
    published = models.DateField(null=True, blank=True)
    lead_inspector = models.CharField(max_length=200, blank=True)
    overall_grade = models.CharField(max_length=30, choices=Grade.choices, blank=True)
    summary = models.TextField(blank=True)
    note = models.TextField(blank=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-published"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="inspection_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.title

    # What boards call each kind in a short label ("ILACS 2023", "Monitoring visit 2021").
    SHORT_KIND = {Kind.ILACS_FULL: "ILACS", Kind.JTAI: "JTAI", Kind.SEND: "SEND", Kind.HMIP: "HMIP"}

    @property
    def short_label(self) -> str:
        """The kind and year, as in "AFI 2, ILACS 2023": the year of its start, else of its publication."""
        day = self.start_date or self.published
        kind = self.SHORT_KIND.get(self.kind) or self.get_kind_display()
        return f"{kind} {day.year}" if day else kind


class Judgement(models.Model):
    """A graded judgement on one area of an inspection (or overall effectiveness)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgements")
    area = models.CharField(max_length=300)
    grade = models.CharField(max_length=30, choices=Grade.choices)
    order = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["inspection", "order"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "area"], name="judgement_area_unique"),
        ]

    def __str__(self):
        return f"{self.area}: {self.get_grade_display()}"


class Finding(models.Model):
    """A numbered paragraph of an inspection report."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveIntegerField()
    section = models.CharField(max_length=300, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["inspection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "number"], name="finding_number_unique"),
        ]

    def __str__(self):
        return f"Paragraph {self.number}"


class Recommendation(models.Model):
    """A recommendation ("R4") or wider area for improvement ("AFI 22") that a plan must answer."""

    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", "Recommendation"
        AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="recommendations")
    code = models.CharField(max_length=20, help_text='Clean code, e.g. "R6a" or "AFI 22".')
    code_as_printed = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.TextField()
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="recommendations",
        help_text="The report paragraph an area for improvement points at.",
    )
    order = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "code"], name="recommendation_code_unique"),
        ]

    def __str__(self):
        return f"{self.code}: {self.text[:80]}"
