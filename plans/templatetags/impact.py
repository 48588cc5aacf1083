from django import template

from plans import impact

register = template.Library()


@register.filter
def impact_label(value):
    """The impact level's word ("Emerging"); "Not assessed" when a theme has no assessment yet."""
    return impact.Level(value).label if value else "Not assessed"


@register.filter
def impact_meaning(value):
    return impact.level_meaning(value) if value else "No impact assessment has been recorded for this theme yet."

