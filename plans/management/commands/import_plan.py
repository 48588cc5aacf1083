from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from governance.models import Organisation
from inspections.models import Inspection
from plans.imports import PlanImportError, import_plan, read_spreadsheet


class Command(BaseCommand):
    help = (
        "Create or update a plan from an .xlsx or .csv spreadsheet, one row per action (columns: plan, version, "
        "theme, theme_title, objective, objective_text, action, activity, desired_outcome, timeline, due_date, "
        "lead, codes, rag, progress_update). Every row is checked first: any error writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument(
            "--inspection", metavar="ID_OR_SLUG", help="The inspection whose recommendations the codes column names."
        )
        parser.add_argument(
            "--organisation", metavar="SLUG",
            help="The organisation the plan belongs to: its plans are matched and its people taken as leads, and "
            "an inspection of another organisation is refused (default: the inspection's, else the only one).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check and count, then write nothing.")

    def handle(self, *args, file, inspection=None, organisation=None, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        chosen_inspection = self.get_inspection(inspection) if inspection else None
        chosen_organisation = None
        if organisation:
            chosen_organisation = Organisation.objects.filter(slug=organisation).first()
            if chosen_organisation is None:
                raise CommandError(f'No organisation has the slug "{organisation}".')
        try:
            with path.open("rb") as file_obj:
                rows = read_spreadsheet(file_obj, path.name)
            result = import_plan(
                rows=rows, inspection=chosen_inspection, organisation=chosen_organisation, dry_run=dry_run
            )
        except PlanImportError as error:
            raise CommandError(error.report(path.name)) from None
        for line in result.summary_lines():
            self.stdout.write(line)

    def get_inspection(self, value: str) -> Inspection:
        inspections = Inspection.objects.filter(pk=int(value)) if value.isdigit() else Inspection.objects.filter(
            slug=value
        )
        inspection = inspections.first()
        if inspection is None:
            raise CommandError(f'No inspection has the id or slug "{value}".')
        return inspection
