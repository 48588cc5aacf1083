from django.apps import AppConfig


class UiConfig(AppConfig):
    """The pieces every app's pages share: GOV.UK form helpers, the SVG chart helper, the base table."""

    name = "ui"
    verbose_name = "Shared page components"
