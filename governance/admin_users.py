"""The users admin: an admin invites people to their own organisation; superusers administer everyone.

An organisation admin (the Admin role, not a superuser) sees and changes only the logins of their own organisation
(governance.visibility.administered), gives only the three roles, never sees or sets superuser status or single
permissions, and cannot change a superuser. Adding a user creates the login and its Person in one transaction
(governance.onboarding.add_user) and emails them a set-password link (governance.invitations.invite).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from .invitations import invite
from .models import ApiToken, Organisation, User
from .onboarding import ROLES, OneLoginPerEmailRule, add_user, normalise_email
from .tokens import deactivate_user
from .visibility import administered, own_organisations


def _names(users) -> str:
    return ", ".join(users)


class InviteUserForm(forms.ModelForm):
    """Who to invite. No password: they choose their own from the emailed link."""

    full_name = forms.CharField(max_length=150, help_text="As it should appear on plans and board papers.")
    email = forms.EmailField(help_text="They sign in with it, and the set-password link is sent to it.")
    job_title = forms.CharField(max_length=300, required=False)
    role = forms.ChoiceField(choices=[(r, r) for r in ROLES], widget=forms.RadioSelect,
                             help_text="Admin: administers the organisation (and signs in to this admin). Officer: "
                                       "updates the actions they lead. Board member: reads, changes nothing.")
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(),
                                          help_text="The organisation the person belongs to.")

    # Set by UserAdmin.get_form: the admin adding the user.
    added_by = None

    class Meta:
        model = User
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not (self.added_by and self.added_by.is_superuser):
            del self.fields["organisation"]  # an organisation admin adds people to their own organisation only

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        try:
            OneLoginPerEmailRule.check(email)
        except ValidationError as error:
            raise ValidationError(error.message_dict["email"]) from None
        return email

    def clean(self):
        cleaned = super().clean()
        if "organisation" not in self.fields:
            cleaned["organisation"] = Organisation.objects.filter(pk__in=own_organisations(self.added_by)).first()
            if cleaned["organisation"] is None:
                raise ValidationError("Your login belongs to no organisation, so it cannot add people: ask a "
                                      "superuser to link it to a person first")
        return cleaned

    def save_invited(self) -> User:
        data = self.cleaned_data
        return add_user(full_name=data["full_name"], email=data["email"], job_title=data.get("job_title", ""),
                        role=data["role"], organisation=data["organisation"])


class UserAdmin(DjangoUserAdmin):
    add_form = InviteUserForm
    add_form_template = "admin/governance/user/add_form.html"
    add_fieldsets = ((None, {"fields": ("full_name", "email", "job_title", "role", "organisation")}),)
    list_display = ["username", "email", "first_name", "last_name", "organisation", "is_staff", "is_active",
                    "group_names"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    actions = ["send_set_password_link", "deactivate_selected"]

    # What an organisation admin sees on the change form: no superuser status, staff status (it follows the
    # Admin role) or single permissions.
    organisation_admin_fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Role", {"fields": ("is_active", "groups")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another organisation's login is not found, like one that never existed (never a redirect or a 403).
        from django.http import Http404

        raise Http404(f"No user with the id {object_id!r}.")

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("person__organisation").prefetch_related("groups")
        return administered(queryset, request.user)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            fields = [f for f in self.add_fieldsets[0][1]["fields"]
                      if f != "organisation" or request.user.is_superuser]
            return ((None, {"fields": fields}),)
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.organisation_admin_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return ["last_login", "date_joined"]
        return super().get_readonly_fields(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            form = type(form.__name__, (form,), {"added_by": request.user})
        return form

    def get_list_filter(self, request):
        return self.list_filter if request.user.is_superuser else ["is_active", "groups"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=ROLES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="Roles")
    def group_names(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    @admin.display(description="Organisation", ordering="person__organisation__name")
    def organisation(self, obj):
        person = getattr(obj, "person", None)
        return person.organisation if person else "-"

    # Saving -------------------------------------------------------------------------------------------------

    def save_form(self, request, form, change):
        if change:
            return super().save_form(request, form, change)
        return form.save_invited()  # the login and its Person, saved in one transaction

    def save_model(self, request, obj, form, change):
        if not change:
            return  # saved by save_form
        if not request.user.is_superuser:
            obj.is_staff = any(group.name == "Admin" for group in form.cleaned_data.get("groups", []))
        deactivating = "is_active" in form.changed_data and not obj.is_active
        live_tokens = ApiToken.objects.filter(user=obj, revoked_at__isnull=True).count() if deactivating else 0
        super().save_model(request, obj, form, change)  # governance.access ends the sessions and revokes tokens
        if deactivating:
            self.message_user(request, f"{obj} is deactivated: their sessions have ended and "
                                       f"{live_tokens} API token{'s' if live_tokens != 1 else ''} revoked.")

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def response_add(self, request, obj, post_url_continue=None):
        # Still inside the add view's transaction: if the email cannot be sent, nothing is saved.
        invite(obj, invited_by=request.user)
        self.message_user(request, f"A link to set their password was emailed to {obj.email}.", messages.SUCCESS)
        return super().response_add(request, obj, post_url_continue)

    # Actions -------------------------------------------------------------------------------------------------

    @admin.action(description="Send a set-password link", permissions=["change"])
    def send_set_password_link(self, request, queryset):
        sent, refused = [], []
        for user in queryset:
            try:
                invite(user, invited_by=request.user)
            except ValidationError as error:
                refused.append(error.messages[0])
            else:
                sent.append(user.email)
        if sent:
            self.message_user(request, f"A set-password link was emailed to {_names(sent)}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, f"Not sent: {reason}.", messages.WARNING)

    @admin.action(description="Deactivate the selected users", permissions=["change"])
    def deactivate_selected(self, request, queryset):
        done, skipped = [], []
        for user in queryset.filter(is_active=True):
            if user.pk == request.user.pk or (user.is_superuser and not request.user.is_superuser):
                skipped.append(user.get_username())
                continue
            deactivate_user(user=user)  # saving it inactive ends its sessions and revokes its tokens
            done.append(user.get_username())
        if done:
            self.message_user(request, f"Deactivated, their sessions ended and API tokens revoked: {_names(done)}.",
                              messages.SUCCESS)
        if skipped:
            self.message_user(request, f"Not deactivated (yourself, or a superuser): {_names(skipped)}.",
                              messages.WARNING)
