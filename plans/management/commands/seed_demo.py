import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, F

from governance.models import Board, Membership
from plans import demo
from plans.models import Person

DEMO_USERS = {
    "admin": {"first_name": "Demo", "last_name": "Admin", "is_staff": True, "is_superuser": True, "group": "Admin"},
    "officer": {"first_name": "Demo", "last_name": "Officer", "is_staff": False, "is_superuser": False,
                "group": "Officer"},
    "board": {"first_name": "Demo", "last_name": "Board member", "is_staff": False, "is_superuser": False,
              "group": "Board member"},
}


class Command(BaseCommand):
    help = (
        "Create or update the demo users admin, officer and board (password from $DEMO_PASSWORD, or a "
        "generated one that is printed) and the labelled demo progress. Development only; idempotent."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates demo users with known passwords: it runs only with DJANGO_DEBUG=1.")
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
        with transaction.atomic():
            users = {name: self.upsert_user(name, password, **spec) for name, spec in DEMO_USERS.items()}
            officer_person = self.link_officer(users["officer"])
            board_person = self.link_board_member(users["board"])
            summary = self.seed_progress(users, officer_person)
        self.stdout.write(f"Demo users admin, officer and board: password {password}")
        if officer_person:
            self.stdout.write(f"officer is {officer_person.name}, who leads {officer_person.actions_led.count()} actions")
        if board_person:
            self.stdout.write(f"board is {board_person.name}, a member of the Improvement Board")
        if summary:
            self.stdout.write(summary)

    def upsert_user(self, username, password, *, group, **fields):
        user, _ = get_user_model().objects.update_or_create(username=username, defaults=fields)
        user.set_password(password)
        user.save(update_fields=["password"])
        role = Group.objects.filter(name=group).first()
        if role:
            user.groups.add(role)
        return user

    def link_officer(self, user):
        """The officer signs in as the named person who leads the most actions in the fixtures."""
        person = Person.objects.filter(user=user).first()
        if person is None:
            person = (
                Person.objects.filter(user__isnull=True)
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

    def link_board_member(self, user):
        """The board user signs in as a real member of the Improvement Board (not the chair)."""
        person = Person.objects.filter(user=user).first()
        if person is None:
            board = Board.objects.filter(kind=Board.Kind.IMPROVEMENT_BOARD).order_by("pk").first()
            membership = (
                Membership.objects.filter(board=board, role=Membership.Role.MEMBER, person__user__isnull=True)
                .select_related("person").order_by("order", "pk").first()
            )
            if membership is None:
                return None
            person = membership.person
            person.user = user
            person.save(update_fields=["user"])
        return person

    def seed_progress(self, users, officer_person):
        """Replace the previous demo progress with the same deterministic history (plans.demo)."""
        demo.clear_demo()
        made = demo.seed_history(author=users["admin"])
        told = demo.seed_officer(users["officer"], officer_person) if officer_person else []
        demo.sync_versions()
        return (f"Demo progress: {len(made) + len(told)} updates marked as demo data "
                f"({len(told)} on the demo officer's own actions)")
