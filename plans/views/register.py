"""The action register: every action the user may see, across plans, filtered, sorted and downloadable."""

import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from governance import audit

from ..filters import RegisterFilter
from ..register import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, RegisterScope, csv_stream, rows, xlsx_bytes
from ..tables import RegisterTable


class RegisterView(SingleTableMixin, FilterView):
    """Queries: session, user; the plans the user sees (RegisterScope: the plan choices, and the ids every other
    query starts from); the themes, leads and recommendations to choose from; the count; one page of actions;
    that page's codes. The same whatever the number of actions or the filters chosen."""

    table_class = RegisterTable
    filterset_class = RegisterFilter
    template_name = "plans/register.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.scope = RegisterScope(request.user)

    def get_queryset(self):
        return self.scope.queryset()

    def get_filterset_kwargs(self, filterset_class):
        return super().get_filterset_kwargs(filterset_class) | {"scope": self.scope}

    def get_context_data(self, **kwargs):
        # Downloads carry the same filters and sort, without the page number.
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(**kwargs) | {"page_title": "Action register", "download_query": query.urlencode()}


register = RegisterView.as_view()


def _filtered(request):
    """The register's actions for the request's filters and sort (the same as the page), or a 400 response."""
    scope = RegisterScope(request.user)
    filterset = RegisterFilter(request.GET or None, queryset=scope.queryset(), request=request, scope=scope)
    if filterset.is_bound and not filterset.is_valid():
        problems = "; ".join(f"{filterset.form.fields[name].label}: {' '.join(errors)}" if name in filterset.form.fields
                             else " ".join(errors) for name, errors in filterset.errors.items())
        return None, HttpResponse(f"The filters could not be used: {problems}\n", status=400,
                                  content_type="text/plain; charset=utf-8")
    # The table applies the sort exactly as the page does (RAG worst first, and so on).
    table = RegisterTable(filterset.qs, order_by=request.GET.get("sort") or None)
    return table.data.data, None


def _filename(ext):
    return f"action-register-{timezone.localdate().isoformat()}.{ext}"


def register_csv(request):
    """Exactly the filtered rows as CSV, streamed: two queries (codes, then the actions in chunks)."""
    actions, refused = _filtered(request)
    if refused:
        return refused
    audit.record("exported", detail=f"Action register as CSV: {request.GET.urlencode()}"[:500], request=request)
    response = StreamingHttpResponse(csv_stream(rows(actions)), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def register_xlsx(request):
    """Exactly the filtered rows as an Excel workbook, written in openpyxl's write-only mode."""
    actions, refused = _filtered(request)
    if refused:
        return refused
    out = io.BytesIO()
    xlsx_bytes(rows(actions), out)
    audit.record("exported", detail=f"Action register as XLSX: {request.GET.urlencode()}"[:500], request=request)
    response = HttpResponse(out.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename("xlsx")}"'
    return response
