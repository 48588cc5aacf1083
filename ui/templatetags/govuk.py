from django import template

register = template.Library()


@register.filter
def error_anchor(field):
    """The id an error summary link jumps to: the field's input, or the first option of radios and checkboxes
    (which have no single input; GOV.UK links to the first)."""
    return field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else "")
