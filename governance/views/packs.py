"""Issuing a board pack, downloading issued packs unchanged, and a meeting's publishable decisions summary."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from .. import audit
from ..forms_packs import DecisionsSummaryForm, IssuePackForm
from ..models import BoardPack
from ..packs import RestrictedPackRule, save_decisions_summary
from ..packs import issue_pack as issue_pack_service
from ..permissions import can_clerk, get_meeting_for_clerk
from .report import DOCX, PDF, download, filename_for, get_meeting


def issue_pack(request, pk):
    """The clerk or an admin freezes the report as the next version. 403 before the form is read."""
    meeting = get_meeting_for_clerk(request, pk)
    latest = BoardPack.objects.filter(meeting=meeting).order_by("-version").values_list("version", flat=True).first()
    if request.method == "POST":
        form = IssuePackForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                pack = issue_pack_service(meeting=meeting, user=request.user, reason=data["reason"],
                                          restricted=data["restricted"],
                                          exemption_paragraph=data["exemption_paragraph"],
                                          based_on_version=data["based_on_version"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"Version {pack.version} of the pack was issued and board members were "
                                          "emailed a link.")
                return redirect("governance:report", pk=meeting.pk)
    else:
        restricted, paragraph = RestrictedPackRule.default(meeting)
        form = IssuePackForm(initial={"based_on_version": latest or 0, "restricted": restricted,
                                      "exemption_paragraph": paragraph or meeting.board.exemption_paragraph})
    return render(request, "governance/pack_issue.html", {
        "meeting": meeting, "board": meeting.board, "form": form, "has_pack": bool(latest),
        "page_title": f"Issue the pack: {meeting}",
    })


def _pack(request, pk, version):
    """A pack the user may see: a restricted pack of an open meeting is 404 for anyone outside it."""
    meeting = get_meeting(request, pk)
    return meeting, get_object_or_404(BoardPack.objects.visible_to(request.user).filter(meeting=meeting),
                                      version=version)


def pack_pdf(request, pk, version):
    """The PDF exactly as issued: the stored bytes, never re-rendered."""
    meeting, pack = _pack(request, pk, version)
    response = download(bytes(pack.pdf), PDF, filename_for(meeting, "pdf", pack.version))
    audit.record("pack_downloaded", obj=pack, detail=f"Version {pack.version} as PDF", request=request)
    response["X-Content-SHA256"] = pack.pdf_sha256
    return response


def pack_docx(request, pk, version):
    meeting, pack = _pack(request, pk, version)
    response = download(bytes(pack.docx), DOCX, filename_for(meeting, "docx", pack.version))
    audit.record("pack_downloaded", obj=pack, detail=f"Version {pack.version} as Word", request=request)
    response["X-Content-SHA256"] = pack.docx_sha256
    return response


def decisions(request, pk):
    """The publishable summary of key decisions and actions: everyone who sees the meeting reads it; its
    board's clerk and admins write it (403 on POST before the form is read)."""
    meeting = get_meeting(request, pk)
    may_edit = can_clerk(request.user, meeting.board)
    form = None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("Only the board's clerk and admins can write its decisions summary.")
        form = DecisionsSummaryForm(request.POST)
        if form.is_valid():
            save_decisions_summary(meeting=meeting, user=request.user, text=form.cleaned_data["decisions_summary"])
            messages.success(request, "The decisions summary was saved.")
            return redirect(reverse("governance:decisions", args=[meeting.pk]))
    elif may_edit:
        form = DecisionsSummaryForm(initial={"decisions_summary": meeting.decisions_summary})
    return render(request, "governance/decisions.html", {
        "meeting": meeting, "board": meeting.board, "form": form, "may_edit": may_edit,
        "page_title": f"Decisions summary: {meeting}",
    })
