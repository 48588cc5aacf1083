"""Reads from a streaming replica (bradford_cs.database): which database serves which request.

The replica here is a second connection to the test database itself (as DATABASE_REPLICA_URL's TEST MIRROR is),
so the tests commit their data (transaction=True) and count the queries each connection ran.
"""

from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bradford_cs import database
from plans.models import ProgressUpdate
from tests import factories as f

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # The fixture below adds the alias to DATABASES the way the settings would: Django warns about any override.
    pytest.mark.filterwarnings("ignore:Overriding setting DATABASES:UserWarning"),
]

T0 = 1_900_000_000.0  # a fixed clock: the tests move bradford_cs.database.now instead of sleeping


@pytest.fixture
def replica(settings):
    """A "replica" alias on the test database, with the router installed, as the settings make them when
    DATABASE_REPLICA_URL is set. Its connection is made here rather than listed in the settings the test case
    checked (Django lets a connection made during a test through, as it does a thread's)."""
    default = connections.settings[DEFAULT_DB_ALIAS]
    replica_settings = {**default, "TEST": {**default["TEST"], "MIRROR": DEFAULT_DB_ALIAS}}
    connections.settings[database.REPLICA] = replica_settings
    try:
        wrapper = connections.create_connection(database.REPLICA)
    finally:
        del connections.settings[database.REPLICA]
    connections[database.REPLICA] = wrapper
    settings.DATABASES = {**settings.DATABASES, database.REPLICA: replica_settings}
    settings.DATABASE_ROUTERS = ["bradford_cs.database.ReplicaRouter"]
    yield wrapper
    wrapper.close()
    del connections[database.REPLICA]


@pytest.fixture
def clock():
    with mock.patch.object(database, "now", return_value=T0) as now:
        yield now


@pytest.fixture
def world():
    """The lead officer of an action, and a board member of the same council."""
    lead = f.PersonFactory(user=f.user_in_role("Officer"), name="Jenny Cryer")
    action = f.ActionFactory(lead=lead)
    return {"action": action, "lead": lead.user, "board": f.user_in_role("Board member")}


def served(client, method, url, **data):
    """(response, SQL run on the primary, SQL run on the replica) for one request."""
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary, \
            CaptureQueriesContext(connections[database.REPLICA]) as replica:
        response = getattr(client, method)(url, data)
    return response, [q["sql"] for q in primary], [q["sql"] for q in replica]


def post_update(client, action):
    action.refresh_from_db()
    return served(client, "post", reverse("plans:update", args=[action.pk]), version=action.version,
                  rag="amber", narrative="Two posts filled, one still vacant.", mitigation="Agency cover agreed.")


def post_update_on_primary(client, action):
    """The same POST with no replica configured."""
    action.refresh_from_db()
    return client.post(reverse("plans:update", args=[action.pk]), {
        "version": action.version, "rag": "amber", "narrative": "Slipping.", "mitigation": "Cover agreed."})


def touches(queries, table):
    return [sql for sql in queries if f'"{table}"' in sql]


def test_a_board_page_reads_plan_data_from_the_replica_and_the_session_from_the_primary(client, replica, world):
    client.force_login(world["board"])
    response, primary, replica_sql = served(client, "get", reverse("plans:register"))
    assert response.status_code == 200 and world["action"].reference in response.content.decode()
    assert touches(replica_sql, "plans_action"), "the register's rows come from the replica"
    assert not touches(primary, "plans_action")
    # Sign-in state never comes from a replica that may lag behind.
    assert touches(primary, "django_session") and not touches(replica_sql, "django_session")
    assert touches(primary, "governance_user\".\"password") and not touches(replica_sql, "governance_user\".\"password")


def test_head_of_a_board_page_reads_from_the_replica_too(client, replica, world):
    client.force_login(world["board"])
    response, _, replica_sql = served(client, "head", reverse("plans:register"))
    assert response.status_code == 200 and touches(replica_sql, "plans_action")


def test_a_page_not_on_the_list_reads_from_the_primary(client, replica, world):
    client.force_login(world["board"])
    response, primary, replica_sql = served(client, "get", world["action"].get_absolute_url())
    assert response.status_code == 200
    assert replica_sql == [] and touches(primary, "plans_action")


def test_a_post_reads_and_writes_on_the_primary_and_marks_the_session(client, replica, world, clock):
    client.force_login(world["lead"])
    response, primary, replica_sql = post_update(client, world["action"])
    assert response.status_code == 302
    assert replica_sql == []
    assert any(sql.startswith("INSERT") for sql in touches(primary, "plans_progressupdate"))
    assert ProgressUpdate.objects.filter(action=world["action"]).count() == 1
    assert client.session[database.WROTE_AT] == T0
    listed = {django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME, "messages"}
    assert set(response.cookies) <= listed, "no cookie beyond those the privacy notice lists"


def test_for_ten_seconds_after_a_write_every_read_is_from_the_primary(client, replica, world, clock):
    client.force_login(world["lead"])
    post_update(client, world["action"])
    dashboard = reverse("plans:dashboard", args=[world["action"].theme.plan.slug])

    clock.return_value = T0 + database.READ_YOUR_WRITES_SECONDS - 0.5
    response, primary, replica_sql = served(client, "get", dashboard)
    assert response.status_code == 200
    assert replica_sql == [] and touches(primary, "plans_action")

    clock.return_value = T0 + database.READ_YOUR_WRITES_SECONDS
    response, primary, replica_sql = served(client, "get", dashboard)
    assert response.status_code == 200
    assert touches(replica_sql, "plans_action") and not touches(primary, "plans_action")


def test_a_post_that_changes_nothing_does_not_mark_the_session(client, replica, world, clock):
    client.force_login(world["lead"])
    action = world["action"]
    # Refused by the rules (Amber needs a mitigation): nothing written, so reads may go on to the replica.
    response, _, replica_sql = served(client, "post", reverse("plans:update", args=[action.pk]),
                                      version=action.version, rag="amber", narrative="Slipping.")
    assert response.status_code == 200 and replica_sql == []
    assert database.WROTE_AT not in client.session
    _, _, replica_sql = served(client, "get", reverse("plans:register"))
    assert touches(replica_sql, "plans_action")


def test_another_users_write_does_not_keep_this_one_on_the_primary(client, replica, world, clock):
    client.force_login(world["lead"])
    post_update(client, world["action"])
    other = client.__class__()
    other.force_login(world["board"])
    _, _, replica_sql = served(other, "get", reverse("plans:register"))
    assert touches(replica_sql, "plans_action")


def test_without_a_replica_a_write_leaves_the_session_alone(client, world, clock):
    client.force_login(world["lead"])
    response = post_update_on_primary(client, world["action"])
    assert response.status_code == 302 and database.WROTE_AT not in client.session


def test_a_streamed_export_reads_from_the_replica_and_the_thread_returns_to_the_primary(client, replica, world):
    client.force_login(world["board"])
    with CaptureQueriesContext(connections[database.REPLICA]) as replica_sql:
        response = client.get(reverse("plans:register_csv"))
        body = b"".join(response) if response.streaming else response.content
        response.close()
    assert world["action"].reference in body.decode("utf-8-sig")
    assert any('"plans_action"' in q["sql"] for q in replica_sql)
    assert database._reads_from.get() == DEFAULT_DB_ALIAS


def test_every_board_page_is_named_by_a_url_name_that_exists():
    from django.urls import get_resolver

    names = {f"{namespace}:{name}" for namespace, (_, resolver) in get_resolver().namespace_dict.items()
             for name in resolver.reverse_dict if isinstance(name, str)}
    assert names >= database.REPLICA_URL_NAMES, database.REPLICA_URL_NAMES - names


def test_writes_and_migrations_stay_on_the_primary():
    router = database.ReplicaRouter()
    assert router.db_for_write(ProgressUpdate) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "plans") is True
    assert router.allow_migrate(database.REPLICA, "plans") is False
    assert router.allow_relation(object(), object()) is True


def test_without_a_replica_every_request_reads_from_the_primary(client, world):
    client.force_login(world["board"])
    response = client.get(reverse("plans:register"))
    assert response.status_code == 200
    assert database.REPLICA not in connections.settings
    assert database._reads_from.get() == DEFAULT_DB_ALIAS
