from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .querysets import (
    AgendaItemQuerySet,
    ApiTokenQuerySet,
    AttendanceQuerySet,
    AuditEventQuerySet,
    BoardPackQuerySet,
    BoardQuerySet,
    LogItemQuerySet,
    MeetingQuerySet,
    MembershipQuerySet,
    OrganisationQuerySet,
)


class User(AbstractUser):
    """A login. The person it belongs to (name, job, organisation) is a plans.Person linked to it."""

    class Meta:
        db_table = "governance_user"


EXEMPTION_PARAGRAPHS = [
    (1, "Paragraph 1: information relating to any individual"),
    (2, "Paragraph 2: information likely to reveal the identity of an individual"),
    (3, "Paragraph 3: financial or business affairs of any particular person"),
    (4, "Paragraph 4: labour relations matters (consultations or negotiations)"),
    (5, "Paragraph 5: information in respect of which legal professional privilege could be claimed"),
    (6, "Paragraph 6: notices, orders or directions the authority proposes to give or make"),
    (7, "Paragraph 7: the prevention, investigation or prosecution of crime"),
]


class Restrictable(models.Model):
    """Not for publication: only members of the owning board and admins of the owning organisation see a
    restricted object, everywhere (governance.visibility), with the exempting paragraph of Schedule 12A to the
    Local Government Act 1972 recorded."""

    restricted = models.BooleanField(default=False, help_text="Not for publication.")
    exemption_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=EXEMPTION_PARAGRAPHS,
        help_text="The paragraph of Schedule 12A to the Local Government Act 1972 it relies on.",
    )

    class Meta:
        abstract = True

    @classmethod
    def restricted_has_paragraph(cls, name: str) -> models.CheckConstraint:
        return models.CheckConstraint(condition=Q(restricted=False) | Q(exemption_paragraph__isnull=False), name=name)

    def clean(self):
        super().clean()
        if self.restricted and self.exemption_paragraph is None:
            from django.core.exceptions import ValidationError

            raise ValidationError({"exemption_paragraph": "Say which paragraph of Schedule 12A makes it restricted."})


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
    # Its own wording of what each rating means for its staff. The ratings are fixed product-wide; a blank
    # field keeps the product's default meaning (plans.rag.MEANINGS).
    rag_meaning_not_rated = models.TextField("Not yet rated means", blank=True)
    rag_meaning_red = models.TextField("Red means", blank=True)
    rag_meaning_amber = models.TextField("Amber means", blank=True)
    rag_meaning_green = models.TextField("Green means", blank=True)
    rag_meaning_blue = models.TextField("Blue means", blank=True)
    is_demo = models.BooleanField(default=False, help_text="A fictional organisation made by seed_demo.")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def rag_meanings(self) -> dict:
        """Each rating's meaning in this organisation's words, falling back to the product's default."""
        from plans.rag import MEANINGS

        return {rag: getattr(self, f"rag_meaning_{rag.value}") or meaning for rag, meaning in MEANINGS.items()}


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
    packs_restricted = models.BooleanField(
        default=False, help_text="Its packs are not for publication unless the clerk says otherwise when issuing.",
    )
    exemption_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=EXEMPTION_PARAGRAPHS,
        help_text="The paragraph of Schedule 12A to the Local Government Act 1972 its restricted packs rely on.",
    )
    note = models.TextField(blank=True)

    objects = BoardQuerySet.as_manager()

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
        CLERK = "clerk", "Clerk"

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

    objects = MembershipQuerySet.as_manager()

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


class Meeting(Restrictable):
    """One meeting of a board, with the deadline for its papers."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    start = models.DateTimeField()
    venue = models.CharField(max_length=300, blank=True)
    papers_deadline = models.DateField(null=True, blank=True)
    decisions_summary = models.TextField(
        blank=True, help_text="The publishable summary of key decisions and actions, written after the meeting.",
    )
    is_demo = models.BooleanField(default=False, help_text="Demonstration data, not a real meeting.")
    note = models.TextField(blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["board", "start"]
        constraints = [
            models.UniqueConstraint(fields=["board", "start"], name="meeting_unique_start_per_board"),
            Restrictable.restricted_has_paragraph("meeting_restricted_has_paragraph"),
        ]

    def __str__(self):
        return f"{self.board} — {timezone.localtime(self.start):%d %B %Y}"

    def get_absolute_url(self):
        return reverse("governance:meeting", args=[self.pk])

    @property
    def position_date(self):
        """The day a meeting's figures are as at: its papers deadline, else the London date of its start."""
        return self.papers_deadline or timezone.localdate(self.start)


class AgendaItem(Restrictable):
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

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        constraints = [Restrictable.restricted_has_paragraph("agenda_item_restricted_has_paragraph")]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """Who was at a meeting, who sent apologies, and what interests they declared."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        IN_ATTENDANCE = "in_attendance", "In attendance"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey("plans.Person", on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PRESENT)
    substitute_for = models.CharField(max_length=200, blank=True)
    declarations = models.TextField(blank=True, help_text="Declarations of interest, as recorded.")

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "person__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once_per_meeting")]

    def __str__(self):
        return f"{self.person}: {self.get_status_display()}"


class LogItem(models.Model):
    """A meeting's decision, action or (for scrutiny) recommendation to the executive. Open items carry
    forward to the next meeting's report as matters arising."""

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        ACTION = "action", "Action"
        RECOMMENDATION = "recommendation", "Recommendation to the executive"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="log_items")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ACTION)
    text = models.TextField()
    owner = models.ForeignKey("plans.Person", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="log_items")
    owner_as_text = models.CharField(max_length=200, blank=True, help_text="When the owner is not a person here.")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(blank=True, help_text="For a recommendation: the executive's response.")
    response_received = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    is_demo = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)

    objects = LogItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        constraints = [models.CheckConstraint(condition=Q(status__in=["open", "done", "dropped"]),
                                              name="log_item_status_valid")]

    def __str__(self):
        return self.text[:80]


class LogItemUpdate(models.Model):
    """A note on a log item's progress, possibly changing its status. Append-only."""

    item = models.ForeignKey(LogItem, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField()
    status = models.CharField(max_length=20, choices=LogItem.Status.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_status_display()}: {self.text[:60]}"


class BoardPack(models.Model):
    """An issued board pack: the highlight report's PDF and Word bytes and its figures, frozen for ever."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="packs")
    version = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True, help_text="Why it was issued again (required from version 2).")
    as_at = models.DateField(help_text="The position date the figures are as at.")
    compare_date = models.DateField(null=True, blank=True)
    figures = models.JSONField(help_text="The figures shown, as issued, to diff against a live recomputation.")
    pdf = models.BinaryField()
    docx = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    docx_sha256 = models.CharField(max_length=64)
    superseded_at = models.DateTimeField(null=True, blank=True)
    restricted = models.BooleanField(default=False, help_text="Not for publication.")
    exemption_paragraph = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=EXEMPTION_PARAGRAPHS,
        help_text="Schedule 12A to the Local Government Act 1972.",
    )

    objects = BoardPackQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="pack_version_unique_per_meeting"),
            models.UniqueConstraint(fields=["meeting"], condition=Q(superseded_at__isnull=True),
                                    name="pack_one_current_per_meeting"),
            models.CheckConstraint(condition=Q(restricted=False) | Q(exemption_paragraph__isnull=False),
                                   name="pack_restricted_has_paragraph"),
        ]

    def __str__(self):
        return f"{self.meeting}: pack version {self.version}"


class MeetingReminder(models.Model):
    """One reminder sent to a lead before a meeting's papers deadline: makes the daily run idempotent."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    person = models.ForeignKey("plans.Person", on_delete=models.CASCADE, related_name="meeting_reminders")
    sent_at = models.DateTimeField(default=timezone.now)
    actions = models.PositiveIntegerField(default=0)
    measures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="reminder_once_per_meeting")]

    def __str__(self):
        return f"{self.person} for {self.meeting}"


class ApiToken(models.Model):
    """A personal token for the position feed (Power BI, Excel). Only its SHA-256 hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What it is for, e.g. \"Power BI dashboard\".")
    prefix = models.CharField(max_length=12, help_text="The first characters, shown so it can be recognised.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["user", "-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class ThrottleEvent(models.Model):
    """One counted request of a throttled kind (a password reset request, a refused API token), kept only while
    a throttle still counts it (governance.throttling): the shared state every process reads."""

    KEY_LENGTH = 255

    class Kind(models.TextChoices):
        PASSWORD_RESET_EMAIL = "reset-email", "Password reset, per email address"
        PASSWORD_RESET_ADDRESS = "reset-address", "Password reset, per network address"
        API_TOKEN_FAILURE = "token-failure", "Refused API token, per network address"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=KEY_LENGTH, help_text="The email or network address counted.")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "at"], name="throttle_kind_key_at")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.key} at {self.at:%Y-%m-%d %H:%M:%S}"


class AuditEvent(models.Model):
    """One entry of the audit trail: who changed what and when, sign-ins (and failed ones), lockouts, exports,
    feed calls and pack downloads. Append-only: nobody edits or deletes an entry (not even a superuser), and
    a superuser's deletion of anything is itself recorded."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"
        SIGNED_IN = "signed_in", "Signed in"
        SIGNED_OUT = "signed_out", "Signed out"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        LOCKED_OUT = "locked_out", "Locked out"
        EXPORTED = "exported", "Exported"
        FEED_CALLED = "feed_called", "Feed called"
        PACK_DOWNLOADED = "pack_downloaded", "Pack downloaded"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", help_text="Who did it (blank: the system or nobody signed in).")
    username = models.CharField(max_length=150, blank=True, help_text="As typed or held at the time.")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", help_text="The organisation whose data it concerns.")
    content_type = models.ForeignKey("contenttypes.ContentType", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text="Field: [before, after] for a change.")
    detail = models.CharField(max_length=500, blank=True, help_text="e.g. the export's format, the path.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_object_idx"),
                   models.Index(fields=["organisation", "-at"], name="audit_organisation_idx")]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.username or 'system'} {self.get_kind_display()} {self.object_repr}"
