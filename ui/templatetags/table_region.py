"""`{% table_region %}<table>...</table>{% endtable_region %}`: a table that scrolls sideways inside its own
focusable, labelled region, so that at 320 CSS pixels the page itself never does (WCAG 1.4.10 Reflow).

The region is named by the table's caption (aria-labelledby; the caption is given an id if it has none), or by
the label passed when the table has no caption: `{% table_region table.region_label %}`. A table with neither
is refused when rendered, so an unnamed region cannot reach a page. Keyboard users scroll it once focused
(tabindex="0"); the CSS is `.app-table-container` in frontend/app.scss.
"""

import itertools
import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_ids = itertools.count(1)
_CAPTION = re.compile(r"<caption\b([^>]*)>", re.IGNORECASE)
_ID = re.compile(r"""\bid=["']([^"']+)["']""")


class TableRegionNode(template.Node):
    def __init__(self, nodelist, label):
        self.nodelist, self.label = nodelist, label

    def render(self, context):
        html = self.nodelist.render(context)
        caption = _CAPTION.search(html)
        if caption:
            found = _ID.search(caption.group(1))
            caption_id = found.group(1) if found else f"table-caption-{next(_ids)}"
            if not found:
                html = f'{html[:caption.start()]}<caption id="{caption_id}"{caption.group(1)}>{html[caption.end():]}'
            return format_html('<div class="app-table-container" tabindex="0" role="region" aria-labelledby="{}">{}</div>',
                               caption_id, mark_safe(html))
        label = self.label.resolve(context) if self.label else ""
        if not label:
            raise template.TemplateSyntaxError("table_region wraps a table with a <caption>, or is given a label")
        return format_html('<div class="app-table-container" tabindex="0" role="region" aria-label="{}">{}</div>',
                           label, mark_safe(html))


@register.tag
def table_region(parser, token):
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("table_region takes at most one argument: the label for a table without a caption")
    nodelist = parser.parse(("endtable_region",))
    parser.delete_first_token()
    return TableRegionNode(nodelist, parser.compile_filter(bits[1]) if len(bits) == 2 else None)
