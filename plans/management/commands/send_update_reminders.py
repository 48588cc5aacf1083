from django.core.management.base import BaseCommand, CommandError

from governance.models import Meeting
from plans.reminders import send_reminders


class Command(BaseCommand):
    help = "Email each action lead one list of their actions that are overdue, due soon or need an update."

    def add_arguments(self, parser):
        parser.add_argument("--meeting", type=int, help="Only this meeting's board's plans, due before its papers deadline.")
        parser.add_argument("--dry-run", action="store_true", help="Say who would be emailed; send nothing.")

    def handle(self, *args, meeting=None, dry_run=False, **options):
        if meeting is not None:
            try:
                meeting = Meeting.objects.select_related("board").get(pk=meeting)
            except Meeting.DoesNotExist:
                raise CommandError(f"No meeting with id {meeting}") from None
        run = send_reminders(meeting=meeting, dry_run=dry_run)
        verb = "Would email" if dry_run else "Emailed"
        for person, actions in run.emailed:
            self.stdout.write(f"{verb} {person.name}: {', '.join(a.reference for a in actions)}")
        for person, actions in run.no_address:
            self.stdout.write(f"Not emailed (no address): {person.name}, {len(actions)} action(s)")
        self.stdout.write(
            f"{verb} {len(run.emailed)} people, listing {run.actions_listed} actions; "
            f"{len(run.no_address)} people have no email address."
        )
