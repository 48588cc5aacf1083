"""Concurrency: several officers posting at once lose nothing, imports at once do not mix, a pack issued twice
at once is one version.

On PostgreSQL the workers are real OS processes (forked), each with its own connection to the test database,
so the races are the server's, as in production. SQLite's test database is in memory, which another process
cannot open: there the workers are threads, each with its own connection (SQLite serialises writers with
its IMMEDIATE transactions, so the races are narrower but the outcomes must be the same).
"""

import io
import multiprocessing
import queue
import random
import threading
import traceback
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from governance.models import BoardPack, Meeting, Organisation, User
from governance.packs import issue_pack
from plans.imports import import_plan, read_spreadsheet
from plans.models import Action, EditConflict, Objective, Person, Plan, ProgressUpdate, Theme
from tests import factories as f
from tests.governance import report_world
from tests.plans.test_import import HEADER, make_xlsx

world = report_world.world  # the fixture

pytestmark = pytest.mark.django_db(transaction=True)  # workers see only what is committed

WAIT = 60  # seconds a worker waits for the others at a barrier before the test fails instead of hanging


def _work(target, index, barrier, results, args):
    """One worker: its own connection from the first query (the parent closed its own before forking, so
    nothing inherited is shared), its result or its traceback sent back, its connection closed at the end."""
    connections.close_all()
    try:
        results.put((index, target(barrier, *args)))
    except BaseException:  # noqa: BLE001 - reported to the test, which fails showing it
        barrier.abort()  # the others stop waiting for a worker that will not come
        results.put((index, traceback.format_exc()))
    finally:
        connections.close_all()


def at_once(target, *worker_args):
    """Run target(barrier, *args) for each args tuple in parallel; return the results in worker order.

    A traceback in the results (a str where the target returns something else) is a worker that failed."""
    count = len(worker_args)
    if connection.vendor == "postgresql":
        context = multiprocessing.get_context("fork")
        barrier, results = context.Barrier(count), context.Queue()
        # A forked child closing a connection it inherited would end the parent's session on the server.
        connections.close_all()
        workers = [context.Process(target=_work, args=(target, i, barrier, results, args), daemon=True)
                   for i, args in enumerate(worker_args)]
    else:
        barrier, results = threading.Barrier(count), queue.Queue()
        workers = [threading.Thread(target=_work, args=(target, i, barrier, results, args), daemon=True)
                   for i, args in enumerate(worker_args)]
    for worker in workers:
        worker.start()
    found = dict(results.get(timeout=WAIT * 3) for _ in workers)  # drained before join (a full pipe blocks)
    for worker in workers:
        worker.join(timeout=WAIT)
    return [found[i] for i in range(count)]


def assert_no_worker_failed(outcomes):
    failures = [outcome for outcome in outcomes if isinstance(outcome, str)]
    assert not failures, "\n\n".join(failures)


# Progress updates: 4 officers x 10 rounds on 3 actions.

# Fewer rounds on SQLite: its threads take turns for the one interpreter, so they run no faster than one.
OFFICERS, ROUNDS, ACTIONS = 4, 10 if connection.vendor == "postgresql" else 4, 3
RATINGS = ["red", "amber", "green", "blue"]


def post_updates(barrier, username, action_pks, seed):
    """An officer's rounds: open the update form of an action (read its version), wait until every officer
    has read theirs, post the form, then wait until every post of the round is answered. Officers on the same
    action in a round post from the same version: one is saved, the others are stale."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    choose = random.Random(seed)
    posts = []
    for round_ in range(ROUNDS):
        pk = choose.choice(action_pks)
        version = Action.objects.values_list("version", flat=True).get(pk=pk)  # what the form's hidden field holds
        rag = choose.choice(RATINGS)
        narrative = f"{username}, round {round_}: {rag}"
        barrier.wait(timeout=WAIT)
        response = client.post(reverse("plans:update", args=[pk]), {
            "version": version, "rag": rag, "narrative": narrative,
            "mitigation": "Agency staff booked", "evidence": "Audit report"})
        if response.status_code == 302:
            outcome = "accepted"
        elif response.status_code == 200 and "Someone else updated this action" in response.content.decode():
            outcome = "refused"
        else:
            outcome = f"HTTP {response.status_code}: {response.content.decode()[:500]}"
        posts.append({"round": round_, "action": pk, "version": version, "rag": rag, "narrative": narrative,
                      "username": username, "outcome": outcome})
        barrier.wait(timeout=WAIT)
    return posts


def test_officers_posting_at_once_lose_nothing_and_every_stale_form_gets_a_conflict():
    """4 officers x 10 rounds (4 on SQLite) on 3 actions, through the update page: every accepted update is in
    the history, each version claimed once, the current rating is the latest accepted one, and every refused
    post is a recorded conflict."""
    org = f.OrganisationFactory()
    officers = [f.PersonFactory(organisation=org, name=f"Officer {n}",
                                user=f.user_in_role("Officer", username=f"officer{n}")) for n in range(OFFICERS)]
    theme = f.ThemeFactory(plan=f.PlanFactory(organisation=org))
    actions = [f.DueSoonActionFactory(theme=theme, lead=officers[0], reference=f"1.{n + 1}") for n in range(ACTIONS)]
    for action in actions:
        action.supporting_leads.add(*officers[1:])
    start = {action.pk: action.version for action in actions}
    pks = list(start)

    outcomes = at_once(post_updates, *[(officer.user.username, pks, 2026 + n) for n, officer in enumerate(officers)])
    assert_no_worker_failed(outcomes)
    posts = [post for worker in outcomes for post in worker]
    assert {post["outcome"] for post in posts} <= {"accepted", "refused"}, [p["outcome"] for p in posts]
    accepted = [post for post in posts if post["outcome"] == "accepted"]
    refused = [post for post in posts if post["outcome"] == "refused"]
    # Every post of a round was read after the last round was answered: exactly one per action and round wins.
    raced = {(post["round"], post["action"]) for post in posts}
    assert len(accepted) == len(raced) and len(refused) == len(posts) - len(raced)

    stored = ProgressUpdate.objects.filter(action__in=pks)
    conflicts = EditConflict.objects.filter(action__in=pks)
    print(f"\nProgress updates: {OFFICERS} {'processes' if connection.vendor == 'postgresql' else 'threads'} x "
          f"{ROUNDS} updates on {ACTIONS} actions ({connection.vendor}): "
          f"{len(posts)} posted, {len(accepted)} accepted, {stored.count()} stored, {len(refused)} refused, "
          f"{conflicts.count()} conflicts recorded")

    # Every accepted update is in the history, and nothing else is.
    assert Counter(stored.values_list("action", "narrative")) == Counter((p["action"], p["narrative"]) for p in accepted)
    # Each refused one got a conflict, recorded against the version its form was based on.
    assert Counter(conflicts.values_list("action", "user__username", "based_on_version")) == Counter(
        (p["action"], p["username"], p["version"]) for p in refused)
    assert all(c.found_version > c.based_on_version for c in conflicts)
    current = {a.pk: a for a in Action.objects.filter(pk__in=pks).with_current_rag()}
    for pk in pks:
        won = sorted((p for p in accepted if p["action"] == pk), key=lambda p: p["version"])
        # One version per accepted update, each claimed by exactly one of them.
        assert [p["version"] for p in won] == list(range(start[pk], start[pk] + len(won)))
        assert current[pk].version == start[pk] + len(won)
        # The current rating is the latest accepted update's: the one that claimed the last version.
        assert current[pk].current_rag == won[-1]["rag"]
        latest = stored.filter(action=pk).order_by("-created_at", "-pk").first()
        assert latest.narrative == won[-1]["narrative"]


# Imports: two different plans of one council at once.

THEMES, ACTIONS_PER_THEME = 3, 12


def plan_file(label: str) -> bytes:
    """A plan in the import layout whose every text names it; its leads are a person the council holds
    (Jim Hopkinson), a new one both plans name (Sam Newlead) and a new one of its own."""
    title = f"{label} Improvement Plan"
    rows = []
    for t in range(1, THEMES + 1):
        for a in range(1, ACTIONS_PER_THEME + 1):
            first = a == 1
            lead = ["Jim Hopkinson", "Sam Newlead", f"Lead of {label}"][a % 3]
            rows.append([title, "1.0", str(t), f"{label} theme {t}" if first else "", f"{t}.1",
                         f"{label} objective {t}.1" if first else "", f"{t}.1.{a}", f"{label} activity {t}.1.{a}",
                         f"{label} outcome", "", "2030-03-31", lead, "", "Amber", f"{label} progress {t}.1.{a}"])
    return make_xlsx(rows, header=HEADER)


def import_file(barrier, data, organisation_pk, username):
    rows = read_spreadsheet(io.BytesIO(data), "plan.xlsx")
    organisation, author = Organisation.objects.get(pk=organisation_pk), User.objects.get(username=username)
    barrier.wait(timeout=WAIT)
    result = import_plan(rows=rows, organisation=organisation, author=author)
    return {"plan": result.plan.pk, "created": result.plan_created, "actions": result.actions.created,
            "people": result.people_created}


def test_two_imports_of_different_plans_at_once_do_not_mix():
    org = f.OrganisationFactory()
    f.PersonFactory(organisation=org, name="Jim Hopkinson", initials="JH")
    admin = f.user_in_role("Admin", username="importer", is_staff=True)
    people_before = list(Person.objects.filter(organisation=org).values_list("name", flat=True))

    outcomes = at_once(import_file, *[(plan_file(label), org.pk, admin.username) for label in ("North", "South")])
    assert_no_worker_failed(outcomes)
    print(f"\nImports: 2 {'processes' if connection.vendor == 'postgresql' else 'threads'} ({connection.vendor}), "
          f"{[o['actions'] for o in outcomes]} actions created, people created {[o['people'] for o in outcomes]}")

    assert Plan.objects.count() == 2
    for label, outcome in zip(("North", "South"), outcomes, strict=True):
        plan = Plan.objects.get(pk=outcome["plan"])
        assert (plan.title, plan.organisation, outcome["created"]) == (f"{label} Improvement Plan", org, True)
        assert sorted(Theme.objects.filter(plan=plan).values_list("title", flat=True)) == [
            f"{label} theme {t}" for t in range(1, THEMES + 1)]
        assert sorted(Objective.objects.filter(theme__plan=plan).values_list("text", flat=True)) == [
            f"{label} objective {t}.1" for t in range(1, THEMES + 1)]
        actions = Action.objects.filter(theme__plan=plan)
        assert sorted(actions.values_list("reference", "activity")) == sorted(
            (f"{t}.1.{a}", f"{label} activity {t}.1.{a}")
            for t in range(1, THEMES + 1) for a in range(1, ACTIONS_PER_THEME + 1))
        # Every action hangs from a theme of its own plan and carries its own plan's update only.
        assert not actions.exclude(theme__plan=plan).exists()
        assert sorted(ProgressUpdate.objects.filter(action__theme__plan=plan).values_list("narrative", flat=True)) == sorted(
            f"{label} progress {t}.1.{a}" for t in range(1, THEMES + 1) for a in range(1, ACTIONS_PER_THEME + 1))
        assert not actions.filter(lead__name=f"Lead of {'South' if label == 'North' else 'North'}").exists()
    # The person both plans name is created once, whichever import came first, and both plans point at them.
    people = Person.objects.filter(organisation=org)
    assert sorted(people.values_list("name", flat=True)) == sorted(
        people_before + ["Lead of North", "Lead of South", "Sam Newlead"])
    assert sorted(name for outcome in outcomes for name in outcome["people"]) == [
        "Lead of North", "Lead of South", "Sam Newlead"]
    assert Action.objects.filter(lead__name="Sam Newlead").order_by().values("theme__plan").distinct().count() == 2


def test_the_same_plan_imported_twice_at_once_is_one_plan_created_then_found():
    """The second import waits for the first, then finds the plan it made: it changes nothing, and fails on no
    unique constraint (which would be a server error on the upload page)."""
    org = f.OrganisationFactory()
    admin = f.user_in_role("Admin", username="importer", is_staff=True)
    data = plan_file("North")

    outcomes = at_once(import_file, (data, org.pk, admin.username), (data, org.pk, admin.username))
    assert_no_worker_failed(outcomes)
    print(f"\nThe same plan imported twice at once ({connection.vendor}): {outcomes}")
    assert sorted(outcome["created"] for outcome in outcomes) == [False, True]
    assert sorted(outcome["actions"] for outcome in outcomes) == [0, THEMES * ACTIONS_PER_THEME]
    assert outcomes[0]["plan"] == outcomes[1]["plan"] and Plan.objects.count() == 1
    assert Action.objects.count() == ProgressUpdate.objects.count() == THEMES * ACTIONS_PER_THEME
    assert Person.objects.filter(organisation=org, name="Sam Newlead").count() == 1


# Board packs: the same meeting's pack issued twice at once.

def issue(barrier, meeting_pk, username):
    meeting, user = Meeting.objects.select_related("board").get(pk=meeting_pk), User.objects.get(username=username)
    barrier.wait(timeout=WAIT)
    try:
        return issue_pack(meeting=meeting, user=user, reason="Issued twice at once", based_on_version=0).version
    except ValidationError as refusal:  # an expected outcome; anything else comes back as a traceback
        return {"refused": refusal.messages[0]}


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite: the same race with threads is tests/governance/test_packs.py::"
                           "test_two_issues_at_the_same_moment_make_one_new_version (a pack takes seconds to render)")
def test_the_same_pack_issued_twice_at_once_is_one_new_version(world):
    outcomes = at_once(issue, (world.meeting.pk, world.admin.username), (world.meeting.pk, world.clerk.user.username))
    assert_no_worker_failed(outcomes)
    print(f"\nPack issued twice at once (2 processes, {connection.vendor}): {outcomes}")
    versions = [outcome for outcome in outcomes if isinstance(outcome, int)]
    refusals = [outcome["refused"] for outcome in outcomes if isinstance(outcome, dict)]
    assert versions == [1], outcomes
    # The other was refused cleanly: it waited for the first and found its form stale (the meeting's row lock),
    # or, were they not to take turns, met the unique constraints; either way with a message, never an error.
    assert len(refusals) == 1 and "issued" in refusals[0], refusals
    packs = BoardPack.objects.filter(meeting=world.meeting)
    assert list(packs.values_list("version", "superseded_at")) == [(1, None)]


def test_at_once_reports_a_worker_that_failed():
    """The harness itself: a worker's exception comes back as its traceback and the others are released."""
    def target(barrier, fail):
        if fail:
            raise RuntimeError("this worker failed")
        try:
            barrier.wait(timeout=WAIT)
        except threading.BrokenBarrierError:
            return "released"
        return "waited"

    outcomes = at_once(target, (True,), (False,))
    assert "RuntimeError: this worker failed" in outcomes[0]
    assert outcomes[1] == "released"

