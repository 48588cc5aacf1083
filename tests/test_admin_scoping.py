"""Organisation admins in the Django admin: the Admin role administers its own organisation only; superusers
administer everything, organisations and the role groups included (governance.admin_scoping)."""

import datetime
import json

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.forms import ModelChoiceField
from django.test import RequestFactory
from django.urls import reverse

from governance.admin_scoping import OrganisationScopedAdmin
from governance.models import Board, BoardPack, Meeting, Membership, Organisation
from inspections.models import Inspection, Recommendation
from plans.models import Action, Measure, Person, Plan, ProgressUpdate
from tests import factories as f

# The sample of models: each changelist, change page and add form is tried with both councils' objects.
SAMPLE = ["plan", "action", "person", "board", "meeting", "measure", "inspection", "recommendation",
          "organisation", "boardpack", "progressupdate", "membership", "theme"]


def council(org, tag):
    """One council's objects, every name carrying `tag` so a page showing another's can be caught."""
    person = f.PersonFactory(organisation=org, name=f"{tag} Officer", user=f.UserFactory(username=f"{tag}-officer"))
    board = f.BoardFactory(organisation=org, name=f"{tag} Improvement Board", slug=f"{tag}-board")
    membership = f.MembershipFactory(board=board, person=person)
    meeting = f.MeetingFactory(board=board, venue=f"{tag} Town Hall")
    inspection = f.InspectionFactory(organisation=org, title=f"{tag} ILACS", slug=f"{tag}-ilacs")
    recommendation = f.RecommendationFactory(inspection=inspection, text=f"{tag} recommendation")
    plan = f.PlanFactory(organisation=org, board=board, title=f"{tag} plan", slug=f"{tag}-plan")
    plan.inspections.add(inspection)
    theme = f.ThemeFactory(plan=plan, title=f"{tag} theme")
    action = f.ActionFactory(theme=theme, lead=person, activity=f"{tag} activity")
    update = f.ProgressUpdateFactory(action=action, author=person.user, narrative=f"{tag} narrative")
    measure = f.MeasureFactory(theme=theme, name=f"{tag} measure")
    pack = BoardPack.objects.create(meeting=meeting, version=1, issued_by=person.user, as_at=datetime.date(2024, 1, 1),
                                    figures={}, pdf=b"%PDF", docx=b"PK", pdf_sha256="0" * 64, docx_sha256="0" * 64)
    return {"organisation": org, "person": person, "board": board, "membership": membership, "meeting": meeting,
            "inspection": inspection, "recommendation": recommendation, "plan": plan, "theme": theme,
            "action": action, "progressupdate": update, "measure": measure, "boardpack": pack}


@pytest.fixture
def councils(db):
    home = council(f.OrganisationFactory(), "home")
    other = council(f.OtherOrganisationFactory(name="Elsewhere Borough Council", slug="elsewhere"), "elsewhere")
    org_admin = f.user_in_role("Admin", username="org-admin", is_staff=True)  # a Person of the home council
    return {"home": home, "other": other, "org_admin": org_admin, "superuser": f.StaffUserFactory(username="root")}


def admin_url(obj, view="change"):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def listed(response) -> set:
    return set(response.context["cl"].queryset.values_list("pk", flat=True))


def inline_management(response) -> dict:
    """The inline formsets' management forms of an add page, with no rows."""
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


# Lists and pages ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", SAMPLE)
def test_an_organisation_admin_lists_only_their_own_organisations_objects(client, councils, name):
    home, other = councils["home"][name], councils["other"][name]
    client.force_login(councils["org_admin"])
    response = client.get(changelist_url(type(home)))
    assert response.status_code == 200
    assert home.pk in listed(response)
    assert other.pk not in listed(response)
    assert b"elsewhere" not in response.content.lower()  # nor its name in a row, a filter or a count


@pytest.mark.parametrize("name", SAMPLE)
def test_a_superuser_lists_every_organisations_objects(client, councils, name):
    client.force_login(councils["superuser"])
    response = client.get(changelist_url(type(councils["home"][name])))
    assert {councils["home"][name].pk, councils["other"][name].pk} <= listed(response)


@pytest.mark.parametrize("name", SAMPLE)
def test_another_organisations_object_answers_404_never_403(client, councils, name):
    other = councils["other"][name]
    client.force_login(councils["org_admin"])
    assert client.get(admin_url(councils["home"][name])).status_code == 200
    for view in ("change", "delete", "history"):
        response = client.get(admin_url(other, view))
        assert response.status_code == 404, view
    assert client.post(admin_url(other, "delete"), {"post": "yes"}).status_code == 404
    assert type(other).objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("name", SAMPLE)
def test_a_superuser_opens_any_organisations_object(client, councils, name):
    client.force_login(councils["superuser"])
    assert client.get(admin_url(councils["other"][name])).status_code == 200


def test_the_history_of_another_organisations_action_and_its_versions_are_not_found(client, councils):
    action = councils["other"]["action"]
    action.activity = "Changed"
    action.save()
    version = Action.history.filter(id=action.pk).latest("history_date")
    client.force_login(councils["org_admin"])
    url = reverse("admin:plans_action_simple_history", args=[action.pk, version.history_id])
    assert client.get(url).status_code == 404
    own = councils["home"]["action"]
    own.activity = "Changed too"
    own.save()
    own_version = Action.history.filter(id=own.pk).latest("history_date")
    assert client.get(reverse("admin:plans_action_simple_history", args=[own.pk, own_version.history_id])
                      ).status_code == 200


def test_object_permissions_answer_no_for_another_organisations_object(councils):
    request = RequestFactory().get("/admin/")
    request.user = councils["org_admin"]
    model_admin = admin.site.get_model_admin(Plan)
    own, other = councils["home"]["plan"], councils["other"]["plan"]
    assert model_admin.has_view_permission(request, own) and model_admin.has_change_permission(request, own)
    assert model_admin.has_delete_permission(request, own)
    assert not model_admin.has_view_permission(request, other)
    assert not model_admin.has_change_permission(request, other)
    assert not model_admin.has_delete_permission(request, other)
    # an inline asks about its parent
    inline = next(i for i in model_admin.get_inline_instances(request, own))
    assert inline.has_change_permission(request, own) and not inline.has_change_permission(request, other)


def test_a_login_in_no_admin_role_administers_nothing(client, councils):
    officer = f.user_in_role("Officer", username="staff-officer", is_staff=True)
    officer.user_permissions.add(*Group.objects.get(name="Admin").permissions.all())
    client.force_login(officer)
    assert listed(client.get(changelist_url(Plan))) == set()
    assert client.get(admin_url(councils["home"]["plan"])).status_code == 404


# Choices and posted keys ---------------------------------------------------------------------------------

def all_choice_fields(response):
    forms = [response.context["adminform"].form]
    forms += [form for inline in response.context["inline_admin_formsets"] for form in inline.formset.forms]
    forms += [inline.formset.empty_form for inline in response.context["inline_admin_formsets"]]
    for form in forms:
        for name, field in form.fields.items():
            # an inline row's hidden id is checked against the inline's own (scoped) rows, never offered
            if isinstance(field, ModelChoiceField) and not field.widget.is_hidden:
                yield f"{form.prefix or ''}{name}", field


OUR_APPS = {"plans", "inspections", "governance"}


def our_models():
    return sorted((m for m in admin.site._registry if m._meta.app_label in OUR_APPS), key=lambda m: m._meta.label)


def registered_add_urls():
    return [reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_add") for m in our_models()]


@pytest.mark.parametrize("url", registered_add_urls())
def test_no_add_form_offers_another_organisations_objects(client, councils, url):
    client.force_login(councils["org_admin"])
    response = client.get(url)
    if response.status_code == 403:  # append-only records, organisations and the roles: not added here
        return
    assert response.status_code == 200
    theirs = {(type(obj)._meta.label_lower, obj.pk) for obj in councils["other"].values()}
    theirs.add(("governance.user", councils["other"]["person"].user_id))
    for name, field in all_choice_fields(response):
        offered = {(field.queryset.model._meta.label_lower, pk) for pk in field.queryset.values_list("pk", flat=True)}
        assert not offered & theirs, name


@pytest.mark.parametrize("url", [f"admin:plans_{m}_change" for m in ("action", "plan", "theme", "measure")])
def test_no_change_form_offers_another_organisations_objects(client, councils, url):
    client.force_login(councils["org_admin"])
    obj = councils["home"][url.split("_")[1]]
    response = client.get(reverse(url, args=[obj.pk]))
    theirs = {(type(o)._meta.label_lower, o.pk) for o in councils["other"].values()}
    fields = list(all_choice_fields(response))
    assert fields
    for name, field in fields:
        offered = {(field.queryset.model._meta.label_lower, pk) for pk in field.queryset.values_list("pk", flat=True)}
        assert not offered & theirs, name


def test_choices_keep_what_their_own_rows_already_point_at(client, councils):
    """A partner's officer leading an action of the home council's plan stays a valid lead when the action
    is saved in the admin, though the partner's people are not the admin's to administer."""
    partner = councils["other"]["person"]
    action = councils["home"]["action"]
    action.lead = partner
    action.save()
    client.force_login(councils["org_admin"])
    response = client.get(admin_url(action))
    lead = response.context["adminform"].form.fields["lead"]
    assert partner in lead.queryset
    assert f.PersonFactory(organisation=councils["other"]["organisation"]) not in lead.queryset
    response = client.post(admin_url(action), {
        "theme": action.theme_id, "reference": action.reference, "activity": "Still led by the partner",
        "lead": partner.pk, "order": action.order, "added_on": "01/01/2018", **inline_management(response)})
    assert response.status_code == 302, response.context["adminform"].form.errors
    action.refresh_from_db()
    assert action.activity == "Still led by the partner" and action.lead == partner


def test_posting_another_organisations_keys_is_refused_and_writes_nothing(client, councils):
    home, other = councils["home"], councils["other"]
    client.force_login(councils["org_admin"])
    before = (Membership.objects.count(), ProgressUpdate.objects.count(), Plan.objects.count(), Action.objects.count())

    response = client.post(reverse("admin:governance_membership_add"),
                           {"board": home["board"].pk, "person": other["person"].pk, "role": "member", "order": 0})
    assert response.status_code == 200
    assert "person" in response.context["adminform"].form.errors

    response = client.post(reverse("admin:governance_membership_add"),
                           {"board": other["board"].pk, "person": home["person"].pk, "role": "member", "order": 0})
    assert "board" in response.context["adminform"].form.errors

    response = client.post(reverse("admin:plans_progressupdate_add"),
                           {"action": other["action"].pk, "rag": "green", "narrative": "Done",
                            "created_at_0": "01/01/2024", "created_at_1": "10:00:00",
                            "recorded_at_0": "01/01/2024", "recorded_at_1": "10:00:00"})
    assert "action" in response.context["adminform"].form.errors

    add_plan = client.get(reverse("admin:plans_plan_add"))
    response = client.post(reverse("admin:plans_plan_add"), {
        "organisation": other["organisation"].pk, "title": "Sneaky plan", "version": "1", "status": "draft",
        "part_word": "theme", "board": other["board"].pk, "inspections": [other["inspection"].pk],
        **inline_management(add_plan)})
    errors = response.context["adminform"].form.errors
    assert {"organisation", "board", "inspections"} <= set(errors)

    add_action = client.get(reverse("admin:plans_action_add"))
    response = client.post(reverse("admin:plans_action_add"), {
        "theme": other["theme"].pk, "reference": "9.9", "activity": "Sneaky", "lead": other["person"].pk,
        "order": 1, "added_on": "01/01/2024", **inline_management(add_action)})
    assert {"theme", "lead"} <= set(response.context["adminform"].form.errors)

    after = (Membership.objects.count(), ProgressUpdate.objects.count(), Plan.objects.count(), Action.objects.count())
    assert after == before


def test_a_new_plan_is_the_admins_organisations_with_a_slug_made_for_it(client, councils):
    client.force_login(councils["org_admin"])
    add = client.get(reverse("admin:plans_plan_add"))
    form = add.context["adminform"].form
    assert "slug" not in form.fields  # never typed, so never "Plan with this Slug already exists."
    organisation = form.fields["organisation"]
    assert list(organisation.queryset) == [councils["home"]["organisation"]]
    assert organisation.empty_label is None  # theirs, chosen already
    # the other council's plan already has the slug this title makes
    response = client.post(reverse("admin:plans_plan_add"), {
        "organisation": councils["home"]["organisation"].pk, "title": "Elsewhere", "version": "plan",
        "status": "draft", "part_word": "theme", **inline_management(add)})
    assert response.status_code == 302, response.context["adminform"].form.errors
    plan = Plan.objects.get(title="Elsewhere")
    assert plan.organisation == councils["home"]["organisation"]
    assert plan.slug != "elsewhere-plan" and plan.slug
    assert Plan.objects.get(pk=councils["other"]["plan"].pk).slug == "elsewhere-plan"


@pytest.mark.parametrize("model, data", [
    (Board, {"name": "Elsewhere", "kind": "improvement_board"}),
    (Inspection, {"title": "Elsewhere ILACS", "kind": "ilacs_full", "inspectorate": "Ofsted", "authority": "Home"}),
])
def test_boards_and_inspections_get_slugs_never_typed_by_an_organisation_admin(client, councils, model, data):
    client.force_login(councils["org_admin"])
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    add = client.get(url)
    assert "slug" not in add.context["adminform"].form.fields
    response = client.post(url, {"organisation": councils["home"]["organisation"].pk, **data,
                                 **inline_management(add)})
    assert response.status_code == 302, response.context["adminform"].form.errors
    made = model.objects.exclude(pk=councils["home"][model._meta.model_name].pk).get(
        organisation=councils["home"]["organisation"])
    assert made.slug and made.slug not in {"elsewhere-board", "elsewhere-ilacs"}


def test_a_superuser_still_types_slugs(client, councils):
    client.force_login(councils["superuser"])
    assert "slug" in client.get(reverse("admin:plans_plan_add")).context["adminform"].form.fields


def test_an_organisation_admin_cannot_change_a_slug(client, councils):
    client.force_login(councils["org_admin"])
    response = client.get(admin_url(councils["home"]["board"]))
    assert "slug" not in response.context["adminform"].form.fields


# Autocomplete -----------------------------------------------------------------------------------------

def autocomplete(client, model, field, term=""):
    response = client.get(reverse("admin:autocomplete"), {"app_label": model._meta.app_label,
                                                           "model_name": model._meta.model_name,
                                                           "field_name": field, "term": term})
    assert response.status_code == 200
    return {int(row["id"]) for row in json.loads(response.content)["results"]}


def test_person_autocomplete_offers_none_of_another_organisations_people(client, councils):
    client.force_login(councils["org_admin"])
    found = autocomplete(client, Action, "lead")
    assert councils["home"]["person"].pk in found
    assert councils["other"]["person"].pk not in found
    assert councils["other"]["person"].pk not in autocomplete(client, Action, "lead", term="elsewhere")
    assert councils["other"]["person"].pk not in autocomplete(client, Membership, "person")


@pytest.mark.parametrize("model, field, target", [(Plan, "board", "board"), (Plan, "inspections", "inspection"),
                                                  (ProgressUpdate, "action", "action"),
                                                  (Measure, "theme", "theme"),
                                                  (Action, "recommendations", "recommendation")])
def test_every_autocomplete_offers_only_the_admins_own_objects(client, councils, model, field, target):
    client.force_login(councils["org_admin"])
    found = autocomplete(client, model, field)
    assert councils["home"][target].pk in found
    assert councils["other"][target].pk not in found


def test_the_login_autocomplete_of_a_person_offers_none_of_another_organisations_logins(client, councils):
    client.force_login(councils["org_admin"])
    found = autocomplete(client, Person, "user")
    assert councils["home"]["person"].user_id in found
    assert councils["other"]["person"].user_id not in found


def test_a_superusers_autocomplete_offers_everyone(client, councils):
    client.force_login(councils["superuser"])
    assert {councils["home"]["person"].pk, councils["other"]["person"].pk} <= autocomplete(client, Action, "lead")


# Organisations and roles -------------------------------------------------------------------------------

def test_an_organisation_admin_changes_their_own_organisation_only(client, councils):
    client.force_login(councils["org_admin"])
    assert listed(client.get(changelist_url(Organisation))) == {councils["home"]["organisation"].pk}
    response = client.get(admin_url(councils["home"]["organisation"]))
    assert response.status_code == 200
    assert "slug" not in response.context["adminform"].form.fields
    assert client.get(reverse("admin:governance_organisation_add")).status_code == 403
    assert client.get(admin_url(councils["home"]["organisation"], "delete")).status_code == 403
    assert client.get(admin_url(councils["other"]["organisation"], "delete")).status_code == 404


def test_only_superusers_add_or_delete_organisations(client, councils):
    client.force_login(councils["superuser"])
    assert client.get(reverse("admin:governance_organisation_add")).status_code == 200
    assert client.get(admin_url(councils["other"]["organisation"], "delete")).status_code == 200


def test_the_role_groups_are_for_superusers_only(client, councils):
    org_admin = councils["org_admin"]
    # even given every permission on groups, an organisation admin does not reach them
    from django.contrib.auth.models import Permission

    org_admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    client.force_login(org_admin)
    group = Group.objects.get(name="Admin")
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_add")).status_code == 403
    assert client.get(admin_url(group)).status_code == 403
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert reverse("admin:auth_group_changelist").encode() not in index.content
    client.force_login(councils["superuser"])
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200


# The rules that were there before stay ------------------------------------------------------------------

def test_progress_updates_stay_append_only_for_an_organisation_admin(client, councils):
    update = councils["home"]["progressupdate"]
    client.force_login(councils["org_admin"])
    response = client.get(admin_url(update))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    client.post(admin_url(update), {"action": update.action_id, "rag": "red", "narrative": "Rewritten"})
    update.refresh_from_db()
    assert update.narrative == "home narrative"
    assert client.get(admin_url(update, "delete")).status_code == 403


def test_issued_packs_stay_read_only_for_an_organisation_admin(client, councils):
    client.force_login(councils["org_admin"])
    assert client.get(reverse("admin:governance_boardpack_add")).status_code == 403
    assert client.get(admin_url(councils["home"]["boardpack"], "delete")).status_code == 403


def test_list_filters_offer_none_of_another_organisations_plans_or_boards(client, councils):
    client.force_login(councils["org_admin"])
    for model in (Action, Measure, Meeting, Recommendation, Membership):
        response = client.get(changelist_url(model))
        assert b"elsewhere" not in response.content.lower(), model


# Every admin is scoped --------------------------------------------------------------------------------

UNSCOPED = {"governance.user"}  # the users admin (governance.admin_users) scopes itself


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_every_admin_and_inline_is_scoped(model):
    if model._meta.label_lower in UNSCOPED:
        return
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, OrganisationScopedAdmin)
    for inline in model_admin.inlines:
        assert issubclass(inline, OrganisationScopedAdmin), inline



@pytest.mark.parametrize("name", SAMPLE)
def test_an_organisation_admins_changelist_stays_within_budget(client, councils, django_assert_max_num_queries,
                                                                name):
    client.force_login(councils["org_admin"])
    url = changelist_url(type(councils["home"][name]))
    # a superuser's budget (tests/test_admin.py), plus the login's own and its groups' permissions and its
    # Admin role (a superuser needs none of them); the rule itself adds only subqueries
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
