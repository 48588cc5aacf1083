from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from governance.models import Organisation
from plans.imports import PlanImportError, read_spreadsheet
from plans.measure_imports import COLUMNS, import_measure_values


class Command(BaseCommand):
    help = (
        "Create or correct measure values from an .xlsx or .csv spreadsheet, one row per measure and period "
        f"(columns: {', '.join(COLUMNS)}). Every row is checked first: any error writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx or .csv file (CSV as UTF-8, with or without a BOM).")
        parser.add_argument(
            "--organisation", metavar="SLUG",
            help="The organisation whose plans the rows name; another's plans are not found (default: the only one).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count, then write nothing.")

    def handle(self, *args, file, organisation=None, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        chosen_organisation = None
        if organisation:
            chosen_organisation = Organisation.objects.filter(slug=organisation).first()
            if chosen_organisation is None:
                raise CommandError(f'No organisation has the slug "{organisation}".')
        try:
            with path.open("rb") as file_obj:
                rows = read_spreadsheet(file_obj, path.name)
            result = import_measure_values(rows=rows, dry_run=dry_run, organisation=chosen_organisation)
        except PlanImportError as error:
            raise CommandError(error.report(path.name)) from None
        for line in result.summary_lines():
            self.stdout.write(line)
