"""The plan and what hangs off it (plan.py), and the measures that show its impact (measures.py)."""

from .measures import ImpactAssessment, Measure, MeasureValue
from .plan import (
    Action,
    EditConflict,
    Milestone,
    Objective,
    Person,
    Plan,
    PlanShare,
    ProgressUpdate,
    Theme,
    ThemeRecommendation,
)

__all__ = [
    "Action", "EditConflict", "ImpactAssessment", "Measure", "MeasureValue", "Milestone", "Objective", "Person",
    "Plan", "PlanShare", "ProgressUpdate", "Theme", "ThemeRecommendation",
]
