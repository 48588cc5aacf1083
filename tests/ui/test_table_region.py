"""{% table_region %}: a table scrolls sideways inside its own focusable region, named by its caption or a label."""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError


def render(body, **context):
    return Template("{% load table_region %}" + body).render(Context(context))


def region(html):
    return re.match(r'<div class="app-table-container" tabindex="0" role="region" (aria-[a-z]+)="([^"]*)">', html)


def test_the_region_is_named_by_the_tables_caption_which_gets_an_id():
    html = render("{% table_region %}<table><caption class='x'>Actions of strand 1</caption></table>{% endtable_region %}")
    attribute, caption_id = region(html).groups()
    assert attribute == "aria-labelledby"
    assert f'<caption id="{caption_id}" class=\'x\'>Actions of strand 1</caption>' in html
    assert html.endswith("</table></div>")


def test_a_caption_that_has_an_id_keeps_it():
    html = render('{% table_region %}<table><caption id="mine">Seats</caption></table>{% endtable_region %}')
    assert region(html).groups() == ("aria-labelledby", "mine")
    assert html.count('id="mine"') == 1


def test_two_tables_get_two_different_ids():
    body = "{% table_region %}<table><caption>A</caption></table>{% endtable_region %}"
    assert region(render(body)).group(2) != region(render(body)).group(2)


def test_only_the_outer_tables_caption_names_the_region():
    html = render("{% table_region %}<table><caption>Outer</caption><tr><td><table><caption>Inner</caption></table>"
                  "</td></tr></table>{% endtable_region %}")
    caption_id = region(html).group(2)
    assert f'<caption id="{caption_id}">Outer' in html and "<caption>Inner" in html


def test_a_table_without_a_caption_is_named_by_the_label_escaped():
    html = render("{% table_region name %}<table><tr><td>1</td></tr></table>{% endtable_region %}", name="Plans & <b>")
    assert region(html).groups() == ("aria-label", "Plans &amp; &lt;b&gt;")


def test_a_table_with_neither_caption_nor_label_is_refused():
    with pytest.raises(TemplateSyntaxError, match="caption"):
        render("{% table_region missing %}<table><tr><td>1</td></tr></table>{% endtable_region %}")


def test_more_than_one_argument_is_refused():
    with pytest.raises(TemplateSyntaxError, match="at most one argument"):
        render('{% table_region "a" "b" %}<table></table>{% endtable_region %}')
