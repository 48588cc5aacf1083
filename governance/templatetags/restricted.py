"""`{% restricted_tag obj %}`: the GOV.UK tag that labels a restricted plan, measure, meeting, agenda item or
pack wherever it is shown (nothing for an open one). Words from governance.restricted."""

from django import template
from django.utils.html import format_html

from ..restricted import SHORT, paragraph_words

register = template.Library()


@register.simple_tag
def restricted_tag(obj):
    if not getattr(obj, "restricted", False):
        return ""
    return format_html('<strong class="govuk-tag govuk-tag--red app-restricted-tag">{} ({})</strong>', SHORT,
                       paragraph_words(obj.exemption_paragraph))


@register.filter
def restricted_label(obj) -> str:
    from ..restricted import label

    return label(obj)
