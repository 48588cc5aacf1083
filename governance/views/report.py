"""The highlight report of a meeting: the live page, and the same context as a PDF and a Word file."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .. import audit
from ..models import BoardPack, Meeting
from ..packs import differences, live_context, render_docx, render_pdf
from ..permissions import can_clerk

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def get_meeting(request, pk) -> Meeting:
    """A meeting the user may see. select_related: the board, for headings, restriction and the clerk check."""
    return get_object_or_404(Meeting.objects.visible_to(request.user).select_related("board"), pk=pk)


def get_meeting_with_board_meetings(request, pk) -> tuple[Meeting, list[Meeting]]:
    """A meeting the user may see and all its board's meetings (the report's previous and next), in ONE query."""
    visible = Meeting.objects.visible_to(request.user).filter(pk=pk).values("board_id")
    meetings = list(Meeting.objects.filter(board_id__in=visible).with_position_date().select_related("board"))
    meeting = next((m for m in meetings if m.pk == pk), None)
    if meeting is None:
        raise Http404("No such meeting")
    return meeting, meetings


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def filename_for(meeting, extension: str, version: int | None = None) -> str:
    stem = f"{meeting.board.slug}-{timezone.localtime(meeting.start):%Y-%m-%d}"
    return f"{stem}-pack-v{version}.{extension}" if version else f"{stem}-report-live.{extension}"


def report(request, pk):
    """The live report, the packs issued for it and, against the current pack, what has changed since."""
    meeting, board_meetings = get_meeting_with_board_meetings(request, pk)
    context = live_context(meeting, request.user, board_meetings)
    packs = list(BoardPack.objects.visible_to(request.user).filter(meeting=meeting).select_related("issued_by__person")
                 .defer("pdf", "docx").order_by("-version"))
    for pack in packs:
        person = getattr(pack.issued_by, "person", None)
        pack.issuer_name = person.name if person else pack.issued_by.get_username()
    current = next((p for p in packs if p.superseded_at is None), None)
    return render(request, "governance/report.html", context | {
        "packs": packs, "current_pack": current,
        # Against a pack holding plans this reader cannot see, every difference would be misleading.
        "differences": differences(current, context["figures"]) if current and not context["plans_left_out"] else [],
        "can_issue": can_clerk(request.user, meeting.board),
        "page_title": f"Highlight report: {meeting}",
    })


def report_pdf(request, pk):
    meeting, board_meetings = get_meeting_with_board_meetings(request, pk)
    response = download(render_pdf(live_context(meeting, request.user, board_meetings)), PDF, filename_for(meeting, "pdf"))
    audit.record("exported", obj=meeting, detail="Highlight report (live) as PDF", request=request)
    return response


def report_docx(request, pk):
    meeting, board_meetings = get_meeting_with_board_meetings(request, pk)
    response = download(render_docx(live_context(meeting, request.user, board_meetings)), DOCX, filename_for(meeting, "docx"))
    audit.record("exported", obj=meeting, detail="Highlight report (live) as Word", request=request)
    return response
