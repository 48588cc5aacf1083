"""Personal API tokens: shown once, stored hashed, expiring, revocable, revoked on deactivation; the
Bearer middleware in front of /api/; and the account page."""

import datetime
import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance import tokens
from governance.models import ApiToken
from tests import factories as f


def feed_url(cast):
    return reverse("plans:position_feed", args=[cast.plan.slug])


def bearer(plain):
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


# The service ----------------------------------------------------------------------------------------

def test_a_new_token_is_returned_once_and_only_its_hash_is_stored(cast):
    token, plain = tokens.create_token(user=cast.board.user, name="  Power BI   dashboard ")
    assert plain.startswith(tokens.TOKEN_START) and len(plain) > 40
    stored = ApiToken.objects.get()
    assert stored.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in {stored.name, stored.prefix, stored.token_hash}
    assert stored.prefix == plain[:12]
    assert stored.name == "Power BI dashboard"
    assert stored.expires_at - stored.created_at == datetime.timedelta(days=90)
    assert stored.last_used_at is None and stored.revoked_at is None
    _, second = tokens.create_token(user=cast.board.user, name="Excel")
    assert second != plain


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"name": "   "}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": "Excel", "lifetime_days": 0}, "lifetime_days"),
    ({"name": "Excel", "lifetime_days": 400}, "lifetime_days"),
])
def test_a_token_needs_a_name_and_a_sensible_lifetime(cast, kwargs, field):
    with pytest.raises(ValidationError) as raised:
        tokens.create_token(user=cast.board.user, **kwargs)
    assert field in raised.value.message_dict
    assert not ApiToken.objects.exists()


def test_authenticate_returns_the_token_and_records_its_use(cast):
    token, plain = tokens.create_token(user=cast.board.user, name="Excel")
    found = tokens.authenticate(plain)
    assert found.pk == token.pk and found.user == cast.board.user
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize("presented", ["", "bcs_nonsense", "x" * 200])
def test_an_unknown_token_is_refused(cast, presented):
    tokens.create_token(user=cast.board.user, name="Excel")
    with pytest.raises(tokens.InvalidToken, match="not recognised"):
        tokens.authenticate(presented)


def test_an_expired_token_is_refused(cast):
    created = timezone.now() - datetime.timedelta(days=31)
    token, plain = tokens.create_token(user=cast.board.user, name="Excel", lifetime_days=30, now=created)
    with pytest.raises(tokens.InvalidToken, match="expired"):
        tokens.authenticate(plain)
    assert tokens.authenticate(plain, now=created + datetime.timedelta(days=29)).pk == token.pk
    token.refresh_from_db()
    assert tokens.status(token) == "Expired"


def test_a_revoked_token_is_refused(cast):
    token, plain = tokens.create_token(user=cast.board.user, name="Excel")
    tokens.revoke(token=token)
    first = token.revoked_at
    tokens.revoke(token=token)
    assert token.revoked_at == first
    with pytest.raises(tokens.InvalidToken, match="revoked"):
        tokens.authenticate(plain)
    assert tokens.status(token) == "Revoked"


def test_an_inactive_users_token_is_refused_even_if_not_revoked(cast):
    _, plain = tokens.create_token(user=cast.board.user, name="Excel")
    type(cast.board.user).objects.filter(pk=cast.board.user.pk).update(is_active=False)
    with pytest.raises(tokens.InvalidToken, match="no longer active"):
        tokens.authenticate(plain)


def test_deactivating_a_user_revokes_all_their_tokens(cast):
    user = cast.board.user
    for name in ("Excel", "Power BI"):
        tokens.create_token(user=user, name=name)
    others, _ = tokens.create_token(user=cast.lead.user, name="Mine")
    assert tokens.deactivate_user(user=user) == 2
    user.refresh_from_db()
    assert not user.is_active
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    others.refresh_from_db()
    assert others.revoked_at is None


def test_deactivating_a_user_in_the_admin_revokes_their_tokens(client, cast):
    user = cast.board.user
    token, plain = tokens.create_token(user=user, name="Excel")
    client.force_login(cast.admin)
    joined = timezone.localtime(user.date_joined)
    response = client.post(reverse("admin:governance_user_change", args=[user.pk]), {
        "username": user.username, "first_name": "", "last_name": "", "email": "",
        "is_staff": "", "is_superuser": "", "groups": [g.pk for g in user.groups.all()],
        "date_joined_0": joined.strftime("%d/%m/%Y"), "date_joined_1": joined.strftime("%H:%M:%S"),
        "last_login_0": "", "last_login_1": "",
    })  # is_active left out: unticked
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    token.refresh_from_db()
    assert not user.is_active
    assert token.revoked_at is not None


# The middleware -------------------------------------------------------------------------------------

def test_a_bearer_token_reads_the_feed_as_its_user_without_a_session(client, cast):
    token, plain = tokens.create_token(user=cast.board.user, name="Power BI")
    response = client.get(feed_url(cast), {"as_at": "2024-03-01"}, **bearer(plain))
    assert response.status_code == 200
    assert response.json()["plan"] == cast.plan.slug
    assert "sessionid" not in response.cookies
    assert "_auth_user_id" not in client.session
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_past_date_answers_with_a_token(client, cast):
    from plans.rag import RAG

    f.ProgressUpdateFactory(action=cast.action, rag=RAG.RED,
                            created_at=datetime.datetime(2024, 1, 10, 9, tzinfo=datetime.UTC))
    f.ProgressUpdateFactory(action=cast.action, rag=RAG.GREEN,
                            created_at=datetime.datetime(2024, 5, 10, 9, tzinfo=datetime.UTC))
    _, plain = tokens.create_token(user=cast.board.user, name="Power BI")
    response = client.get(feed_url(cast), {"as_at": "2024-02-01", "format": "csv"}, **bearer(plain))
    assert response.status_code == 200
    assert ",Red,2024-01-10T09:00:00+00:00," in response.content.decode("utf-8-sig")


def _refused(response, *, invalid):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert ('error="invalid_token"' in response["WWW-Authenticate"]) is invalid
    assert "Location" not in response
    return response.json()["error"]


def test_no_token_and_no_session_answers_401_with_a_bearer_challenge(client, cast):
    assert "Sign in" in _refused(client.get(feed_url(cast)), invalid=False)


@pytest.mark.parametrize(("state", "says"), [("unknown", "not recognised"), ("expired", "expired"),
                                             ("revoked", "revoked"), ("inactive", "no longer active")])
def test_a_refused_token_answers_401_saying_why(client, cast, state, says):
    created = timezone.now() - datetime.timedelta(days=100) if state == "expired" else None
    token, plain = tokens.create_token(user=cast.board.user, name="Excel", now=created)
    if state == "unknown":
        plain = plain[:-4] + "abcd"
    elif state == "revoked":
        tokens.revoke(token=token)
    elif state == "inactive":
        type(cast.board.user).objects.filter(pk=cast.board.user.pk).update(is_active=False)
    assert says in _refused(client.get(feed_url(cast), **bearer(plain)), invalid=True)


def test_another_authorization_scheme_is_refused(client, cast):
    response = client.get(feed_url(cast), HTTP_AUTHORIZATION="Basic Ym9hcmQ6cGFzc3dvcmQ=")
    assert "Bearer" in _refused(response, invalid=True)


def test_a_bad_token_is_refused_even_with_a_session(client, cast):
    client.force_login(cast.board.user)
    _refused(client.get(feed_url(cast), **bearer("bcs_wrong")), invalid=True)


def test_a_session_still_reads_the_feed(client, cast):
    client.force_login(cast.board.user)
    assert client.get(feed_url(cast)).status_code == 200


def test_a_token_does_not_sign_in_to_pages_outside_the_api(client, cast):
    _, plain = tokens.create_token(user=cast.board.user, name="Excel")
    response = client.get(reverse("plans:register"), **bearer(plain))
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_the_feed_with_a_token_runs_a_fixed_number_of_queries(client, cast, django_assert_num_queries):
    _, plain = tokens.create_token(user=cast.board.user, name="Excel")
    # the address's recent refused tokens (governance.throttling), the token with its user, its last-used
    # update, the plan, its themes, its actions as at the day, and the audit trail's record of the call
    with django_assert_num_queries(7):
        assert client.get(feed_url(cast), **bearer(plain)).status_code == 200
    for _ in range(30):
        f.ActionFactory(theme=cast.action.theme, lead=f.PersonFactory(organisation=cast.org))
    with django_assert_num_queries(7):
        assert len(client.get(feed_url(cast), **bearer(plain)).json()["actions"]) == 31


# The account page -----------------------------------------------------------------------------------

TOKENS = reverse("governance:tokens")


def test_the_page_lists_your_tokens_only(client, cast):
    mine, _ = tokens.create_token(user=cast.board.user, name="Power BI dashboard")
    spent, _ = tokens.create_token(user=cast.board.user, name="Old spreadsheet")
    tokens.revoke(token=spent)
    tokens.create_token(user=cast.lead.user, name="Someone else's")
    client.force_login(cast.board.user)
    page = client.get(TOKENS).content.decode()
    assert "Power BI dashboard" in page and mine.prefix in page and "Old spreadsheet" in page
    assert "Revoked" in page and "Active" in page and "Never" in page
    assert "Someone else" not in page
    assert 'href="/account/tokens/"' in page  # in the service navigation


def test_creating_a_token_shows_it_once_with_a_warning(client, cast):
    client.force_login(cast.board.user)
    response = client.post(TOKENS, {"name": "Power BI", "lifetime_days": "30"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=cast.board.user)
    page = response.content.decode()
    plain = page.split('id="new-token" type="text" value="')[1].split('"')[0]
    assert tokens.hash_token(plain) == token.token_hash
    assert "Copy this token now. It is shown only once" in page
    assert token.expires_at - token.created_at == datetime.timedelta(days=30)
    assert plain not in client.get(TOKENS).content.decode()


def test_a_token_without_a_name_is_not_created(client, cast):
    client.force_login(cast.board.user)
    response = client.post(TOKENS, {"name": "", "lifetime_days": "90"})
    assert response.status_code == 400
    assert "Enter a name for the token" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_default_lifetime_is_90_days(client, cast):
    client.force_login(cast.board.user)
    checked = re.findall(r'<input type="radio"[^>]*value="(\d+)"[^>]*checked', client.get(TOKENS).content.decode())
    assert checked == ["90"]


def test_you_can_revoke_your_own_token_but_not_someone_elses(client, cast):
    mine, plain = tokens.create_token(user=cast.board.user, name="Excel")
    theirs, _ = tokens.create_token(user=cast.lead.user, name="Theirs")
    client.force_login(cast.board.user)
    response = client.post(reverse("governance:token_revoke", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == TOKENS
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert client.post(reverse("governance:token_revoke", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert client.get(reverse("governance:token_revoke", args=[mine.pk])).status_code == 405
    assert client.get(feed_url(cast), **bearer(plain)).status_code == 401


def test_an_admin_revokes_tokens_from_the_admin_list_and_never_sees_their_hash(client, cast):
    token, plain = tokens.create_token(user=cast.lead.user, name="Power BI")
    client.force_login(f.StaffUserFactory(username="root"))
    change = client.get(reverse("admin:governance_apitoken_change", args=[token.pk])).content.decode()
    assert token.token_hash not in change and plain not in change
    response = client.post(reverse("admin:governance_apitoken_changelist"),
                           {"action": "revoke_selected", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(tokens.InvalidToken):
        tokens.authenticate(plain)
