"""Plan pages, one module per kind of page; urls.py imports the modules it routes to."""

from .actions import action_detail, export, home, my_actions, plan_detail, update_progress

__all__ = ["action_detail", "export", "home", "my_actions", "plan_detail", "update_progress"]
