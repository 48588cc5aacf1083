from django.core.management.base import BaseCommand, CommandError

from governance.backups import BackupError, backup


class Command(BaseCommand):
    help = "Write a timestamped backup of the database under backups/ and print its path."

    def add_arguments(self, parser):
        parser.add_argument("--folder", help="Where to write it (default: backups/ in the project).")

    def handle(self, *args, folder=None, **options):
        try:
            path = backup(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(path))
