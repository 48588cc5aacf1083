"""Bringing people and councils onto the service: a new login with its Person, a new organisation with its first
admin. Each writes in one transaction; the caller then sends the set-password link (governance.invitations)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from .models import Organisation, User

# The role groups an organisation's admin may give (made by the roles migration). Only superusers give any
# other group, and superusers are made with `manage.py createsuperuser` alone.
ROLES = ("Admin", "Officer", "Board member")


class OneLoginPerEmailRule:
    """An email address signs in to one login: "username = email, lower-cased", unique across the service.

    The check is case-insensitive on both the user name and the email of every existing login, so
    "Jo.Bloggs@Example.org" cannot be added beside "jo.bloggs@example.org". Its message never names the
    organisation that already holds the address."""

    message = "This email address already has an account on the service"

    @classmethod
    def check(cls, email: str) -> None:
        if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
            raise ValidationError({"email": cls.message}, code="email_taken")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _validate_person(*, full_name: str, email: str, role: str) -> dict:
    errors = {}
    if not full_name:
        errors["full_name"] = "Enter the person's full name"
    elif len(full_name) > User._meta.get_field("first_name").max_length:
        errors["full_name"] = f"The full name must be {User._meta.get_field('first_name').max_length} characters or fewer"
    if not email:
        errors["email"] = "Enter the person's email address"
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.org"
    if role not in ROLES:
        errors["role"] = f"Choose a role: {', '.join(ROLES)}"
    return errors


def add_user(*, full_name: str, email: str, role: str, organisation: Organisation, job_title: str = "") -> User:
    """Create a login (user name = email, lower-cased; no usable password until they choose one; staff only in
    the Admin role) in `role`, and its Person in `organisation` (an existing one by ExistingPersonRule), in one
    transaction. Raises ValidationError keyed by field. Does not send the invitation: call
    governance.invitations.invite once this has committed."""
    from plans.models import Person

    full_name = " ".join((full_name or "").split())
    email = normalise_email(email)
    job_title = " ".join((job_title or "").split())
    errors = _validate_person(full_name=full_name, email=email, role=role)
    if len(job_title) > Person._meta.get_field("job_title").max_length:
        errors["job_title"] = "The job title must be 300 characters or fewer"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        OneLoginPerEmailRule.check(email)
        group = Group.objects.filter(name=role).first()
        if group is None:
            raise ValidationError({"role": f"The {role} role is missing: run the migrations"}, code="no_role")
        # The whole name goes in first_name, so get_full_name() gives it back exactly, with no guess at where a
        # surname starts; the Person holds it too, as every page shows people.
        user = User(username=email, email=email, first_name=full_name, is_staff=role == "Admin")
        user.set_unusable_password()
        user.save()
        user.groups.add(group)
        person = ExistingPersonRule.find(organisation=organisation, full_name=full_name, email=email)
        if person is None:
            Person.objects.create(user=user, organisation=organisation, name=full_name, email=email,
                                  job_title=job_title)
        else:
            person.user, person.email = user, email
            person.job_title = job_title or person.job_title
            person.save(update_fields=["user", "email", "job_title"])
    return user


class ExistingPersonRule:
    """A person already named in the organisation's plans or boards gets the new login, not a second Person:
    "the Person without a login in the organisation whose email is the address given, else the only one whose
    name is the full name given (letter case aside)". The import creates a Person for each lead as
    printed, so inviting a lead after importing the plan links their login to the actions they lead."""

    @staticmethod
    def find(*, organisation: Organisation, full_name: str, email: str):
        from plans.models import Person

        free = Person.objects.filter(organisation=organisation, user__isnull=True).order_by("pk")
        by_email = free.filter(email__iexact=email).first()
        if by_email is not None:
            return by_email
        named = list(free.filter(name__iexact=full_name)[:2])
        return named[0] if len(named) == 1 else None


class UniqueOrganisationRule:
    """Each organisation has its own name and its own slug (the slug is in its plans' and boards' addresses).

    A clash is reported for the name or slug given, saying which one is taken and never listing the other
    organisations."""

    @staticmethod
    def check(*, name: str, slug: str) -> None:
        errors = {}
        if Organisation.objects.filter(name__iexact=name).exists():
            errors["name"] = f"An organisation called {name!r} already exists"
        if Organisation.objects.filter(slug=slug).exists():
            errors["slug"] = f"The slug {slug!r} is already taken: choose another with --slug"
        if errors:
            raise ValidationError(errors, code="organisation_taken")


def create_organisation(*, name: str, admin_name: str, admin_email: str, slug: str = "",
                        kind: str = Organisation.Kind.COUNCIL) -> tuple[Organisation, User]:
    """A new organisation with its first admin (Admin role, staff, no usable password) and their Person, in one
    transaction; nothing is written if any of it is refused. Raises ValidationError keyed by field."""
    name = " ".join((name or "").split())
    slug = (slug or "").strip() or slugify(name)
    errors = {}
    if not name:
        errors["name"] = "Give the organisation's name"
    elif len(name) > Organisation._meta.get_field("name").max_length:
        errors["name"] = "The name must be 200 characters or fewer"
    max_slug = Organisation._meta.get_field("slug").max_length
    if not slug:
        errors["slug"] = "The name gives no slug (it has no letters or digits): give one with --slug"
    elif slug != slugify(slug) or len(slug) > max_slug:
        errors["slug"] = (f"The slug {slug!r} must be lower-case letters, digits and hyphens, at most {max_slug} "
                          f"characters")
    if kind not in Organisation.Kind.values:
        errors["kind"] = f"The kind must be one of {', '.join(Organisation.Kind.values)}, not {kind!r}"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        UniqueOrganisationRule.check(name=name, slug=slug)
        organisation = Organisation.objects.create(name=name, slug=slug, kind=kind)
        user = add_user(full_name=admin_name, email=admin_email, role="Admin", organisation=organisation)
    return organisation, user
