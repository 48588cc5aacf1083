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


@register.simple_tag
def measure_rating_tag(rating):
    """A measure's rating as a tag with its word: the RAG colours, grey for "No target"."""
    from django.utils.html import format_html

    from plans.measures import MeasureRating
    from plans.rag import RAG, TAG_CLASSES

    colour = TAG_CLASSES[RAG.NOT_RATED] if rating is MeasureRating.NO_TARGET else TAG_CLASSES[RAG(rating.value)]
    return format_html('<strong class="govuk-tag {} app-rag-tag">{}</strong>', colour, rating.label)
