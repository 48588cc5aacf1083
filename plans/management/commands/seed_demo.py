import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from governance import audit
from governance import demo as governance_demo
from governance.models import Membership, Organisation
from plans import demo, demo_council, demo_impact, demo_measures
from plans.models import Person

# No demo user is a superuser: superusers are made with `manage.py createsuperuser` only. `admin` administers
# Bradford's organisation; demo2-* are the fictional second council's logins (plans.demo_council).
DEMO_USERS = {
    "admin": {"first_name": "Demo", "last_name": "Admin", "is_staff": True, "group": "Admin"},
    "officer": {"first_name": "Demo", "last_name": "Officer", "is_staff": False, "group": "Officer"},
    "board": {"first_name": "Demo", "last_name": "Board member", "is_staff": False, "group": "Board member"},
    "clerk": {"first_name": "Demo", "last_name": "Clerk", "is_staff": False, "group": "Board member"},
    "demo2-admin": {"first_name": "Demo", "last_name": "Northmoor Admin", "is_staff": True, "group": "Admin"},
    "demo2-board": {"first_name": "Demo", "last_name": "Northmoor Board member", "is_staff": False,
                    "group": "Board member"},
}
BRADFORD_SLUG = "bradford-council"
ADMIN_NOTE = "Demo data: a demonstration login administering Bradford's organisation, not a real person."
CLERK_NOTE = "Demo data: a demonstration clerk to the board, not a real person."


def current_seat(today):
    """A membership that has started by `today` and not ended before it (open dates count as current)."""
    return (Q(start__isnull=True) | Q(start__lte=today)) & (Q(end__isnull=True) | Q(end__gte=today))


class Command(BaseCommand):
    help = (
        "Create or update the demo users admin (Bradford's organisation admin, not a superuser), officer, board "
        "and clerk (password from $DEMO_PASSWORD, or a generated one that is printed), the Improvement Board's demo "
        "meetings and the labelled demo progress, and the fictional second council Northmoor (demo) with its "
        "users demo2-admin and demo2-board. Development only; idempotent."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates demo users with known passwords: it runs only with DJANGO_DEBUG=1.")
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
        today = timezone.localdate()
        board = governance_demo.improvement_board()
        # Demo rows are not anyone's change to real data: the audit trail starts with the demo users' own work.
        with transaction.atomic(), audit.bulk():
            demo.clear_demo()  # first, so the officer is chosen from the plans as loaded
            users = {name: self.upsert_user(name, password, **spec) for name, spec in DEMO_USERS.items()}
            admin_line = self.link_admin(users["admin"])
            officer_person = self.link_officer(users["officer"])
            board_line = self.link_board_member(users["board"], board, today)
            clerk_line = self.link_clerk(users["clerk"], board)
            summary = self.seed_progress(users, officer_person)
            council_line = demo_council.seed(admin=users["demo2-admin"], board_member=users["demo2-board"],
                                             today=today)
        self.stdout.write(f"Demo users {', '.join(DEMO_USERS)}: password {password}")
        self.stdout.write(admin_line)
        if officer_person:
            self.stdout.write(f"officer is {officer_person.name}, who leads {officer_person.actions_led.count()} actions")
        for line in (board_line, clerk_line, *summary, council_line):
            if line:
                self.stdout.write(line)

    def upsert_user(self, username, password, *, group, **fields):
        # is_superuser=False also demotes an `admin` left a superuser by an older seed_demo.
        user, _ = get_user_model().objects.update_or_create(username=username,
                                                            defaults={**fields, "is_superuser": False})
        user.set_password(password)
        user.save(update_fields=["password"])
        role = Group.objects.filter(name=group).first()
        if role:
            user.groups.add(role)
        return user

    def link_admin(self, user):
        """The admin signs in as a demo person of Bradford's council, so the Admin role administers Bradford."""
        council = Organisation.objects.filter(slug=BRADFORD_SLUG).first()
        if council is None:
            return f"admin is not linked: no organisation {BRADFORD_SLUG} (load the fixtures)"
        person, _ = Person.objects.update_or_create(user=user, defaults={
            "organisation": council, "name": "Demo Admin", "job_title": "Organisation admin (demo)", "note": ADMIN_NOTE,
        })
        return (f"admin is {person.name}, an organisation admin of {council.name} (not a superuser: make one with "
                "manage.py createsuperuser)")

    def link_officer(self, user):
        """The officer signs in as the named person who leads the most actions in the fixtures."""
        person = Person.objects.filter(user=user).first()
        if person is None:
            person = (
                Person.objects.filter(user__isnull=True, organisation__is_demo=False)
                .exclude(name=F("initials"))  # a named person, not an unresolved "JH"
                .annotate(n=Count("actions_led"))
                .filter(n__gt=1)
                .order_by("-n", "name")
                .first()
            )
            if person is None:
                return None
            person.user = user
            person.save(update_fields=["user"])
        return person

    def link_board_member(self, user, board, today):
        """The board user signs in as a real member of the Improvement Board (not the chair) whose seat is
        current today; if the person it was linked to has left the board, it moves to one who has not."""
        if board is None:
            return None
        seats = Membership.objects.filter(board=board, role=Membership.Role.MEMBER).filter(current_seat(today))
        person = Person.objects.filter(user=user).first()
        if person is not None and not seats.filter(person=person).exists():
            person.user = None
            person.save(update_fields=["user"])
            person = None
        if person is None:
            seat = seats.filter(person__user__isnull=True).select_related("person").order_by("order", "pk").first()
            if seat is None:
                return f"board is not linked: no current member seat on the {board.name}"
            person = seat.person
            person.user = user
            person.save(update_fields=["user"])
        seat = seats.filter(person=person).order_by("order", "pk").first()
        since = f"since {seat.start:%-d %B %Y}" if seat.start else "no start date recorded"
        until = f"until {seat.end:%-d %B %Y}" if seat.end else "no end date"
        return f"board is {person.name}, a member of the {board.name} (seat current today: {since}, {until})"

    def link_clerk(self, user, board):
        """The clerk signs in as a demo person clerking the Improvement Board (a labelled demo membership)."""
        if board is None:
            return None
        person, _ = Person.objects.update_or_create(user=user, defaults={
            "organisation": board.organisation, "name": "Demo Clerk", "job_title": "Clerk to the board (demo)",
            "note": CLERK_NOTE,
        })
        Membership.objects.update_or_create(board=board, person=person, role=Membership.Role.CLERK, defaults={
            "position": "Clerk to the board", "note": CLERK_NOTE, "order": 1000, "start": None, "end": None,
        })
        return f"clerk is {person.name}, clerk to the {board.name} (a demo membership)"

    def seed_progress(self, users, officer_person):
        """Replace the previous demo world with the same deterministic one; returns a summary line per part.

        Other demo modules add one line each below, seeding their rows (and clearing their old ones)."""
        today = timezone.localdate()
        lines = []
        meetings = governance_demo.seed(today)
        upcoming = sum(1 for m in meetings if timezone.localdate(m.start) > today)
        lines.append(f"Demo meetings: {len(meetings)} of the Improvement Board ({upcoming} still to come), fortnightly "
                     "then monthly, papers four working days before (a labelled demo assumption)")
        mine = demo.assign_officer(officer_person, today) if officer_person else []
        lines.append(f"Demo assignment: officer leads {len(mine)} actions of the live plan, with assumed due dates")
        demo_impact.clear()
        made = demo.seed_history(author=users["admin"], skip=mine, today=today)
        told = demo.seed_officer(users["officer"], mine, today)
        lines.append(f"Demo progress: {len(made) + len(told)} updates marked as demo data "
                     f"({len(told)} on the demo officer's live actions)")
        demo.sync_versions()
        lines.append(demo_measures.seed(author=users["admin"], officer_person=officer_person))
        assessed = demo_impact.seed(author=users["admin"])  # keep after the demo measure values: it cites them
        lines.append(f"Demo impact: {len(assessed)} theme impact assessments of the live plan's strands, "
                     f"over {len({a.theme_id for a in assessed})} strands, marked as demo data")
        return lines
