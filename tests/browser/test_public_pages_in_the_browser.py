"""The public pages in a real browser, signed out: reached from the sign-in page's footer, with no axe
violations and no sideways scrolling at 320 px."""

import pytest

from tests.browser.crawling import CrawlResult, check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_signed_out_visitor_reaches_both_public_pages_from_the_sign_in_footer(page, live_server):
    result = CrawlResult()
    links = check_page(page, f"{live_server.url}/account/login/", result)
    public = [f"{live_server.url}/accessibility/", f"{live_server.url}/privacy/"]
    assert set(public) <= set(links)
    for url in public:
        page.goto(f"{live_server.url}/account/login/")
        page.locator("footer").get_by_role("link", name="Accessibility statement" if "accessibility" in url
                                           else "Privacy notice").click()
        assert page.url == url  # not sent to sign in
        check_page(page, url, result)
    assert result.ok, result.failure_message()
    assert [p.title for p in result.pages[1:]] == [
        "Accessibility statement – Children's Services Improvement Tracker",
        "Privacy notice – Children's Services Improvement Tracker"]
