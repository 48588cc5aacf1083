"""Board packs: the highlight report as a tagged PDF and a Word file, and issuing them, frozen for ever.

Both files render the one context from governance.report.build_report. Issuing stores the bytes, their
SHA-256 hashes and the figures; the live report later recomputes the figures and `differences` says in
words what has changed since (late updates, due-date corrections, actions moved or removed, measure
corrections).
"""

import base64
import datetime
import gc
import hashlib
import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from plans.models import Action, Milestone, ProgressUpdate
from plans.rag import RAG

from .models import BoardPack, LogItem, Meeting, Membership
from .permissions import can_clerk
from .report import build_report
from .restricted import exemption_line
from .restricted import label as restricted_label

PACK_CSS = Path(__file__).resolve().parent / "static" / "governance" / "pack.css"
# WeasyPrint does not apply the document's stylesheet inside inline SVG, so in the PDF each chart is an image
# carrying this stylesheet (the chart colours of frontend/app.scss, keyed by the TAG_CLASSES classes).
CHART_CSS = Path(__file__).resolve().parent / "static" / "governance" / "pack-charts.css"


def _display_name(user) -> str:
    person = getattr(user, "person", None)
    return person.name if person else (user.get_full_name() or user.get_username())


def render_pdf(context: dict) -> bytes:
    """A4, cover and contents, running header, "Page N of M", tagged PDF/UA-1 with bookmarks from headings."""
    from weasyprint import CSS, HTML

    plans = [p | {"chart_src": chart_image(p["chart"])} for p in context["plans"]]
    html = render_to_string("governance/report_pdf.html",
                            context | {"plans": plans, "service_name": settings.SERVICE_NAME})
    try:
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            stylesheets=[CSS(filename=str(PACK_CSS))], pdf_variant="pdf/ua-1",
        )
    finally:
        # WeasyPrint's layout is a web of cycles (boxes point back at their parents) that reference counting cannot
        # free: collected here, by the request that made it, rather than by whichever page the collector next
        # interrupts (at benchmark scale the next highlight report took 570 ms instead of 200 walking it).
        gc.collect()


def chart_image(svg: str) -> str:
    """An inline SVG chart as a data: URI whose own <style> colours it: still vector in the PDF."""
    style = f"<style>{CHART_CSS.read_text()}</style>"
    opening = svg.index(">") + 1
    document = svg[:opening] + style + svg[opening:]
    return "data:image/svg+xml;base64," + base64.b64encode(document.encode()).decode()


def _repeat_header(row) -> None:
    """Mark a Word table row as a header row repeated at the top of each page (w:tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(document, headings: list[str], rows: list[list[str]], caption: str) -> None:
    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value or "")


def _more(document, context, name: str, *, register: bool = False) -> None:
    """The page's line under a list cut at LIST_LIMIT (governance/includes/report_more.html), in the same words."""
    left = context["more"][name]
    if left:
        document.add_paragraph(f"Listed: the first {context['list_limit']} of {left + context['list_limit']}, in plan "
                               "order." + (" The action register lists every action." if register else ""))


def _day(value) -> str:
    return f"{value:%-d %b %Y}" if value else ""


def render_docx(context: dict) -> bytes:
    """The same report as a Word document: real Heading styles, tables whose header rows repeat."""
    import docx

    document = docx.Document()
    core = document.core_properties
    core.title = f"{context['board'].name}: highlight report for the meeting of {context['meeting'].start:%-d %B %Y}"
    core.language = "en-GB"
    core.author = settings.SERVICE_NAME
    section = document.sections[0]
    section.header.paragraphs[0].text = (f"{context['board'].name} · {context['meeting'].start:%-d %B %Y}"
                                         + (" · NOT FOR PUBLICATION" if context.get("restricted") else ""))

    document.add_paragraph(context["board"].name, style="Subtitle")
    document.add_heading("Highlight report", level=0)
    document.add_paragraph(f"Meeting of {timezone.localtime(context['meeting'].start):%A %-d %B %Y}.")
    document.add_paragraph(f"The position as at {context['as_at']:%-d %B %Y}, compared with {context['compared_with']}.")
    issue = context.get("issue")
    if issue:
        reason = f". Reason for this version: {issue['reason']}" if issue["reason"] else ""
        document.add_paragraph(f"Issued on {issue['issued_at']:%-d %B %Y} by {issue['issued_by']} "
                               f"(version {issue['version']}){reason}")
    else:
        document.add_paragraph("Live report: not an issued pack, and its figures can change.")
    if context.get("restricted"):
        document.add_paragraph("NOT FOR PUBLICATION. " + context["restricted_line"], style="Intense Quote")
    if context.get("agenda") or context.get("withheld_items"):
        document.add_heading("Agenda items considered", level=1)
        for item in context.get("agenda", []):
            document.add_paragraph((f"Item {item.number}: " if item.number else "") + item.title
                                   + (f" — {restricted_label(item)}" if item.restricted else ""), style="List Bullet")
        for words in context.get("withheld_items", []):
            document.add_paragraph(words, style="List Bullet")

    document.add_heading("Summary", level=1)
    for line in context["summary"]:
        document.add_paragraph(line, style="List Bullet")
    for p in context["plans"]:
        document.add_heading(p["plan"].title + (f" (version {p['plan'].version})" if p["plan"].version else ""), level=2)
        _table(document, ["Rating", f"As at {_day(context['as_at'])}", f"As at {_day(context['compare_date'])}"],
               [[c["label"], c["now"], c["then"]] for c in p["count_rows"]] + [["Total", p["total"], p["was_total"]]],
               f"Actions by rating, {p['plan'].title}")

    document.add_heading("Exceptions", level=1)
    document.add_heading("Red actions", level=2)
    if context["red"]:
        _table(document, ["Action", "Lead", "Due", f"Since {_day(context['compare_date'])}", "What is being done"],
               [[f"{r['reference']} {r['action'].activity}", r["lead"], _day(r["due"]) or "None set",
                 "Still Red" if r["was_rag"] == RAG.RED else f"Was {r['was_label']}",
                 (r["update"].mitigation if r["update"] else "") or "Not recorded"] for r in context["shown"]["red"]],
               "Actions rated Red")
        _more(document, context, "red", register=True)
    else:
        document.add_paragraph("No actions are rated Red.")
    document.add_heading("Overdue actions", level=2)
    if context["overdue"]:
        _table(document, ["Action", "Lead", "Was due", "Rating"],
               [[f"{r['reference']} {r['action'].activity}", r["lead"], _day(r["due"]), r["rag_label"]]
                for r in context["shown"]["overdue"]], "Actions past their due date and not complete")
        _more(document, context, "overdue", register=True)
    else:
        document.add_paragraph("No actions are overdue.")
    document.add_heading("Revised dates", level=2)
    if context["revised"]:
        _table(document, ["Action", "Change", "From", "To", "Reason given"],
               [[d["row"]["reference"], d["kind"], _day(d["from"]) or "None set", _day(d["to"]), d["reason"]]
                for d in context["shown"]["revised"]], "Due dates moved or forecast to slip")
        _more(document, context, "revised", register=True)
    else:
        document.add_paragraph("No due dates moved or were forecast to slip.")

    document.add_heading("Completed since the last meeting", level=1)
    if context["completed"]:
        _table(document, ["Action", "Lead", "Completed", "Evidence"],
               [[f"{r['reference']} {r['action'].activity}", r["lead"], _day(r["update"].created_at.date()),
                 r["evidence"]] for r in context["shown"]["completed"]], "Actions completed, with their evidence")
        _more(document, context, "completed", register=True)
    else:
        document.add_paragraph(f"No actions were completed since {_day(context['compare_date'])}.")

    document.add_heading("Milestones", level=1)
    # The same heading words as the page and the PDF (governance/report_body.html), full month names included.
    horizon = f"{context['horizon']:%-d %B %Y}"
    document.add_heading(f"Due before the next meeting ({horizon})" if context["next_meeting"] else f"Due before {horizon}",
                         level=2)
    if context["milestones_due"]:
        _table(document, ["Milestone", "Of", "Due", "Lead"],
               [[m.text, f"Action {m.action.reference}" if m.action else f"{m.theme.plan.get_part_word_display()} "
                 f"{m.theme.number}", _day(m.due_date), (m.lead.name if m.lead else m.lead_as_printed) or "Not named"]
                for m in context["shown"]["milestones_due"]], "Milestones due before the next meeting")
        _more(document, context, "milestones_due")
    else:
        document.add_paragraph(f"No milestones fall due before {_day(context['horizon'])}.")
    document.add_heading(f"Achieved or missed since {context['compare_date']:%-d %B %Y}", level=2)
    if context["milestones_done"]:
        _table(document, ["Milestone", "Outcome", "On", "Note"],
               [[d["milestone"].text, d["outcome"], _day(d["date"]), d["milestone"].outcome_note]
                for d in context["shown"]["milestones_done"]], "Milestones achieved or missed")
        _more(document, context, "milestones_done")
    else:
        document.add_paragraph("No milestones were recorded as achieved or missed.")

    document.add_heading("Vital Signs that moved", level=1)
    if context["measures_moved"]:
        _table(document, ["Measure", "Period to", "Now", "Before", "Direction", "Against target"],
               [[str(m["measure"]), _day(m["period"]), m["shown"], m["previous_shown"], m["direction"].label,
                 m["rating_label"]] for m in context["shown"]["measures_moved"]], "Measures with a new or corrected figure")
        _more(document, context, "measures_moved")
    else:
        document.add_paragraph("No measure has a new or corrected figure since the last meeting.")

    document.add_heading("Theme impact assessments", level=1)
    if context["impact"]:
        _table(document, ["Theme", "Impact", "Assessed", "Why"],
               [[f"{i['theme'].number}: {i['theme'].title}", i["level"] + (" (new)" if i["new"] else ""),
                 _day(i["assessment"].assessed_on), i["assessment"].rationale] for i in context["impact"]],
               "The latest impact assessment of each theme")
    else:
        document.add_paragraph("No theme has an impact assessment yet.")

    document.add_heading("Questions for the board", level=1)
    for question in context["shown"]["questions"]:
        document.add_paragraph(question["question"] + (f" Why it matters: {question['why']}" if question["why_shown"] else ""),
                               style="List Number")
    _more(document, context, "questions")
    if not context["questions"]:
        document.add_paragraph("The figures raise no questions for the board.")

    document.add_heading("Matters arising from the action log", level=1)
    if context["matters"]:
        _table(document, ["Item", "From the meeting of", "Owner", "Due"],
               [[f"{item.get_kind_display()}: {item.text}", _day(item.meeting.start.date()),
                 (item.owner.name if item.owner else item.owner_as_text) or "Not named", _day(item.due_date)]
                for item in context["matters"]], "Open items from earlier meetings")
    else:
        document.add_paragraph("No open items carry forward from earlier meetings.")

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def live_context(meeting: Meeting, user, board_meetings=None) -> dict:
    """The live report as `user` may see it (governance.report), labelled as a pack issued now would be
    (RestrictedPackRule), or as restricted whenever it shows the reader something restricted."""
    context = build_report(meeting, user, board_meetings=board_meetings)
    restricted, paragraph = RestrictedPackRule.default(meeting)
    if context["holds_restricted"] and not restricted:
        restricted, paragraph = True, _first_paragraph(context)
    return context | {"issue": None, "produced_at": timezone.localtime()} | _publication(restricted, paragraph)


def _publication(restricted: bool, paragraph: int | None) -> dict:
    """The report context's publication status and the cover line that says it."""
    return {"restricted": restricted, "exemption_paragraph": paragraph if restricted else None,
            "restricted_line": exemption_line(paragraph) if restricted else ""}


def _first_paragraph(context) -> int | None:
    """The paragraph of the first restricted thing the report shows (agenda items, plans, then measures)."""
    found = ([i for i in context["agenda"] if i.restricted] + [p["plan"] for p in context["plans"] if p["plan"].restricted]
             + [m["measure"] for m in context["measures_moved"] if m["measure"].restricted])
    return found[0].exemption_paragraph if found else None


class RestrictedPackRule:
    """A pack issued for a restricted meeting is restricted, on the meeting's paragraph unless the clerk names
    another; a board whose packs are restricted (Board.packs_restricted) issues restricted packs by default,
    on the board's paragraph."""

    @staticmethod
    def default(meeting: Meeting) -> tuple[bool, int | None]:
        if meeting.restricted:
            return True, meeting.exemption_paragraph
        board = meeting.board
        return board.packs_restricted, board.exemption_paragraph if board.packs_restricted else None

    @staticmethod
    def check(*, meeting: Meeting, restricted: bool):
        if meeting.restricted and not restricted:
            raise ValidationError(
                {"restricted": "This meeting is not for publication, so its pack must be too: tick "
                               "“Not for publication”."}, code="meeting_restricted")


class ReissueNeedsReasonRule:
    """Issuing again makes version n+1 "and needs a reason" (issue 11): the first issue needs none."""

    @staticmethod
    def check(*, version: int, reason: str):
        if version > 1 and not reason.strip():
            raise ValidationError({"reason": "Give the reason for issuing a new version of the pack"},
                                  code="reason_required")


class RestrictedNeedsParagraphRule:
    """A pack not for publication records the paragraph of Schedule 12A to the Local Government Act 1972 that
    makes it exempt information (paragraphs 1 to 7)."""

    @staticmethod
    def check(*, restricted: bool, paragraph: int | None):
        if restricted and paragraph not in range(1, 8):
            raise ValidationError(
                {"exemption_paragraph": "Choose the paragraph of Schedule 12A that makes the pack exempt"},
                code="paragraph_required")


class StaleIssueRule:
    """The clerk issues what they saw: a form opened when version n was current refuses to issue once someone
    else has issued n+1 (two clicks, or two clerks, at once make one new version, not two)."""

    @staticmethod
    def check(*, based_on_version: int | None, current: int):
        if based_on_version is not None and based_on_version != current:
            raise ValidationError(f"Version {current} of this pack was issued while you had the form open: "
                                  "read it before issuing another.", code="stale_issue")


def issue_pack(*, meeting: Meeting, user, reason: str = "", restricted: bool | None = None,
               exemption_paragraph: int | None = None, based_on_version: int | None = None) -> BoardPack:
    """Freeze the report as version n+1: PDF and Word bytes, their SHA-256 hashes and the figures, in one
    transaction that supersedes the current version. Board members are emailed a link.

    `restricted` and `exemption_paragraph` default by RestrictedPackRule (the meeting's, else the board's).
    `based_on_version` is the latest version when the form was opened (0 for none): if another was issued since,
    nothing is issued. Raises PermissionDenied unless the user is the board's clerk or an admin, ValidationError
    for a broken rule.
    """
    if not can_clerk(user, meeting.board):
        raise PermissionDenied("Only the board's clerk or an admin can issue its packs.")
    default_restricted, default_paragraph = RestrictedPackRule.default(meeting)
    restricted = default_restricted if restricted is None else restricted
    RestrictedPackRule.check(meeting=meeting, restricted=restricted)
    if exemption_paragraph is None and restricted:
        exemption_paragraph = default_paragraph or meeting.board.exemption_paragraph
    RestrictedNeedsParagraphRule.check(restricted=restricted, paragraph=exemption_paragraph)
    now = timezone.now()
    try:
        with transaction.atomic():
            # Lock the meeting row so two clerks issuing at once take turns (PostgreSQL; SQLite serialises writers).
            Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
            current = BoardPack.objects.filter(meeting=meeting).aggregate(n=Max("version"))["n"] or 0
            StaleIssueRule.check(based_on_version=based_on_version, current=current)
            version = current + 1
            ReissueNeedsReasonRule.check(version=version, reason=reason)
            # The board's papers, not the issuer's view: what every reader of the pack may read (PackContentRule).
            context = build_report(meeting, restricted=restricted) | {
                "issue": {"version": version, "issued_at": timezone.localtime(now), "issued_by": _display_name(user),
                          "reason": reason.strip()},
            } | _publication(restricted, exemption_paragraph)
            pdf, docx_bytes = render_pdf(context), render_docx(context)
            BoardPack.objects.filter(meeting=meeting, superseded_at__isnull=True).update(superseded_at=now)
            pack = BoardPack.objects.create(
                meeting=meeting, version=version, issued_at=now, issued_by=user, reason=reason.strip(),
                as_at=context["as_at"], compare_date=context["compare_date"], figures=context["figures"],
                pdf=pdf, docx=docx_bytes, pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                docx_sha256=hashlib.sha256(docx_bytes).hexdigest(), restricted=restricted,
                exemption_paragraph=exemption_paragraph if restricted else None,
            )
    except IntegrityError:
        # The unique constraints caught a second issue racing this one: it won, this one changes nothing.
        raise ValidationError("Someone else issued this pack at the same moment: reload the page to see their "
                              "version.", code="issued_concurrently") from None
    notify_members(pack)
    return pack


def board_member_addresses(board, today: datetime.date) -> list[str]:
    """Email addresses of the board's current seats (a seat whose period includes today)."""
    seats = (Membership.objects.filter(board=board).exclude(start__gt=today).exclude(end__lt=today)
             .select_related("person__user"))
    found = []
    for seat in seats:
        address = seat.person.email or (seat.person.user.email if seat.person.user else "")
        if address and address not in found:
            found.append(address)
    return found


def notify_members(pack: BoardPack) -> int:
    """Email each current member a link to the issued pack (never the file: packs may be restricted)."""
    meeting = pack.meeting
    addresses = board_member_addresses(meeting.board, timezone.localdate())
    context = {"pack": pack, "meeting": meeting, "board": meeting.board, "service_name": settings.SERVICE_NAME,
               "issued_by": _display_name(pack.issued_by),
               "pdf_url": settings.SITE_URL + reverse("governance:pack_pdf", args=[meeting.pk, pack.version]),
               "report_url": settings.SITE_URL + reverse("governance:report", args=[meeting.pk])}
    subject = (f"{meeting.board.name}: board pack for {timezone.localtime(meeting.start):%-d %B %Y} issued"
               + (f" (version {pack.version})" if pack.version > 1 else ""))
    body = render_to_string("governance/email/pack_issued.txt", context)
    messages = [EmailMessage(subject, body, to=[address]) for address in addresses]
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def differences(pack: BoardPack, live: dict) -> list[str]:
    """What the live figures for the pack's date say that the issued pack did not, in plain words."""
    stored, now = pack.figures, live
    issued_on = f"{timezone.localtime(pack.issued_at):%-d %B %Y}"
    lines = []
    if stored.get("as_at") != now.get("as_at"):
        lines.append(f"The meeting's position date is now {now['as_at']}; the pack was issued as at {stored['as_at']}.")
    old, new = stored.get("actions", {}), now.get("actions", {})
    gone = [pk for pk in old if pk not in new]
    moved_to = {a.pk: a for a in Action.objects.filter(pk__in=gone).select_related("theme__plan")}
    for pk in gone:
        was = old[pk]
        action = moved_to.get(int(pk))
        if action is None:
            lines.append(f"Action {was['reference']} ({was['plan']}) has been removed since the pack was issued.")
        else:
            lines.append(f"Action {was['reference']} ({was['plan']}) is no longer in the plans this meeting considers "
                         f"as at {now['as_at']}: it is now {action.reference} in {action.theme.plan.title}.")
    # One query for the updates behind every changed rating, however many changed.
    late = ProgressUpdate.objects.in_bulk([is_now["update"] for pk, is_now in new.items() if is_now.get("update")
                                           and pk in old and is_now.get("update") != old[pk].get("update")])
    for pk, is_now in new.items():
        was = old.get(pk)
        if was is None:
            lines.append(f"Action {is_now['reference']} ({is_now['plan']}) is now in the plan as at {now['as_at']}; "
                         "the pack did not include it.")
            continue
        if was["theme"] != is_now["theme"]:
            lines.append(f"Action {is_now['reference']} moved from {was['theme']} to {is_now['theme']}.")
        if was["reference"] != is_now["reference"]:
            lines.append(f"Action {was['reference']} is now numbered {is_now['reference']}.")
        if was["rag"] != is_now["rag"] or was.get("update") != is_now.get("update"):
            lines.append(_late_update_line(was, is_now, issued_on, late.get(is_now.get("update"))))
        if was["due"] != is_now["due"]:
            lines.append(f"Action {is_now['reference']}: the due date in force is now {is_now['due'] or 'none'}; "
                         f"the pack showed {was['due'] or 'none'} (a later correction of the due date).")
    old_m, new_m = stored.get("measures", {}), now.get("measures", {})
    for pk in sorted(set(old_m) | set(new_m), key=int):
        was, is_now = old_m.get(pk), new_m.get(pk)
        if was == is_now:
            continue
        if was and is_now:
            lines.append(f"“{is_now['name']}”: the pack showed {was['value']} for the period to {was['period_end']}; "
                         f"it now shows {is_now['value']} for the period to {is_now['period_end']} (a measure correction).")
        elif is_now:
            lines.append(f"“{is_now['name']}” now shows {is_now['value']} for the period to {is_now['period_end']}; "
                         "the pack did not list it as moved.")
        else:
            lines.append(f"“{was['name']}”: the pack showed {was['value']}; that figure is no longer a change "
                         "since the last meeting (a measure correction).")
    for key, label, model in (("milestones_due", "milestones due", Milestone), ("matters_arising", "matters arising",
                                                                                 LogItem)):
        before, after = set(stored.get(key, [])), set(now.get(key, []))
        if before == after:
            continue
        found = model.objects.in_bulk(before ^ after)  # one query per kind, only when something differs
        for pk in sorted(before - after):
            item = found.get(pk)
            why = _why_gone(item)
            lines.append(f"No longer among the {label}: “{_short(item)}”, which the pack listed{why}.")
        for pk in sorted(after - before):
            lines.append(f"Now among the {label}: “{_short(found.get(pk))}”, which the pack did not list.")
    if stored.get("milestones_done", {}) != now.get("milestones_done", {}):
        lines.append(f"Milestones achieved or missed are now {len(now.get('milestones_done', {}))}; the pack listed "
                     f"{len(stored.get('milestones_done', {}))}.")
    if stored.get("impact", {}) != now.get("impact", {}):
        lines.append("A theme impact assessment dated on or before the position date was added or changed.")
    return lines


def _short(item) -> str:
    if item is None:
        return "an item since deleted"
    return item.text if len(item.text) <= 90 else item.text[:89] + "…"


def _why_gone(item) -> str:
    """Why a listed milestone or log item dropped out of the live view, where the record says."""
    if item is None:
        return " (it has since been deleted)"
    if isinstance(item, Milestone) and item.outcome:
        return f" (recorded as {item.get_outcome_display().lower()} since)"
    if isinstance(item, LogItem) and item.status != LogItem.Status.OPEN:
        return f" (now {item.get_status_display().lower()})"
    return ""


def _late_update_line(was: dict, is_now: dict, issued_on: str, update) -> str:
    if was["rag"] == is_now["rag"]:
        rating = f"still rated {RAG(is_now['rag']).label}, but by a different update than the pack showed"
    else:
        rating = f"rated {RAG(is_now['rag']).label} (the pack showed {RAG(was['rag']).label})"
    if update is not None and timezone.localdate(update.recorded_at) > timezone.localdate(update.created_at):
        return (f"Action {is_now['reference']} is now {rating}: an update applying from "
                f"{timezone.localtime(update.created_at):%-d %B %Y} was entered late, on "
                f"{timezone.localtime(update.recorded_at):%-d %B %Y}.")
    return f"Action {is_now['reference']} is now {rating}, since the pack was issued on {issued_on}."


def save_decisions_summary(*, meeting: Meeting, user, text: str) -> Meeting:
    """The publishable summary of key decisions and actions: written by the board's clerk or an admin."""
    if not can_clerk(user, meeting.board):
        raise PermissionDenied("Only the board's clerk and admins can write its decisions summary.")
    meeting.decisions_summary = text.strip()
    meeting.save(update_fields=["decisions_summary"])
    return meeting
