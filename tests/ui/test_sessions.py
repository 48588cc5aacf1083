import datetime

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from ui.middleware import SLID_AT
from ui.sessions import SessionStore


@pytest.mark.django_db
def test_sliding_an_existing_session_is_one_update(django_assert_num_queries):
    store = SessionStore()
    store["who"] = "board member"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + datetime.timedelta(minutes=5))
    store = SessionStore(store.session_key)
    store["seen"] = 1  # loads it: one SELECT, before the save
    with django_assert_num_queries(1) as captured:
        store.save()
    assert captured.captured_queries[0]["sql"].startswith('UPDATE "django_session"')
    row = Session.objects.get(session_key=store.session_key)
    assert row.get_decoded() == {"who": "board member", "seen": 1}
    assert row.expire_date > timezone.now() + datetime.timedelta(minutes=29)


@pytest.mark.django_db
def test_saving_a_session_deleted_meanwhile_is_refused_not_recreated():
    store = SessionStore()
    store["who"] = "officer"
    store.create()
    key = store.session_key
    Session.objects.filter(session_key=key).delete()
    before = Session.objects.count()  # other tests' committed sessions may be there too
    store["more"] = 1
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.filter(session_key=key).exists()
    assert Session.objects.count() == before


@pytest.mark.django_db
def test_a_new_session_is_still_created_with_a_fresh_key():
    store = SessionStore()
    store["who"] = "admin"
    store.save()
    assert store.session_key
    assert Session.objects.get(session_key=store.session_key).get_decoded() == {"who": "admin"}


@pytest.mark.django_db
def test_the_request_that_slides_the_session_pays_one_query_for_it(client):
    client.force_login(f.UserFactory())
    client.get(reverse("session_keep_alive"))
    with CaptureQueriesContext(connection) as within_the_minute:
        client.get(reverse("session_keep_alive"))
    session = client.session
    session[SLID_AT] -= 61
    session.save()
    with CaptureQueriesContext(connection) as sliding:
        client.get(reverse("session_keep_alive"))
    writes = [q["sql"] for q in sliding.captured_queries if not q["sql"].startswith("SELECT")]
    assert len(sliding.captured_queries) == len(within_the_minute.captured_queries) + 1
    assert len(writes) == 1 and writes[0].startswith('UPDATE "django_session"')
