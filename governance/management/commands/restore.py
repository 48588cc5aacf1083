from django.core.management.base import BaseCommand, CommandError

from governance.backups import BackupError, restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup written by `manage.py backup` (no prompt)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup file (.sqlite3 or .pgdump).")

    def handle(self, *args, file, **options):
        try:
            restore(file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restored {file}")
