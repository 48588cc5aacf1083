import json
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from governance import audit
from governance.demo import improvement_board
from governance.models import Meeting, Membership, Organisation
from plans.models import Action, Person, Plan

COUNCIL = "bradford-council"
BOARD_PREFIX, OFFICER_PREFIX = "lt-board-", "lt-officer-"
ACTIONS_EACH = 3
NOTE = "Load test data (manage.py loadtest_users): not a real person."


class Command(BaseCommand):
    help = (
        "Make the load test's users in a throwaway database holding the fixtures: N board members of Bradford's "
        "Improvement Board and M officers, each leading actions of the live plan and supporting one action another "
        "officer leads (so two may save the same action at once). Writes the users, their actions and the pages "
        "to visit as JSON for tools/loadtest/locustfile.py. Password from $LOADTEST_PASSWORD. Debug only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--board-members", type=int, default=50)
        parser.add_argument("--officers", type=int, default=10)
        parser.add_argument("--out", required=True, help="where to write the JSON")

    def handle(self, *args, board_members, officers, out, **options):
        if not settings.DEBUG:
            raise CommandError("loadtest_users makes logins with a known password: it runs only with DJANGO_DEBUG=1.")
        password = os.environ.get("LOADTEST_PASSWORD", "")
        if len(password) < 12:
            raise CommandError("Set LOADTEST_PASSWORD to a password of at least 12 characters.")
        if board_members < 1 or officers < 2:
            raise CommandError("Give at least one board member and two officers.")
        council = Organisation.objects.filter(slug=COUNCIL).first()
        board = improvement_board()
        plan = Plan.objects.live().filter(organisation=council).order_by("-start", "-pk").first()
        if council is None or board is None or plan is None:
            raise CommandError(f"No {COUNCIL} with an Improvement Board and a live plan: load the fixtures first.")
        actions = list(Action.objects.for_plan(plan).order_by("theme__order", "order", "pk")
                       .values_list("pk", flat=True)[:officers * ACTIONS_EACH])
        if len(actions) < officers * ACTIONS_EACH:
            raise CommandError(f"{plan} has {len(actions)} actions: too few for {officers} officers.")

        with transaction.atomic(), audit.bulk():
            hashed = make_password(password)  # once: hashing it for every login would take a minute
            members = self.make_users(BOARD_PREFIX, board_members, "Board member", council, hashed)
            for order, person in enumerate(members.values(), start=1000):
                Membership.objects.update_or_create(board=board, person=person, role=Membership.Role.MEMBER,
                                                    defaults={"position": "Board member (load test)", "order": order,
                                                              "start": None, "end": None, "note": NOTE})
            leads = list(self.make_users(OFFICER_PREFIX, officers, "Officer", council, hashed).items())
            work = []
            for i, (username, person) in enumerate(leads):
                mine = actions[i * ACTIONS_EACH:(i + 1) * ACTIONS_EACH]
                Action.objects.filter(pk__in=mine).update(lead=person)
                shared = actions[((i + 1) % officers) * ACTIONS_EACH]  # the next officer's first action
                Action.objects.get(pk=shared).supporting_leads.add(person)
                work.append({"username": username, "actions": [*mine, shared]})

        meeting = (Meeting.objects.filter(board=board, agenda_items__plans=plan).order_by("-start").first()
                   or Meeting.objects.filter(board__organisation=council).order_by("-start").first())
        inspection = plan.inspections.order_by("-pk").first()
        pages = {
            "home": reverse("home"),
            "dashboard": reverse("plans:dashboard", args=[plan.slug]),
            "register": reverse("plans:register"),
            "register_filtered": f"{reverse('plans:register')}?plan={plan.slug}&rag=amber&search=social+work",
            "vital_signs": reverse("plans:vital_signs", args=[plan.slug]),
            "tracker": reverse("inspections:tracker", args=[inspection.slug]) if inspection else None,
            "report": reverse("governance:report", args=[meeting.pk]) if meeting else None,
        }
        with open(out, "w") as file:
            json.dump({"board_members": list(members), "officers": work,
                       "pages": {name: url for name, url in pages.items() if url}}, file, indent=1)
        self.stdout.write(f"loadtest users: {len(members)} board members of the {board.name}, {len(leads)} officers "
                          f"leading {len(actions)} actions of {plan}; pages {', '.join(k for k, v in pages.items() if v)}")

    def make_users(self, prefix, count, role, council, hashed):
        """{username: Person} for prefix01..prefixNN in the role group, with a Person in the council."""
        group = Group.objects.get(name=role)
        people = {}
        for n in range(1, count + 1):
            username = f"{prefix}{n:02d}"
            user, _ = get_user_model().objects.update_or_create(
                username=username, defaults={"password": hashed, "first_name": "Load test", "last_name": f"{role} {n}",
                                             "is_active": True, "is_staff": False, "is_superuser": False})
            user.groups.add(group)
            people[username], _ = Person.objects.update_or_create(user=user, defaults={
                "organisation": council, "name": f"Load test {role.lower()} {n}", "note": NOTE})
        return people
