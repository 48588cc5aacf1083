"""The Django admin, scoped by the one rule: a login administers what `governance.visibility.administered`
gives it (everything for a superuser, its own organisation's objects for an organisation admin, nothing for
anyone else).

Every ModelAdmin and inline of plans, inspections and governance mixes in `OrganisationScopedAdmin`, so:
- its changelist, change, delete and history pages and its autocomplete answers (Django's
  AutocompleteJsonView asks the target admin's get_queryset) hold only administered objects, and an object
  outside them answers 404, never 403 or "doesn't exist" (its existence does not leak);
- its list filters offer only values its own rows use, never every organisation's plans or boards;
- its foreign-key and many-to-many choices are what the user administers, plus what their own rows already
  point at (a partner's officer leading an action in a shared plan stays a valid lead), so a posted key of
  another organisation's object makes the form invalid;
- a slug is read-only for organisation admins and made on add from the fields that prepopulate it, so no
  "... with this Slug already exists." error ever names another council's slug.
"""

from django.contrib.admin import RelatedOnlyFieldListFilter, TabularInline
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.http import Http404

from plans.slugs import unique_slug
from ui.admin_a11y import label_tabular_fields

from .visibility import ORGANISATION_PATHS, administered


def administered_objects(model, user):
    """The objects of `model` the user administers, for any model the rule knows (managers or not)."""
    label = model._meta.label_lower
    if label not in ORGANISATION_PATHS:
        raise ImproperlyConfigured(f"{label} has no path to its organisation in governance.visibility."
                                   "ORGANISATION_PATHS, so the admin cannot scope it.")
    return administered(model._default_manager.all(), user)


class OrganisationScopedAdmin:
    """Mix into a ModelAdmin or an inline (before the Django class): the admin of what the user
    administers, by governance.visibility.administered. See the module docstring for what it scopes."""

    # get_queryset ------------------------------------------------------------------------------------

    def get_queryset(self, request):
        return administered(super().get_queryset(request), request.user)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index saying the object "doesn't exist"; one outside the user's
        # organisation is simply not found, like one that never existed.
        raise Http404(f"No {opts.verbose_name} with the id {object_id!r}.")

    def _404_unless_administered(self, request, object_id):
        """Django asks the model-level permission before it looks the object up, so a page the user may not
        use at all (deleting a pack) would answer 403: another organisation's object answers 404 first."""
        to_field = request.POST.get(TO_FIELD_VAR, request.GET.get(TO_FIELD_VAR))
        if to_field and not self.to_field_allowed(request, to_field):
            return  # Django refuses the field itself
        if self.get_object(request, unquote(object_id), to_field) is None:
            self._get_obj_does_not_exist_redirect(request, self.opts, object_id)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is not None:
            self._404_unless_administered(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._404_unless_administered(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    # Object permissions ------------------------------------------------------------------------------

    def administers(self, request, obj) -> bool:
        """The user administers `obj` (for an inline, `obj` is the parent). No object, or one still being
        added, leaves the question to the model-level permission. Answers are kept for the request."""
        user = request.user
        if obj is None or obj._state.adding or user.is_superuser:
            return True
        model = type(obj)
        answers = request.__dict__.setdefault("_administered_objects", {})
        key = (model._meta.label_lower, obj.pk)
        if key not in answers:
            found = administered_objects(model, user).filter(pk=obj.pk).exists()
            history = getattr(model._meta, "simple_history_manager_attribute", None)
            if not found and history:  # a deleted object's history: its last record says whose it was
                found = administered(getattr(model, history).filter(**{model._meta.pk.attname: obj.pk}),
                                     user).exists()
            answers[key] = found
        return answers[key]

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self.administers(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.administers(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.administers(request, obj)

    # Choices -----------------------------------------------------------------------------------------

    def get_field_queryset(self, db, db_field, request):
        """Foreign-key and many-to-many choices (and so what a posted key may be): what the user
        administers, and what the user's own rows of this model already point at."""
        queryset = super().get_field_queryset(db, db_field, request)
        user = request.user
        if user.is_superuser:
            return queryset
        related = db_field.remote_field.model
        if queryset is None:
            queryset = related._default_manager.using(db).all()
        rows = administered_objects(db_field.model, user)
        if db_field.many_to_many:
            in_use = Q(pk__in=rows.values(db_field.name))
        else:
            in_use = Q(**{f"{db_field.target_field.attname}__in": rows.values(db_field.attname)})
        return queryset.filter(Q(pk__in=administered_objects(related, user).values("pk")) | in_use)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and self._owned_directly() and not request.user.is_superuser:
            # An organisation admin's one organisation, chosen already: a new object is theirs.
            kwargs.setdefault("empty_label", None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _owned_directly(self) -> bool:
        return ORGANISATION_PATHS.get(self.model._meta.label_lower) == "organisation_id"

    def get_list_filter(self, request):
        """A filter on a related field lists only the values the user's own rows use."""
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation:
                entry = (entry, RelatedOnlyFieldListFilter)
            filters.append(entry)
        return filters

    def get_formset(self, request, obj=None, **kwargs):
        """An inline's formset (InlineModelAdmin only); a tabular one's fields are named for screen readers."""
        formset = super().get_formset(request, obj, **kwargs)
        return label_tabular_fields(formset) if isinstance(self, TabularInline) else formset

    # Slugs -------------------------------------------------------------------------------------------

    def _slug_sources(self, request):
        """The fields a slug is made from when the user may not type it: organisation admins never do."""
        if request.user.is_superuser:
            return None
        return self.prepopulated_fields.get("slug")

    def get_prepopulated_fields(self, request, obj=None):
        fields = dict(super().get_prepopulated_fields(request, obj))
        if self._slug_sources(request):
            fields.pop("slug")
        return fields

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._slug_sources(request) and "slug" not in fields:
            fields.append("slug")
        return fields

    def save_model(self, request, obj, form, change):
        sources = self._slug_sources(request)
        if sources and not change:
            text = " ".join(str(getattr(obj, name)) for name in sources if getattr(obj, name))
            obj.slug = unique_slug(type(obj), text, organisation=getattr(obj, "organisation", None))
        super().save_model(request, obj, form, change)


class ScopedHistoryAdmin(OrganisationScopedAdmin):
    """For a SimpleHistoryAdmin: its history lists and past versions are scoped too (mix in before it)."""

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        return administered(super().get_history_queryset(request, history_manager, pk_name, object_id),
                            request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history looks the version up unscoped; another organisation's is not found.
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        versions = history.filter(**{self.model._meta.pk.attname: object_id, "history_id": version_id})
        if not administered(versions, request.user).exists():
            raise Http404(f"No {self.model._meta.verbose_name} version {version_id!r}.")
        return super().history_form_view(request, object_id, version_id, extra_context)
