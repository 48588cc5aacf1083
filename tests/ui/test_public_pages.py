"""The accessibility statement and the privacy notice (issue 14 item 5): open to everyone, linked from every
page's footer, in the shape the accessibility regulations' model statement has, and saying what the code does."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse

from bradford_cs.settings import envemail
from governance import tokens
from tests import factories as f

STATEMENT_HEADINGS = [  # the model statement's headings, in its order
    (1, "Accessibility statement for the Children's Services Improvement Tracker"),
    (2, "Using this service"),
    (2, "How accessible this service is"),
    (2, "Feedback and contact information"),
    (2, "Reporting accessibility problems with this service"),
    (2, "Enforcement procedure"),
    (2, "Technical information about this service’s accessibility"),
    (3, "Compliance status"),
    (2, "Non-accessible content"),
    (3, "Non-compliance with the accessibility regulations"),
    (3, "Content we do not control"),
    (3, "Disproportionate burden"),
    (3, "Content that’s not within the scope of the accessibility regulations"),
    (2, "What we’re doing to improve accessibility"),
    (2, "Preparation of this accessibility statement"),
]

PRIVACY_HEADINGS = [
    (1, "Privacy notice"),
    (2, "Who is responsible for your data"),
    (2, "What personal data the service holds"),
    (2, "Why we hold it"),
    (2, "Who can see it"),
    (2, "How long we keep it"),
    (2, "Cookies"),
    (2, "Your rights"),
    (2, "How to complain"),
]


class _Page(HTMLParser):
    """The headings (level, text) of the main content, and the footer's links (text, href)."""

    def __init__(self):
        super().__init__()
        self.headings, self.footer_links, self._heading, self._link, self._in = [], [], None, None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("main", "footer"):
            self._in.append(tag)
        if "main" in self._in and re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), ""]
        if "footer" in self._in and tag == "a":
            self._link = ["", attrs.get("href")]

    def handle_endtag(self, tag):
        if tag in ("main", "footer") and self._in:
            self._in.pop()
        if self._heading and tag == f"h{self._heading[0]}":
            self.headings.append((self._heading[0], " ".join(self._heading[1].split())))
            self._heading = None
        if self._link and tag == "a":
            self.footer_links.append((self._link[0].strip(), self._link[1]))
            self._link = None

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data
        if self._link:
            self._link[0] += data


def title(html: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", html, re.S)[1]).strip()


def parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


FOOTER = [("Accessibility statement", "/accessibility/"), ("Privacy notice", "/privacy/")]


def assert_footer_links(html: str):
    links = parsed(html).footer_links
    for link in FOOTER:
        assert link in links, f"{link} not in the footer: {links}"


def test_the_footers_fixed_paths_are_the_pages_urls():
    """The footer writes the paths out (error_standalone.html resolves nothing); they must stay the real ones."""
    assert [href for _, href in FOOTER] == [reverse("accessibility"), reverse("privacy")]


@pytest.mark.django_db
def test_the_accessibility_statement_is_open_to_everyone_with_the_model_statements_headings(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    html = response.content.decode()
    assert parsed(html).headings == STATEMENT_HEADINGS
    assert title(html) == "Accessibility statement – Children's Services Improvement Tracker"
    assert "partially compliant" in html and "Web Content Accessibility Guidelines version 2.2" in html
    assert "Equality and Human Rights Commission (EHRC)" in html
    assert "Equality Advisory and Support Service (EASS)" in html
    assert "This statement was prepared on 2 December 2026." in html
    assert "axe-core 4.12" in html and "320 CSS pixels" in html and "400% zoom" in html
    assert_footer_links(html)


@pytest.mark.django_db
def test_the_privacy_notice_is_open_to_everyone_with_its_headings(client):
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    html = response.content.decode()
    assert parsed(html).headings == PRIVACY_HEADINGS
    assert title(html) == "Privacy notice – Children's Services Improvement Tracker"
    assert "Each council is the data controller" in html
    assert "Article 6(1)(e), public task" in html
    assert "Information Commissioner’s Office (ICO)" in html and "https://ico.org.uk/make-a-complaint/" in html
    assert_footer_links(html)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["accessibility", "privacy"])
def test_the_public_pages_answer_get_only(client, name):
    assert client.post(reverse(name)).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "setting"), [("accessibility", "ACCESSIBILITY_CONTACT_EMAIL"),
                                               ("privacy", "PRIVACY_CONTACT_EMAIL")])
def test_the_contact_address_is_the_configured_one_and_none_is_invented(client, name, setting):
    with override_settings(**{setting: "access-team@council.example"}):
        html = client.get(reverse(name)).content.decode()
    assert 'href="mailto:access-team@council.example"' in html
    with override_settings(**{setting: ""}):
        html = client.get(reverse(name)).content.decode()
    assert "mailto:" not in html
    assert "of the council that gave you your account" in html


def test_a_malformed_contact_address_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("PRIVACY_CONTACT_EMAIL", "dpo at the council")
    with pytest.raises(ImproperlyConfigured, match="PRIVACY_CONTACT_EMAIL must be an email address"):
        envemail("PRIVACY_CONTACT_EMAIL")
    monkeypatch.setenv("PRIVACY_CONTACT_EMAIL", " dpo@council.example ")
    assert envemail("PRIVACY_CONTACT_EMAIL") == "dpo@council.example"
    monkeypatch.delenv("PRIVACY_CONTACT_EMAIL")
    assert envemail("PRIVACY_CONTACT_EMAIL") == ""


@pytest.mark.django_db
def test_the_signed_in_reader_is_told_their_council_is_the_controller(client):
    user = f.user_in_role("Officer")
    client.force_login(user)
    html = client.get(reverse("privacy")).content.decode()
    assert f"for you, that is {user.person.organisation.name}" in html
    html = client.get(reverse("accessibility")).content.decode()
    assert f"The service is run by {user.person.organisation.name}" in html


@pytest.mark.django_db
@override_settings(SESSION_IDLE_MINUTES=45, LOGIN_COOLOFF_MINUTES=20, SESSION_COOKIE_NAME="tracker_session")
def test_the_privacy_notice_gives_the_settings_periods_and_cookie_names(client):
    html = client.get(reverse("privacy")).content.decode()
    assert "after 45 minutes without activity" in html
    assert "after 20 minutes have passed since the last failure" in html
    assert "<code>tracker_session</code>" in html
    assert f"After {settings.CSRF_COOKIE_AGE // 86400} days" in html


@pytest.mark.django_db
def test_the_only_cookies_set_are_the_ones_the_notice_lists(client):
    """Signing in, a form, a confirmation message and signing out set exactly the cookies the notice lists."""
    listed = set(re.findall(r"<code>([^<]+)</code></th>", client.get(reverse("privacy")).content.decode()))
    assert listed == {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"}
    user = f.user_in_role("Officer", username="cookie-reader")
    seen = set()

    def visit(response):
        assert response.status_code in (200, 302), response
        seen.update(response.cookies)

    visit(client.get(reverse("login")))
    visit(client.post(reverse("login"), {"username": "cookie-reader", "password": "correct horse battery staple"}))
    visit(client.get(reverse("home")))
    visit(client.post(reverse("governance:tokens"), {"name": "Power BI", "lifetime_days": tokens.DEFAULT_LIFETIME_DAYS}))
    visit(client.post(reverse("governance:token_revoke", args=[user.api_tokens.get().pk])))  # "Token ... revoked"
    visit(client.get(reverse("governance:tokens")))
    visit(client.post(reverse("logout")))
    assert seen == listed, f"set but not listed: {seen - listed}; listed but never set: {listed - seen}"


@pytest.mark.django_db
def test_the_footer_links_are_on_the_home_page_the_sign_in_page_and_the_error_pages(client):
    anonymous_sign_in = client.get(reverse("login"))
    assert anonymous_sign_in.status_code == 200
    assert_footer_links(anonymous_sign_in.content.decode())

    client.force_login(f.user_in_role("Officer"))
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert_footer_links(home.content.decode())
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404
    assert_footer_links(not_found.content.decode())

    for standalone in ("500.html", "400.html"):  # rendered with no request and no context processors
        assert_footer_links(render_to_string(standalone))


@pytest.mark.django_db
def test_the_admins_pages_carry_the_footer_links_too(client):
    client.force_login(f.user_in_role("Admin", is_staff=True))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert_footer_links(response.content.decode())
