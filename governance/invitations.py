"""Inviting people: one set-your-password link, built here, for the admin's add page, its "Send a set-password
link" action and `manage.py create_organisation`.

Invited users are created with `set_unusable_password()`, so nobody knows a password for them until they
choose one. Django's stock reset form (`PasswordResetForm.get_users`) silently skips users without a usable
password, so "Forgotten your password?" would never reach them: they are emailed this link instead. It is the
same token link the reset form would send (`default_token_generator`, valid for PASSWORD_RESET_TIMEOUT, used
once: the token hashes the password, so setting one spends it), and it opens Django's PasswordResetConfirmView,
whose SetPasswordForm needs no old password and so works for an unusable one.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


def set_password_link(user) -> str:
    """The absolute address at which `user` chooses a password (SITE_URL, the address used in every email)."""
    path = reverse("password_reset_confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
    })
    return settings.SITE_URL + path


def _organisation(user):
    from plans.models import Person

    person = Person.objects.filter(user_id=user.pk).select_related("organisation").first()
    return person.organisation if person else None


def invite(user, *, invited_by=None) -> str:
    """Email `user` a link to set their password; returns the link. Refuses an inactive login (they could set a
    password but not sign in with it) and one without an email address."""
    if not user.is_active:
        raise ValidationError(f"{user.get_username()} is deactivated: reactivate them before sending a link",
                              code="inactive")
    if not user.email:
        raise ValidationError(f"{user.get_username()} has no email address to send the link to", code="no_email")
    organisation = _organisation(user)
    link = set_password_link(user)
    where = f" for {organisation.name}" if organisation else ""
    context = {
        "user": user, "organisation": organisation, "link": link, "service_name": settings.SERVICE_NAME,
        "invited_by": (invited_by.get_full_name() or invited_by.get_username()) if invited_by else "",
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)),
        "sign_in_url": settings.SITE_URL + reverse("login"),
    }
    send_mail(f"{settings.SERVICE_NAME}: set your password{where}",
              render_to_string("governance/email/invitation.txt", context),
              None, [user.email])
    return link
