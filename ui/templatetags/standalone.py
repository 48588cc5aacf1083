"""For pages rendered with no request and no context processors (templates/500.html and 400.html)."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def service_name():
    """The service's name, from the settings alone: no database, no request."""
    return settings.SERVICE_NAME
