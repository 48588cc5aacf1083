"""The fixed cast: the lead officer, another officer, a board member and an admin."""

from types import SimpleNamespace

import pytest

from tests import factories as f


@pytest.fixture
def cast(db):
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
