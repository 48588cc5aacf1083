from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    """A login. The person it belongs to (name, job, organisation) is a plans.Person linked to it."""

    class Meta:
        db_table = "governance_user"


class Organisation(models.Model):
    """A council, trust or partnership that owns plans, inspections, boards and people."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Local authority"
        TRUST = "trust", "Children's trust"
        PARTNERSHIP = "partnership", "Partnership"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COUNCIL)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Board(models.Model):
    """A board or committee that owns, oversees or scrutinises improvement plans."""

    class Kind(models.TextChoices):
        IMPROVEMENT_BOARD = "improvement_board", "Improvement board"
        SCRUTINY_COMMITTEE = "scrutiny_committee", "Scrutiny committee"
        PARTNERSHIP_BOARD = "partnership_board", "Partnership board"
        PANEL = "panel", "Panel"
        MANAGEMENT_TEAM = "management_team", "Management team"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="boards")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    purpose = models.TextField(blank=True)
    terms_of_reference = models.TextField(blank=True)
    meeting_frequency = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="board_name_unique_in_org"),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A person's seat on a board, with their role and whom they represent, for a period."""

    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        IN_ATTENDANCE = "in_attendance", "In attendance"
        COOPTED_VOTING = "coopted_voting", "Co-opted member (voting)"
        COOPTED_NON_VOTING = "coopted_non_voting", "Co-opted member (non-voting)"
        ALTERNATE = "alternate", "Alternate"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey("plans.Person", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.MEMBER)
    position = models.CharField(max_length=300, blank=True, help_text="Job title or position as printed.")
    represents = models.CharField(max_length=300, blank=True, help_text="Organisation or sector represented.")
    party = models.CharField(max_length=100, blank=True, help_text="Political party, for councillors.")
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["board", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(start__isnull=True) | models.Q(end__gte=models.F("start")),
                name="membership_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()}, {self.board})"


class Meeting(models.Model):
    """One meeting of a board, with the deadline for its papers."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    start = models.DateTimeField()
    venue = models.CharField(max_length=300, blank=True)
    papers_deadline = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["board", "start"]
        constraints = [
            models.UniqueConstraint(fields=["board", "start"], name="meeting_unique_start_per_board"),
        ]

    def __str__(self):
        return f"{self.board} — {timezone.localtime(self.start):%d %B %Y}"


class AgendaItem(models.Model):
    """A report or item taken at a meeting, and the plans and themes it considers."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    report_author = models.CharField(max_length=300, blank=True)
    document = models.CharField(max_length=20, blank=True, help_text='Document letter, e.g. "O".')
    plans = models.ManyToManyField("plans.Plan", blank=True, related_name="agenda_items")
    themes = models.ManyToManyField("plans.Theme", blank=True, related_name="agenda_items")
    themes_as_printed = models.TextField(
        blank=True, help_text="The theme wording as the agenda or work programme prints it."
    )
    order = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "order", "pk"]

    def __str__(self):
        return self.title
