from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from governance.invitations import invite
from governance.models import Organisation
from governance.onboarding import create_organisation, normalise_email

KINDS = [Organisation.Kind.COUNCIL, Organisation.Kind.TRUST, Organisation.Kind.PARTNERSHIP]


class Command(BaseCommand):
    help = ("Create an organisation with its first admin (Admin role, signs in to the admin) and their person, and "
            "email the admin a link to set their password. Nothing is created if any part is refused or the email "
            "cannot be sent.")

    def add_arguments(self, parser):
        parser.add_argument("name", help="The organisation's name, e.g. \"Kirklees Council\".")
        parser.add_argument("--admin-name", required=True, help="The first admin's full name.")
        parser.add_argument("--admin-email", required=True, help="The first admin's email address (their user name).")
        parser.add_argument("--slug", default="", help="The organisation's slug (default: made from the name).")
        parser.add_argument("--kind", choices=[k.value for k in KINDS], default=Organisation.Kind.COUNCIL.value,
                            help="council (default), trust or partnership.")

    def handle(self, *args, name, admin_name, admin_email, slug="", kind=Organisation.Kind.COUNCIL, **options):
        try:
            # The email is sent inside the transaction: if it cannot be sent, nothing stays written and the
            # command can simply be run again.
            with transaction.atomic():
                organisation, admin = create_organisation(name=name, slug=slug, kind=kind, admin_name=admin_name,
                                                          admin_email=admin_email)
                link = invite(admin)
        except ValidationError as error:
            raise CommandError(self._describe(error)) from None
        except OSError as error:  # smtplib's errors are OSErrors too
            raise CommandError(f"could not email {normalise_email(admin_email)} ({error}): nothing was created; check the "
                               f"EMAIL_* settings and run the command again") from None
        if settings.DEBUG:  # a development machine's email goes nowhere real: show the link too
            self.stdout.write(f"emailed a set-password link to {admin.email} (debug is on, so here it is): {link}")
        else:
            self.stdout.write(f"emailed a set-password link to {admin.email}")
        self.stdout.write(f"created organisation {organisation.slug} with admin {admin.email}")

    @staticmethod
    def _describe(error: ValidationError) -> str:
        options = {"full_name": "--admin-name", "email": "--admin-email", "slug": "--slug", "kind": "--kind",
                   "name": "NAME"}
        if not hasattr(error, "error_dict"):
            return "; ".join(error.messages)
        return "; ".join(f"{options.get(field, field)}: {message}"
                         for field, messages in error.message_dict.items() for message in messages)
