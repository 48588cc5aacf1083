"""Forms for measures: the Vital Signs "as at" date and entering a measure's value."""

from django import forms
from django.utils import timezone

from ui.forms import GovukDateField, GovukFormMixin

from .measure_imports import parse_figure
from .models import Measure, MeasureValue


class AsAtForm(GovukFormMixin, forms.Form):
    """?as_at=YYYY-MM-DD: the day a report shows the position at (end of that London day)."""

    as_at = forms.DateField(
        label="Show the position at", required=False, input_formats=["%Y-%m-%d"],
        help_text="As YYYY-MM-DD, for example 2024-03-31. A value shows only if it had been entered by the end "
                  "of that day.",
        error_messages={"invalid": "Enter the date as YYYY-MM-DD, for example 2024-03-31"},
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10"}, format="%Y-%m-%d"),
    )

    def clean_as_at(self):
        day = self.cleaned_data["as_at"]
        if day and day > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future")
        return day


class FigureField(forms.CharField):
    """A number as people write it ("55", "55.5%", "1,234")."""

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return parse_figure(text)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class MeasureValueForm(GovukFormMixin, forms.Form):
    """One period's value of a measure. The rules live in plans.services (MeasureValueRule), shared with the
    admin and the import; this form only reads what was typed."""

    period_end = GovukDateField(
        label="Last day of the period", help_text="For example, 31 3 2025. Entering a period again corrects it.",
        error_messages={"required": "Enter the last day of the period the value is for"},
    )
    value = FigureField(label="Value", required=False, widget=forms.TextInput(attrs={"class": "govuk-input--width-10",
                                                                                    "inputmode": "decimal"}))
    status = forms.ChoiceField(label="Status", choices=MeasureValue.Status.choices, required=False,
                               widget=forms.RadioSelect)
    england = FigureField(label="England", required=False,
                          widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}))
    neighbours = FigureField(label="Statistical neighbours' average", required=False,
                             widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}))
    region = FigureField(label="Region", required=False,
                         widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "decimal"}))
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Anything a reader needs to know about this figure: a change of definition, "
                                     "a data quality issue.")

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        if measure.kind == Measure.Kind.QUALITATIVE:
            for name in ("value", "england", "neighbours", "region"):
                del self.fields[name]
            self.fields["status"].required = True
            self.fields["status"].error_messages["required"] = "Choose Met, Partly met or Not met"
        else:
            del self.fields["status"]
            unit = {Measure.Unit.PERCENT: "A percentage from 0 to 100, for example 55.5",
                    Measure.Unit.DAYS: "A number of days", Measure.Unit.RATE_10K: "A rate per 10,000 children"}
            self.fields["value"].required = True
            self.fields["value"].error_messages["required"] = "Enter the value, as a number"
            self.fields["value"].help_text = unit.get(measure.unit, measure.unit_label or "A number")
            self.fields["value"].widget.attrs["aria-describedby"] = "id_value-hint"

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.setdefault("status", "")
        return data
