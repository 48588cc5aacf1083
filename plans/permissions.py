"""Who may change what. Object-level rules live here, in one place, and every view calls them."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from .models import Action


def person_of(user):
    """The Person a login belongs to, or None (one query, cached on the user for the request)."""
    if not hasattr(user, "_person_cache"):
        from .models import Person

        user._person_cache = Person.objects.filter(user_id=user.pk).first() if user.is_authenticated else None
    return user._person_cache


def is_admin(user, organisation_id) -> bool:
    """A superuser, or an admin of the organisation with this id (governance.visibility)."""
    from governance.visibility import administers

    return administers(user, organisation_id)


def _admin_or_officer(user, permission: str, is_theirs, organisation_id) -> bool:
    """The shape of every officer rule: the owning organisation's admins may; otherwise an active officer
    holding `permission` whose Person passes `is_theirs(person)` (leads the thing, owns it...), whatever their
    organisation (a partner's officers update the actions they lead). Board members never hold the
    permissions."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_admin(user, organisation_id):
        return True
    if not user.has_perm(permission):
        return False
    person = person_of(user)
    return person is not None and is_theirs(person)


def can_update_action(user, action) -> bool:
    """Admins, and officers who lead or support the action or lead its theme. Board members never."""
    return _admin_or_officer(user, "plans.add_progressupdate", lambda person: (
        action.lead_id == person.pk
        or action.supporting_leads.filter(pk=person.pk).exists()
        or action.theme.leads.filter(pk=person.pk).exists()
    ), action.theme.plan.organisation_id)


def get_action_for_update(request, pk) -> Action:
    """The action, if the signed-in user may update it; 403 otherwise (before any form is read).

    select_related: the theme and plan for the page heading, the lead for the summary, the plan's organisation
    for its wording of the ratings' meanings.
    """
    action = get_object_or_404(
        Action.objects.visible_to(request.user).select_related("theme__plan__organisation", "lead"), pk=pk)
    if not can_update_action(request.user, action):
        raise PermissionDenied("Only the action's leads, its theme's leads and admins can update it.")
    return action


def can_record_milestone_outcome(user, milestone) -> bool:
    """An action's milestone: whoever may update the action (its leads, its theme's leads, admins). A theme's
    milestone (plan on a page): the theme's leads, if officers, and admins."""
    if milestone.action_id is not None:
        return can_update_action(user, milestone.action)
    return _admin_or_officer(user, "plans.add_progressupdate",
                             lambda person: milestone.theme.leads.filter(pk=person.pk).exists(),
                             milestone.theme.plan.organisation_id)


def can_assess_theme(user, theme) -> bool:
    """A theme's impact is assessed by the theme's leads (officers with the permission) and admins."""
    return _admin_or_officer(user, "plans.add_impactassessment",
                             lambda person: theme.leads.filter(pk=person.pk).exists(),
                             theme.plan.organisation_id)


def get_theme_for_assessment(request, pk):
    """The theme, if visible and the signed-in user may assess its impact; 403 otherwise (before any form is
    read). select_related: the plan, for the page heading and the back link."""
    from .models import Plan, Theme

    theme = get_object_or_404(
        Theme.objects.filter(plan__in=Plan.objects.visible_to(request.user)).select_related("plan"), pk=pk)
    if not can_assess_theme(request.user, theme):
        raise PermissionDenied("Only the theme's leads and admins can assess its impact.")
    return theme


def can_enter_measure_value(user, measure) -> bool:
    """Admins, and officers who own the measure or lead its theme. Board members never."""
    return _admin_or_officer(user, "plans.add_measurevalue", lambda person: measure.owner_id == person.pk or (
        measure.theme_id is not None and measure.theme.leads.filter(pk=person.pk).exists()
    ), measure.plan.organisation_id)


def get_measure_for_entry(request, pk):
    """The measure, if the signed-in user may enter its values; 403 otherwise (before any form is read).

    select_related: the plan and theme for the page heading, the owner for the summary.
    """
    from .models import Measure

    measure = get_object_or_404(Measure.objects.visible_to(request.user).select_related("plan", "theme", "owner"),
                                pk=pk)
    if not can_enter_measure_value(request.user, measure):
        raise PermissionDenied("Only the measure's owner, its theme's leads and admins can enter its values.")
    return measure
