from django import forms
from django.conf import settings

from governance.models import Organisation
from inspections.models import Inspection

from .imports import COLUMNS, format_size


class PlanImportForm(forms.Form):
    """The admin's spreadsheet upload: the file, the inspection its codes refer to, and a dry run.

    The import is for the user's own organisation: the inspections offered are those they administer, and
    only a superuser (who administers every organisation) is offered the organisation to import for.
    """

    file = forms.FileField(
        label="Spreadsheet",
        help_text=f"An .xlsx or .csv file of at most {format_size(settings.IMPORT_MAX_BYTES)}, one row per "
        f"action, with a header row naming the columns: {', '.join(COLUMNS)}.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    inspection = forms.ModelChoiceField(
        queryset=Inspection.objects.none(),
        required=False,
        help_text="Needed when the codes column is filled in: the codes are this inspection's recommendations.",
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        help_text="Who owns the plan: it is matched by title and version among this organisation's plans, and "
        "a new plan belongs to it. Left blank, the inspection's organisation or the only one.",
    )
    dry_run = forms.BooleanField(
        label="Dry run: check the file and show what would change, without saving anything",
        required=False,
        initial=True,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = Inspection.objects.administered_by(user).order_by("-published", "title")
        if user.is_superuser:
            self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        else:
            del self.fields["organisation"]
