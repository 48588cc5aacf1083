from django import forms

from ui.forms import GovukDateField, GovukFormMixin

from .rag import RAG


class ProgressForm(GovukFormMixin, forms.Form):
    """An officer's progress update. The rules (honest Green, explain Red/Amber, evidence for Blue, a
    reason to move the due date) live in plans.services so the admin, imports and this form share them."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    rag = forms.ChoiceField(
        label="Rating", choices=[c for c in RAG.choices if c[0] != RAG.NOT_RATED], widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating"},
    )
    narrative = forms.CharField(
        label="What progress has been made?", widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Say what has changed since the last update and who is better off because of it.",
        error_messages={"required": "Describe the progress made"},
    )
    next_steps = forms.CharField(label="Next steps", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    mitigation = forms.CharField(
        label="What is being done about it?", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for Red and Amber: the mitigation in hand, and who is doing it.",
    )
    revised_due_date = GovukDateField(
        label="When will it now be delivered?", required=False,
        help_text="For Red and Amber, if the due date will be missed. For example, 27 3 2027. "
                  "Shown to the board as slippage; the due date itself does not change.",
    )
    evidence = forms.CharField(
        label="Evidence that the outcome was achieved", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed for Blue (complete): what shows the outcome, with links to documents, one per line.",
    )
    new_due_date = GovukDateField(
        label="New due date", required=False,
        help_text="Only if the board has agreed to move the due date. For example, 27 3 2027.",
    )
    due_date_reason = forms.CharField(
        label="Reason for moving the due date", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the action's history.",
    )
    applies_from = GovukDateField(
        label="Applies from (optional)", required=False,
        help_text="Only for an update entered late: the day the rating applied from, for example 27 3 2027. "
                  "Leave blank for today. Issued board packs keep what they showed; the live report says what changed.",
    )


class MilestoneOutcomeForm(GovukFormMixin, forms.Form):
    """Achieved or missed, on a day, with a note. The rules are plans.services.MilestoneOutcomeRule."""

    outcome = forms.ChoiceField(
        label="Was the milestone achieved?",
        choices=[("achieved", "Achieved"), ("missed", "Missed")], widget=forms.RadioSelect,
        error_messages={"required": "Choose achieved or missed"},
    )
    on = GovukDateField(label="On what date?", help_text="For example, 27 3 2026.",
                        error_messages={"required": "Enter the date it was achieved or missed"})
    note = forms.CharField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What shows it was achieved; if missed, why, and what happens now (needed when missed).",
    )
