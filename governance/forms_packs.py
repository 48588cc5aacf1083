"""Forms for issuing a board pack and writing a meeting's decisions summary. Rules live in governance.packs."""

from django import forms

from ui.forms import GovukFormMixin

from .models import BoardPack

PARAGRAPHS = BoardPack._meta.get_field("exemption_paragraph").choices


class IssuePackForm(GovukFormMixin, forms.Form):
    based_on_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    reason = forms.CharField(
        label="Reason for issuing", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when a pack has been issued before: say what has changed. Kept with the new version.",
    )
    restricted = forms.BooleanField(
        label="Not for publication", required=False,
        help_text="Exempt information under Schedule 12A to the Local Government Act 1972.",
    )
    exemption_paragraph = forms.TypedChoiceField(
        label="Schedule 12A paragraph", required=False, coerce=int, empty_value=None,
        choices=[("", "Choose a paragraph")] + list(PARAGRAPHS),
        help_text="Needed when the pack is not for publication.",
    )

    def clean(self):
        data = super().clean()
        if data.get("restricted") and not data.get("exemption_paragraph"):
            self.add_error("exemption_paragraph", "Choose the paragraph of Schedule 12A that makes the pack exempt")
        return data


class DecisionsSummaryForm(GovukFormMixin, forms.Form):
    decisions_summary = forms.CharField(
        label="Summary of key decisions and actions", required=False, widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Published after the meeting, even when its papers are not: write nothing exempt here.",
    )
