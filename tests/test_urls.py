"""Every page requires sign-in except sign-in and password reset (API URLs answer 401): a new URL is covered by default."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

API_PREFIX = "/api/"  # governance.middleware.BearerTokenMiddleware answers these
PUBLIC = {"login", "password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"}


def all_named_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the admin has its own login, tested in test_admin
            ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from all_named_patterns(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield prefix + pattern.name, pattern


def url_for(name, pattern):
    kwargs = {}
    for key, conv in pattern.pattern.converters.items():
        kwargs[key] = {"IntConverter": 1, "SlugConverter": "a-plan"}.get(type(conv).__name__, "x")
    if name == "password_reset_confirm":
        kwargs = {"uidb64": "MQ", "token": "set-password"}
    return reverse(name, kwargs=kwargs)


PATTERNS = sorted(all_named_patterns(), key=lambda p: p[0])


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "pattern"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_every_page_requires_sign_in(client, name, pattern):
    url = url_for(name, pattern)
    for method in (client.get, client.post):
        response = method(url)
        if name in PUBLIC:
            assert response.status_code in (200, 302, 405)  # some public pages take GET only
            assert "/account/login/" not in response.get("Location", "")
        elif url.startswith(API_PREFIX):
            # An API client is told to authenticate (401 and a Bearer challenge), never sent to a sign-in page.
            assert response.status_code == 401, f"{method.__name__} {url}"
            assert response["WWW-Authenticate"].startswith("Bearer")
        else:
            assert response.status_code == 302, f"{method.__name__} {url}"
            assert response["Location"].startswith("/account/login/?next=")


def test_the_url_sweep_found_the_pages():
    names = {name for name, _ in PATTERNS}
    assert {"home", "login", "logout", "plans:plan", "plans:action", "plans:position_feed"} <= names
