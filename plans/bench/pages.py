"""The pages the benchmark times (issue 15), named by their URL names, for organisation 0 of the data set."""

import datetime

from django.urls import reverse
from django.utils import timezone

from plans.models import Action

from .timing import BASELINE, EXPORT, PDF, WORD, Page

REGISTER = "plans:register"
ADMIN = "admin:plans_action_changelist"
EXPORT_PAGE = "plans:register_csv"
PDF_PAGE = "governance:report_pdf"
# The pages timed again at four times the organisations: one council's pages must not slow as others join.
GROWTH = ["plans:dashboard", REGISTER, "plans:action"]
# Every page key_pages() times, in its order (known before the data set is built, to check --skip).
NAMES = ["plans:dashboard", "plans:dashboard?as_at", REGISTER, ADMIN, "plans:register?filtered",
         "plans:register?search", EXPORT_PAGE, "inspections:tracker", "plans:vital_signs", "governance:report",
         PDF_PAGE, "governance:report_docx", "plans:position_feed", "plans:my_actions", "plans:action", "plans:update"]
# The pages the summary cannot do without (--skip refuses them).
NEEDED = [ADMIN, EXPORT_PAGE, PDF_PAGE, *GROWTH]


def key_pages(info) -> list[Page]:
    """Every key page, then the admin changelist straight after the register so their runs alternate."""
    today = timezone.localdate()
    as_at = today - datetime.timedelta(days=365)
    compare = as_at - datetime.timedelta(days=91)
    plan, meeting = info.plan, info.meeting
    post_url = reverse("plans:update", args=[info.post_action.pk])

    def progress_form():
        # The action's version as it stands: each POST is a valid update, never a stale-form conflict.
        version = Action.objects.values_list("version", flat=True).get(pk=info.post_action.pk)
        return {"version": version, "rag": "amber", "narrative": "Bench update: recruitment is behind plan.",
                "mitigation": "Agency cover agreed until the new starters arrive.", "next_steps": "Report in May."}

    timed = [
        Page("plans:dashboard", reverse("plans:dashboard", args=[plan.slug])),
        Page("plans:dashboard?as_at", reverse("plans:dashboard", args=[plan.slug])
             + f"?as_at={as_at:%Y-%m-%d}&compare={compare:%Y-%m-%d}"),
        Page(REGISTER, reverse(REGISTER)),
        Page(ADMIN, reverse(ADMIN), kind=BASELINE),
        Page("plans:register?filtered", reverse(REGISTER) + f"?plan={plan.slug}&rag=amber"),
        Page("plans:register?search", reverse(REGISTER) + f"?search={info.search_term}"),
        Page(EXPORT_PAGE, reverse(EXPORT_PAGE), kind=EXPORT),
        Page("inspections:tracker", reverse("inspections:tracker", args=[info.inspection.slug])),
        Page("plans:vital_signs", reverse("plans:vital_signs", args=[plan.slug])),
        Page("governance:report", reverse("governance:report", args=[meeting.pk])),
        Page(PDF_PAGE, reverse(PDF_PAGE, args=[meeting.pk]), kind=PDF),
        Page("governance:report_docx", reverse("governance:report_docx", args=[meeting.pk]), kind=WORD),
        Page("plans:position_feed", reverse("plans:position_feed", args=[plan.slug])),
        Page("plans:my_actions", reverse("plans:my_actions")),
        Page("plans:action", reverse("plans:action", args=[info.action.pk])),
        Page("plans:update", post_url, method="post", data=progress_form, expect=302,
             expect_location=reverse("plans:action", args=[info.post_action.pk])),
    ]
    assert [page.name for page in timed] == NAMES, "pages.NAMES must list key_pages() in order"
    return timed
