"""An officer signs in on a phone, sees what needs attention, and records an update."""

import pytest

from plans.models import ProgressUpdate
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_records_an_update_from_my_actions(live_server, page):
    lead = f.PersonFactory(name="Jenny Cryer", user=f.user_in_role("Officer", username="jenny"))
    action = f.OverdueActionFactory(lead=lead, reference="2.6.1", activity="Secure additional resources")

    page.goto(f"{live_server.url}/my-actions/")
    assert "/account/login/" in page.url
    page.get_by_label("Username").fill("jenny")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()

    row = page.get_by_role("row").filter(has_text="2.6.1")
    assert "Overdue" in row.inner_text() and "Not yet rated" in row.inner_text()
    row.get_by_role("link", name="2.6.1").click()
    page.get_by_role("button", name="Update progress").click()

    # Green is refused on an overdue action, with the reason, in the error summary.
    page.get_by_label("Green").check()
    page.get_by_label("What progress has been made?").fill("Two agency workers started on Monday.")
    page.get_by_role("button", name="Save update").click()
    summary = page.locator(".govuk-error-summary")
    assert "cannot be Green" in summary.inner_text()
    assert page.get_by_label("What progress has been made?").input_value() == "Two agency workers started on Monday."

    page.get_by_label("Amber").check()
    page.get_by_label("What is being done about it?").fill("Interim cover agreed by the head of service.")
    page.get_by_role("button", name="Save update").click()

    assert "Progress on action 2.6.1 saved" in page.locator(".govuk-notification-banner").inner_text()
    assert "Amber" in page.locator("h1 + p").inner_text()
    update = ProgressUpdate.objects.get(action=action)
    assert (update.rag, update.author.username) == ("amber", "jenny")
