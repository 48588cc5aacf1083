"""Plan pages, one module per kind of page; urls.py imports the modules it routes to."""

from .actions import action_detail, approve, export, home, my_actions, plan_detail, update_progress
from .themes import record_impact, theme_detail

__all__ = ["action_detail", "approve", "export", "home", "my_actions", "plan_detail", "update_progress",
           "record_impact", "theme_detail"]
