from django.apps import AppConfig


class UiConfig(AppConfig):
    """The pieces every app's pages share: GOV.UK form helpers, the SVG chart helper, the base table."""

    name = "ui"
    verbose_name = "Shared page components"

    def ready(self):
        from . import middleware  # noqa: F401  (connects the sign-in receiver that starts a session's slide)
