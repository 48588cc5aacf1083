"""Shared test set-up: the real fixtures, loaded once per module where a test asks for them.

Run the suite through make (`make test-sqlite`), or with DJANGO_DEBUG=1 set as the Makefile does.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES = sorted(str(p) for p in (Path(__file__).resolve().parent.parent / "fixtures").glob("*.json"))


def remove_real_data():
    """Delete what the fixtures load, leaving rows that migrations create (such as the role groups)."""
    from governance.models import Board, Meeting, Membership, Organisation
    from inspections.models import Inspection
    from plans.models import Action, Measure, Person, Plan, ProgressUpdate

    ProgressUpdate.objects.all().delete()
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
    with django_db_blocker.unblock():
        remove_real_data()
