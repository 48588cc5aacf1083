"""The position feed for data teams (Power BI, Excel): JSON, or CSV with ?format=csv.

Reached with a session or a personal API token (governance.middleware.BearerTokenMiddleware); answers
only what the user may see, and errors as JSON so a client never parses a sign-in page.
"""

import csv
import io
import json

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from governance import audit

from ..feed import BadDate, csv_rows, parse_as_at, position
from ..models import Plan

FORMATS = ("json", "csv")


@require_GET
def position_feed(request, slug):
    """Queries: the plan, its themes, its actions as at the day (plus the token's lookup and last-use update)."""
    fmt = request.GET.get("format", "json")
    if fmt not in FORMATS:
        return JsonResponse({"error": f"format must be json or csv, not {fmt!r}"}, status=400)
    try:
        day = parse_as_at(request.GET.get("as_at"), timezone.localdate())
    except BadDate as bad:
        return JsonResponse({"error": str(bad)}, status=400)
    plan = Plan.objects.visible_to(request.user).filter(slug=slug).first()
    if plan is None:
        return JsonResponse({"error": f"There is no plan {slug!r} that you may see"}, status=404)
    document = position(plan, day, request.user)
    token = getattr(request, "api_token", None)
    audit.record("feed_called", obj=plan, request=request,
                 detail=f"Position as {fmt.upper()} as at {day.isoformat()}"
                        + (f" with the token {token.name!r} ({token.prefix})" if token else " with a session"))
    if fmt == "csv":
        out = io.StringIO(newline="")
        csv.writer(out).writerows(csv_rows(document))
        response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{plan.slug}-position-{day.isoformat()}.csv"'
        return response
    # sort_keys=False keeps the documented key order; ensure_ascii=False keeps names readable.
    return HttpResponse(json.dumps(document, ensure_ascii=False, indent=2) + "\n",
                        content_type="application/json; charset=utf-8")
