"""The theme impact assessment form. The rules (evidence cited, Sustained needs a measure Green twice, only the
theme's own measures) live in plans.impact and plans.services, so the form, the demo and tests share them."""

from django import forms
from django.utils import timezone

from ui.forms import GovukDateField, GovukFormMixin

from .models import ImpactAssessment


class MeasuresField(forms.ModelMultipleChoiceField):
    """The cited measures, by primary key. A key no database integer can hold is an invalid choice here: passed
    on to the `__in` lookup it raised OverflowError (SQLite) or DataError (PostgreSQL), a 500."""

    BIGGEST = 2**63 - 1

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(str(pk))
            except (TypeError, ValueError):
                continue  # the parent's own check names it as not a valid value
            if abs(number) > self.BIGGEST:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                            params={"value": pk})
        return super()._check_values(value)


class ImpactAssessmentForm(GovukFormMixin, forms.Form):
    level = forms.ChoiceField(
        label="How far is the intended impact for children evidenced?", choices=ImpactAssessment.Level.choices,
        widget=forms.RadioSelect, error_messages={"required": "Choose how far the impact is evidenced"},
    )
    assessed_on = GovukDateField(
        label="Date of the assessment", help_text="The day the evidence was reviewed. For example, 27 3 2026.",
        error_messages={"required": "Enter the date of the assessment"},
    )
    rationale = forms.CharField(
        label="Why this level?", widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the evidence shows about children's lives: who is better off, and how you know.",
        error_messages={"required": "Say why: what the evidence shows about children's lives"},
    )
    measures = MeasuresField(
        label="Measures cited", queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="From this theme's own measures. Sustained needs at least one that has been Green for its "
                  "last two values.",
    )
    practice_findings = forms.CharField(
        label="Audit or practice findings", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, what a case file audit or a practice week found. Name the audit and its date.",
    )
    voices = forms.CharField(
        label="Children's and families' views", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What children, young people and families have said, and where (surveys, the Children in "
                  "Care Council, feedback to workers).",
    )

    def __init__(self, *args, measures, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("assessed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["measures"].queryset = measures
