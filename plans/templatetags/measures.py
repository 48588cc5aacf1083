from django import template

from plans import measures as rules

register = template.Library()


@register.simple_tag
def measure_rating_tag(value):
    """A measure's rating (a MeasureRating or its value) as a GOV.UK tag: word and colour, grey for No target."""
    return rules.rating_tag_html(value)


@register.simple_tag
def direction(value):
    """A direction of travel (a Direction or its code) as an arrow and its word."""
    return rules.direction_html(value)


@register.simple_tag
def measure_value(measure, value=None, status=""):
    """A figure with its unit, or a qualitative status word."""
    return rules.format_value(measure, value, status or "")
