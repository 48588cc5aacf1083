"""GOV.UK Frontend styling for Django forms, in one place: classes, error states and hint wiring."""

import datetime

from django import forms
from django.contrib.auth import forms as auth_forms

from governance import throttling

WIDGET_CLASSES = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
    forms.CheckboxInput: "govuk-checkboxes__input",
    forms.RadioSelect: "govuk-radios__input",
    forms.CheckboxSelectMultiple: "govuk-checkboxes__input",
}


class GovukFormMixin:
    """Adds GOV.UK classes to widgets, and error classes and aria-describedby once the form is bound."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, GovukDateWidget):
                continue  # its boxes carry their own classes
            css = next((c for cls, c in WIDGET_CLASSES.items() if isinstance(widget, cls)), "govuk-input")
            widget.attrs["class"] = " ".join(filter(None, [widget.attrs.get("class"), css]))
            # Django's auth forms autofocus their first field, which puts a keyboard or screen reader user
            # past the skip link and the page's heading and introduction: GOV.UK advises against it.
            widget.attrs.pop("autofocus", None)
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}-hint"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            if isinstance(widget, GovukDateWidget):
                continue
            error_class = {"govuk-textarea": "govuk-textarea--error", "govuk-select": "govuk-select--error",
                           "govuk-input": "govuk-input--error", "govuk-file-upload": "govuk-file-upload--error"}
            for base, modifier in error_class.items():
                if base in widget.attrs.get("class", "").split() and modifier not in widget.attrs["class"]:
                    widget.attrs["class"] += f" {modifier}"
            described = [f"id_{self.add_prefix(name)}-error"]
            if self.fields[name].help_text:
                described.insert(0, f"id_{self.add_prefix(name)}-hint")
            widget.attrs["aria-describedby"] = " ".join(described)


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes, as the GOV.UK date input pattern asks (no native date picker)."""

    template_name = "includes/widgets/date_input.html"

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric", "class": "govuk-input govuk-date-input__input"}
        super().__init__([forms.TextInput(attrs=box | {"class": box["class"] + " govuk-input--width-2"}),
                          forms.TextInput(attrs=box | {"class": box["class"] + " govuk-input--width-2"}),
                          forms.TextInput(attrs=box | {"class": box["class"] + " govuk-input--width-4"})], attrs)

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for sub, label in zip(context["widget"]["subwidgets"], ("Day", "Month", "Year"), strict=True):
            sub["label"] = label
        return context


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget

    def __init__(self, **kwargs):
        fields = (forms.IntegerField(), forms.IntegerField(), forms.IntegerField())
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or all(v in (None, "") for v in data_list):
            return None
        if any(v in (None, "") for v in data_list):
            raise forms.ValidationError("Enter a day, a month and a year", code="incomplete")
        day, month, year = data_list
        try:
            return datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):  # OverflowError: a number too big for a date part
            raise forms.ValidationError("Enter a real date, for example 27 3 2026", code="invalid") from None


class SignInForm(GovukFormMixin, auth_forms.AuthenticationForm):
    pass


class PasswordResetForm(GovukFormMixin, auth_forms.PasswordResetForm):
    def save(self, *, request=None, **kwargs):
        """Send the reset email unless the email address or the requester's address has asked too often
        (governance.throttling). Either way the same "check your email" page follows: saying "too many" would
        tell a stranger that the address is one people use."""
        address = throttling.client_address(request) if request is not None else None
        if throttling.allow_password_reset(email=self.cleaned_data["email"], address=address):
            super().save(request=request, **kwargs)


class SetPasswordForm(GovukFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(GovukFormMixin, auth_forms.PasswordChangeForm):
    pass


class GovukFilterForm(GovukFormMixin, forms.Form):
    """The form class django-filter builds filter forms from, so filters look like the rest."""


def save_with_service(form, service, **kwargs) -> bool:
    """Call a service with a valid form's cleaned data plus `kwargs`; a rule it refuses (ValidationError) becomes
    the form's error, on its field where the form has one. True if the service saved."""
    try:
        service(**kwargs, **form.cleaned_data)
    except forms.ValidationError as error:
        if hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields):
            form.add_error(None, error)
        else:
            form.add_error(None, error.messages)
        return False
    return True
