import gc
import weakref

import pytest
from django.template import engines
from django.urls import reverse


class Thing:
    def __str__(self):
        return "a thing"


def _rendered_and_freed(render) -> tuple[str, bool]:
    """Render with a Thing in the context, with the cyclic collector off: is the Thing freed when rendering ends?"""
    thing = Thing()
    gone = weakref.ref(thing)
    gc.collect()
    gc.disable()
    try:
        html = render(thing)
        del thing
        return html, gone() is None
    finally:
        gc.enable()


def test_a_page_context_is_freed_when_rendered_not_left_to_the_cyclic_collector(rf):
    html, freed = _rendered_and_freed(lambda thing: engines["django"].from_string("{{ thing }}").render(
        {"thing": thing}, request=rf.get("/")))  # a RequestContext: a page's
    assert html == "a thing" and freed


@pytest.mark.django_db
def test_the_test_client_still_sees_the_context(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200 and response.context is not None and "form" in response.context
