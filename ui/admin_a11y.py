"""What the Django admin's own forms lack for WCAG 2.2 AA, done on the server where it can be (the rest is
templates/admin/ and ui/static/ui/admin.css and admin-a11y.js)."""

from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.forms import MultiWidget


def label_tabular_fields(formset_class):
    """The formset class, its forms' fields named for assistive technology. A tabular inline prints each
    field's label once, as its column's heading, so the boxes in its rows had no name at all (axe "label" and
    "select-name", WCAG 1.3.1 and 4.1.2): each now carries its label as aria-label, the heading's own words
    (2.5.3 Label in name). The row's "Delete?" box is added by the formset, so it is named here too."""

    class Labelled(formset_class):
        def add_fields(self, form, index):
            super().add_fields(form, index)
            for field in form.fields.values():
                widget = field.widget
                if isinstance(widget, RelatedFieldWidgetWrapper):
                    # The wrapper's attrs are its original widget's, not the copy this form renders.
                    widget = widget.widget
                # A date-and-time pair labels its two boxes itself (templates/admin/widgets/split_datetime.html).
                if widget.is_hidden or isinstance(widget, MultiWidget) or field.label is None:
                    continue
                widget.attrs.setdefault("aria-label", str(field.label))

    Labelled.__name__ = Labelled.__qualname__ = formset_class.__name__
    return Labelled
