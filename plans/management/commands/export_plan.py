from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.exports import FORMATS, export_plan
from plans.models import Plan


class Command(BaseCommand):
    help = (
        "Export a plan as xlsx or csv (the import_plan layout) or json (docs/export-json.md), to a file or "
        "to standard output."
    )

    def add_arguments(self, parser):
        parser.add_argument("plan_slug", metavar="PLAN_SLUG")
        parser.add_argument("--format", choices=FORMATS, required=True, dest="fmt")
        parser.add_argument("--output", metavar="FILE", help="Write here instead of to standard output.")

    def handle(self, *args, plan_slug, fmt, output=None, **options):
        plan = Plan.objects.filter(slug=plan_slug).first()
        if plan is None:
            raise CommandError(f'No plan has the slug "{plan_slug}".')
        data = export_plan(plan, fmt)
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"Wrote {plan} as {fmt} to {output} ({len(data)} bytes).")
            return
        binary = getattr(self.stdout, "buffer", None)  # OutputWrapper passes attributes to the real stream
        if binary is not None:
            if fmt == "xlsx" and self.stdout.isatty():
                raise CommandError("xlsx is binary: use --output FILE or redirect standard output to a file.")
            self.stdout.flush()
            binary.write(data)
            binary.flush()
        elif fmt == "xlsx":
            raise CommandError("xlsx is binary and this output takes text: use --output FILE.")
        else:
            self.stdout.write(data.decode("utf-8-sig" if fmt == "csv" else "utf-8"), ending="")
