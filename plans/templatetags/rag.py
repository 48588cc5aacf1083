from django import template
from django.utils.html import format_html

from plans import rag as rag_scale

register = template.Library()


# Five ratings, five tags: made once (a dashboard prints hundreds).
_TAGS = {rating: format_html('<strong class="govuk-tag {} app-rag-tag">{}</strong>', rag_scale.TAG_CLASSES[rating],
                             rating.label) for rating in rag_scale.RAG}


@register.simple_tag
def rag_tag(value):
    """A GOV.UK tag with the rating's word and colour: never colour alone."""
    return _TAGS[rag_scale.RAG(value or rag_scale.RAG.NOT_RATED)]


@register.filter
def rag_meaning(value, organisation=None):
    """The rating's meaning in the words of `organisation` (the owner of the plan shown, or the signed-in
    user's: `{{ value|rag_meaning:user_organisation }}`); the product's default where there is none."""
    rating = rag_scale.RAG(value or rag_scale.RAG.NOT_RATED)
    if not organisation:  # None, or "" for a variable missing from the context
        return rag_scale.MEANINGS[rating]
    return organisation.rag_meanings()[rating]
