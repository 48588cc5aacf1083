"""Shared test set-up: the real fixtures, loaded once per module where a test asks for them.

Run the suite through make (`make test-sqlite`), or with DJANGO_DEBUG=1 set as the Makefile does.
"""

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import call_command

FIXTURES = sorted(str(p) for p in (Path(__file__).resolve().parent.parent / "fixtures").glob("*.json"))


def remove_real_data():
    """Delete what the fixtures load, leaving rows that migrations create (such as the role groups)."""
    from governance.models import Board, BoardPack, Meeting, Membership, Organisation
    from inspections.models import Inspection
    from plans.models import Action, Measure, Person, Plan, ProgressUpdate

    ProgressUpdate.objects.all().delete()
    BoardPack.objects.all().delete()  # issued packs protect their meeting
    Meeting.objects.all().delete()
    Membership.objects.all().delete()
    Plan.objects.update(supersedes=None)
    Plan.objects.all().delete()
    Action.history.all().delete()  # deleting actions records their deletion; the next module reuses the ids
    Measure.history.all().delete()  # likewise for the fixtures' measures (deleted with their plans)
    Inspection.objects.all().delete()
    Board.objects.all().delete()
    Person.objects.all().delete()
    Organisation.objects.all().delete()


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Tests make hundreds of users; production-strength hashing (a million PBKDF2 rounds each) would
    spend most of the suite's time on them. The hasher is not what these tests are about."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, test in a database file as the service runs, not in Django's shared-cache memory database:
    there a second connection's write fails at once ("table is locked") instead of waiting its turn."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="module")
def real_data(django_db_setup, django_db_blocker):
    """Every file in fixtures/, loaded with one loaddata call as `make run` does, for a whole module."""
    with django_db_blocker.unblock():
        call_command("loaddata", *FIXTURES, verbosity=0)
    yield
    from governance.audit import bulk

    with django_db_blocker.unblock(), bulk():  # a thousand rows' deletion events would only slow the suite
        remove_real_data()


@pytest.fixture
def cast(db):
    """The fixed cast: the lead officer, another officer, a board member and an admin."""
    from tests import factories as f

    org = f.OrganisationFactory()
    lead = f.PersonFactory(organisation=org, name="Jenny Cryer", initials="JC",
                           user=f.user_in_role("Officer", username="lead", email="lead@example.org"))
    other = f.PersonFactory(organisation=org, name="Other Officer",
                            user=f.user_in_role("Officer", username="other", email="other@example.org"))
    board = f.PersonFactory(organisation=org, name="Board Member", user=f.user_in_role("Board member", username="board"))
    admin = f.user_in_role("Admin", username="admin", is_staff=True)
    plan = f.PlanFactory(organisation=org, board=f.BoardFactory(organisation=org))
    action = f.DueSoonActionFactory(theme=f.ThemeFactory(plan=plan), lead=lead, reference="2.6.1",
                                    activity="Secure additional resources to deal with the current delays.")
    return SimpleNamespace(org=org, lead=lead, other=other, board=board, admin=admin, plan=plan, action=action)
