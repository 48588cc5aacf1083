from django.core.management.base import BaseCommand, CommandError

from governance.reminders import DEFAULT_DAYS, send_meeting_reminders


class Command(BaseCommand):
    help = ("Before each meeting whose papers deadline falls within the next N working days (England and Wales "
            "bank holidays excluded), email each lead once about their actions and measures not updated since the "
            "board last met. Safe to run daily: nobody is reminded twice for the same meeting.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS,
                            help=f"Working days ahead to look for papers deadlines (default {DEFAULT_DAYS}).")
        parser.add_argument("--dry-run", action="store_true", help="Say who would be emailed; send and record nothing.")

    def handle(self, *args, days=DEFAULT_DAYS, dry_run=False, **options):
        if days < 0:
            raise CommandError(f"--days must be 0 or more working days, not {days}")
        run = send_meeting_reminders(days=days, dry_run=dry_run)
        verb = "Would email" if dry_run else "Emailed"
        for reminder in run.emailed:
            self.stdout.write(
                f"{verb} {reminder.person.name} for {reminder.meeting}: {len(reminder.actions)} action(s), "
                f"{len(reminder.measures)} measure(s)")
        for reminder in run.no_address:
            self.stdout.write(f"Not emailed (no address): {reminder.person.name} for {reminder.meeting}")
        self.stdout.write(
            f"{verb} {len(run.emailed)} people for {len(run.meetings)} meeting(s); {run.already_sent} already "
            f"reminded; {len(run.no_address)} without an email address.")
