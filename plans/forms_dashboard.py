"""The dashboard's dates: the GOV.UK date input form, and the same checks for the canonical ?as_at=&compare=."""

import datetime

from django import forms

from ui.forms import GovukDateField, GovukFormMixin

ISO = "%Y-%m-%d"
LABELS = {"as_at": "as-at date", "compare": "compared-with date"}
INCOMPLETE = "Enter a day, a month and a year"
# Earlier than any plan the service holds; also keeps date arithmetic (28 days earlier) far from year 1.
EARLIEST = datetime.date(2000, 1, 1)


class DashboardDatesForm(GovukFormMixin, forms.Form):
    """Both dates are optional (blank takes the default). Bound either to the date boxes the reader typed, or
    (from_query) to the canonical URL's ISO dates, so both paths share one set of checks and messages."""

    as_at = GovukDateField(label="Figures as at", required=False, error_messages={"incomplete": INCOMPLETE},
                           help_text="The end of this day, London time. For example, 27 3 2026")
    compare = GovukDateField(label="Compared with", required=False, error_messages={"incomplete": INCOMPLETE},
                             help_text="Leave blank to compare with the board's previous meeting")

    def __init__(self, *args, today: datetime.date, default_as_at: datetime.date, unreadable=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.default_as_at, self.unreadable = today, default_as_at, tuple(unreadable)

    @classmethod
    def from_query(cls, query, **kwargs):
        """Bind the canonical ?as_at=YYYY-MM-DD&compare=YYYY-MM-DD; a value that is not such a date is an error."""
        data, unreadable = {}, []
        for name in ("as_at", "compare"):
            raw = query.get(name, "").strip()
            if not raw:
                continue
            try:
                day = datetime.datetime.strptime(raw, ISO).date()
            except ValueError:
                unreadable.append(name)
                continue
            data.update({f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)})
        return cls(data, unreadable=unreadable, **kwargs)

    @staticmethod
    def is_submission(query) -> bool:
        """True when the query holds the date boxes (the form was sent), not the canonical dates."""
        return any(key.startswith(("as_at_", "compare_")) for key in query)

    def clean(self):
        cleaned = super().clean()
        for name in self.unreadable:
            self.add_error(name, f"Enter the {LABELS[name]} as a real date in the form YYYY-MM-DD, for example 2026-03-27")
        as_at, compare = cleaned.get("as_at"), cleaned.get("compare")
        for name, day in (("as_at", as_at), ("compare", compare)):
            if day and day < EARLIEST:
                self.add_error(name, f"The {LABELS[name]} must be on or after {EARLIEST:%-d %B %Y}")
                return cleaned
        if as_at and as_at > self.today:
            self.add_error("as_at", f"The as-at date must be today ({self.today:%-d %B %Y}) or earlier: "
                                    "a position in the future is not known yet")
            return cleaned
        if compare and compare > self.today:
            self.add_error("compare", "The compared-with date must be today or earlier")
        elif compare and compare > (as_at or self.default_as_at):
            self.add_error("compare", "The compared-with date must be on or before the as-at date "
                                      f"({as_at or self.default_as_at:%-d %B %Y})")
        return cleaned

    def query_string(self) -> str:
        """The canonical query for the valid dates (blank ones left out: they take their defaults)."""
        parts = [f"{name}={self.cleaned_data[name]:{ISO}}" for name in ("as_at", "compare") if self.cleaned_data.get(name)]
        return "?" + "&".join(parts) if parts else ""
