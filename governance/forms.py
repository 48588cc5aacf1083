"""GOV.UK forms for the clerk's records. The rules live in governance.services; these only shape the input."""

from django import forms

from ui.forms import GovukDateField, GovukFormMixin

from .models import Attendance, LogItem


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, person):
        return f"{person.name}, {person.job_title}" if person.job_title else person.name


class AttendanceForm(GovukFormMixin, forms.Form):
    """One person's attendance. Recording the same person again corrects their record."""

    person = PersonChoiceField(queryset=None, label="Person", empty_label="Choose a person",
                               help_text="The board's members at the meeting are listed first.",
                               error_messages={"required": "Choose who attended or sent apologies"})
    status = forms.ChoiceField(label="Attendance", choices=Attendance.Status.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Choose present, in attendance, apologies or absent"})
    substitute_for = forms.CharField(label="Substituting for (optional)", required=False, max_length=200,
                                     help_text="The member they stood in for, as the minutes name them.")
    declarations = forms.CharField(label="Declarations of interest (optional)", required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text="As recorded in the minutes: the item and the interest.")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class LogItemForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(label="What is it?", choices=LogItem.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Choose decision, action or recommendation"})
    text = forms.CharField(label="What the meeting decided or asked for", widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "Enter what the meeting decided or asked for"})
    owner = PersonChoiceField(queryset=None, label="Owner (optional for a decision)", required=False,
                              empty_label="No one here",
                              help_text="Who will do it, or answer for it; needed for an action. "
                                        "The board's members at the meeting are listed first.")
    owner_as_text = forms.CharField(label="Or the owner's name, if not listed", required=False, max_length=200,
                                    help_text='For example "Executive Member for Children" or an organisation.')
    due_date = GovukDateField(label="Due date (optional)", required=False,
                              help_text="For example, 27 3 2026. On or after the meeting.")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people


class LogItemUpdateForm(GovukFormMixin, forms.Form):
    text = forms.CharField(label="What has happened?", widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "Say what has happened"})
    status = forms.ChoiceField(label="Status now", choices=LogItem.Status.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Choose open, done or dropped"})


class ResponseForm(GovukFormMixin, forms.Form):
    response = forms.CharField(label="The executive's response", widget=forms.Textarea(attrs={"rows": 5}),
                               error_messages={"required": "Enter the executive's response"})
    received_on = GovukDateField(label="Date received", help_text="For example, 27 3 2026.",
                                 error_messages={"required": "Enter the date the response was received"})
