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


def is_admin(user) -> bool:
    return user.is_active and (user.is_superuser or user.groups.filter(name="Admin").exists())


def can_update_action(user, action) -> bool:
    """Admins, and officers who lead or support the action or lead its theme. Board members never."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_admin(user):
        return True
    if not user.has_perm("plans.add_progressupdate"):
        return False
    person = person_of(user)
    if person is None:
        return False
    return (
        action.lead_id == person.pk
        or action.supporting_leads.filter(pk=person.pk).exists()
        or action.theme.leads.filter(pk=person.pk).exists()
    )


def get_action_for_update(request, pk) -> Action:
    """The action, if the signed-in user may update it; 403 otherwise (before any form is read).

    select_related: the theme and plan for the page heading, the lead for the summary.
    """
    action = get_object_or_404(Action.objects.select_related("theme__plan", "lead"), pk=pk)
    if not can_update_action(request.user, action):
        raise PermissionDenied("Only the action's leads, its theme's leads and admins can update it.")
    return action
