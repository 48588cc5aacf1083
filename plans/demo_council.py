"""A second, fictional demo council, so that isolation between organisations can be seen in the running product.

Northmoor Borough Council does not exist. seed() writes its plan as a spreadsheet in the import layout
(plans.imports.COLUMNS, the layout the export writes), imports it with the real importer as its admin would,
approves it, and gives it labelled demo progress (ProgressUpdate.is_demo, "Demo data:" narratives, from the
same stories as the real plans' demo), a board and one demo meeting (Meeting.is_demo), and the people behind its
demo logins demo2-admin (its organisation admin) and demo2-board (a member of its board). The organisation is
flagged Organisation.is_demo (the header and footer add "(demo)"); its plan, board and people's job titles say
"(demo)", its notes and texts start "Demo data:". Run twice on a day, it gives the same rows; clear() removes it.
"""

import datetime
import io

from django.db.models import Count
from django.utils import timezone
from openpyxl import Workbook

from governance.calendar import add_working_days, is_working_day, working_days_before
from governance.models import AgendaItem, Board, BoardPack, Meeting, Membership, Organisation

from . import demo
from .imports import COLUMNS, import_plan, read_spreadsheet
from .models import Action, Person, Plan, ProgressUpdate
from .services import approve_plan

SLUG = "northmoor-demo"
# Its name is the council's as it would sign itself: the header and footer add "(demo)" for a demo organisation
# (Organisation.is_demo), as everything else it holds says "(demo)" in its own name or title.
NAME = "Northmoor Borough Council"
NOTE = ("Demo data: a fictional council made by seed_demo to show that one council never sees another's data. "
        "Northmoor Borough Council does not exist; its people, plan, board and meeting are invented.")
BOARD_SLUG = "northmoor-improvement-board-demo"
BOARD_NAME = "Northmoor Improvement Board (demo)"
PLAN_TITLE = "Northmoor Children's Services Improvement Plan 2026-28 (demo)"
PLAN_VERSION = "1.0"
PLAN_START = datetime.date(2026, 4, 1)
PLAN_END = datetime.date(2028, 3, 31)
PLAN_NOTE = "Demo data: a fictional plan, imported by seed_demo from a spreadsheet it writes."
SPREADSHEET_NAME = "northmoor-demo-plan.xlsx"
PAPERS_WORKING_DAYS = 4
MEETING_TIME = datetime.time(14, 0)

# The fictional leads, as the spreadsheet prints them, with the job titles their people are given.
LEADS = {
    "Priya Marsden": "Head of Service, Front Door (demo)",
    "Tom Ellery": "Head of Service, Children in Care (demo)",
    "Grace Adeyemi": "Principal Social Worker (demo)",
    "Owen Hartley": "Head of Workforce Development (demo)",
}
PERSON_NOTE = "Demo data: a fictional person of the fictional Northmoor Borough Council."

# (theme, theme title, objective, objective text, action, activity, desired outcome, timeline, due date, lead)
PLAN_ROWS = [
    ("1", "Getting help right at the front door",
     "1.1", "Every contact gets a timely, well-recorded decision",
     "1.1.1", "Bring police and health staff into one multi-agency front door, sitting with social workers.",
     "Decisions on contacts made within one working day, with partners' information to hand.",
     "By September 2026", datetime.date(2026, 9, 30), "Priya Marsden"),
    ("1", "Getting help right at the front door",
     "1.1", "Every contact gets a timely, well-recorded decision",
     "1.1.2", "Audit 30 contact decisions each month and feed the findings back to the teams.",
     "Most audited decisions are judged good or better, and the reasons are written down.",
     "Monthly from July 2026", datetime.date(2027, 3, 31), "Grace Adeyemi"),
    ("1", "Getting help right at the front door",
     "1.2", "Families stepped down to early help have a plan",
     "1.2.1", "Agree step-down criteria with the early help partnership and train both teams in them.",
     "Every family stepped down has an early help plan within 15 working days.",
     "By December 2026", datetime.date(2026, 12, 18), "Priya Marsden"),
    ("2", "Children in care and care leavers",
     "2.1", "Children in care live in stable homes close to Northmoor",
     "2.1.1", "Recruit 20 more in-house foster carers, with a campaign in every ward.",
     "Fewer children placed more than 20 miles from home.",
     "Over 2026-27", datetime.date(2027, 3, 31), "Tom Ellery"),
    ("2", "Children in care and care leavers",
     "2.1", "Children in care live in stable homes close to Northmoor",
     "2.1.2", "Review the plan of every child placed more than 20 miles away.",
     "Each child placed far from home has a reviewed plan saying why, or a move closer.",
     "By October 2026", datetime.date(2026, 10, 31), "Tom Ellery"),
    ("2", "Children in care and care leavers",
     "2.2", "Care leavers have a home and a personal adviser",
     "2.2.1", "Offer every care leaver a personal adviser from their 16th birthday.",
     "Every care leaver knows their adviser before they leave care.",
     "By July 2026", datetime.date(2026, 7, 31), "Tom Ellery"),
    ("2", "Children in care and care leavers",
     "2.2", "Care leavers have a home and a personal adviser",
     "2.2.2", "Open a supported lodgings scheme with ten places.",
     "No care leaver is placed in bed and breakfast accommodation.",
     "By June 2027", datetime.date(2027, 6, 30), "Grace Adeyemi"),
    ("3", "A stable, skilled workforce",
     "3.1", "Caseloads that let social workers know their children",
     "3.1.1", "Bring average caseloads in the assessment teams down to 18 children.",
     "Social workers see children as often as their plans say.",
     "By March 2027", datetime.date(2027, 3, 31), "Owen Hartley"),
    ("3", "A stable, skilled workforce",
     "3.1", "Caseloads that let social workers know their children",
     "3.1.2", "Replace agency social workers with permanent staff through a recruitment and retention offer.",
     "Agency social workers are fewer than one in ten of the workforce.",
     "By September 2027", datetime.date(2027, 9, 30), "Owen Hartley"),
    ("3", "A stable, skilled workforce",
     "3.2", "One practice model, used by everyone",
     "3.2.1", "Train every practitioner and manager in the practice model, then audit its use.",
     "Audits find the practice model in use in most case files.",
     "On-going through 2027 then review", datetime.date(2028, 3, 31), "Grace Adeyemi"),
]


def spreadsheet() -> bytes:
    """The demo plan as an .xlsx workbook in the import layout: a header of COLUMNS, one row per action. Codes,
    ratings and progress are left blank (no inspection; the demo progress is seeded as demo data)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(COLUMNS)
    for theme, theme_title, objective, objective_text, action, activity, outcome, timeline, due, lead in PLAN_ROWS:
        values = {
            "plan": PLAN_TITLE, "version": PLAN_VERSION, "theme": theme, "theme_title": theme_title,
            "objective": objective, "objective_text": objective_text, "action": action, "activity": activity,
            "desired_outcome": outcome, "timeline": timeline, "due_date": due, "lead": lead,
        }
        sheet.append([values.get(column, "") for column in COLUMNS])
        sheet.cell(row=sheet.max_row, column=COLUMNS.index("due_date") + 1).number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def meeting_day(today: datetime.date) -> datetime.date:
    """The board's next meeting: the second Tuesday of next month (a bank holiday moves it to the next
    working day)."""
    first = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    day = first + datetime.timedelta(days=(1 - first.weekday()) % 7 + 7)
    return day if is_working_day(day) else add_working_days(day, 1)


def _person(user, organisation, name, job_title, note):
    person, _ = Person.objects.update_or_create(user=user, defaults={
        "organisation": organisation, "name": name, "job_title": job_title, "note": note,
    })
    return person


def seed(*, admin, board_member, today: datetime.date | None = None) -> str:
    """Create or update the demo council and everything in it; returns its summary line. Run after the real
    plans' demo (plans.demo.clear_demo() removes this council's demo progress with theirs)."""
    today = today or timezone.localdate()
    council, _ = Organisation.objects.update_or_create(slug=SLUG, defaults={
        "name": NAME, "kind": Organisation.Kind.COUNCIL, "is_demo": True, "note": NOTE,
    })
    _person(admin, council, "Demo Northmoor Admin", "Organisation admin (demo)",
            "Demo data: a demonstration login administering the fictional Northmoor Borough Council.")
    member = _person(board_member, council, "Demo Northmoor Board member", "Independent member (demo)",
                     "Demo data: a demonstration board member of the fictional Northmoor Borough Council.")
    board, _ = Board.objects.update_or_create(slug=BOARD_SLUG, defaults={
        "organisation": council, "name": BOARD_NAME, "kind": Board.Kind.IMPROVEMENT_BOARD,
        "purpose": "Demo data: oversees the fictional council's improvement plan.",
        "meeting_frequency": "Monthly (demo)", "note": NOTE,
    })
    Membership.objects.update_or_create(board=board, person=member, role=Membership.Role.MEMBER, defaults={
        "position": "Independent member (demo)", "start": PLAN_START, "end": None, "order": 1,
        "note": "Demo data: a demonstration seat on the fictional council's board.",
    })

    # The admin's route: the spreadsheet through the real importer. A re-run matches every row and changes nothing.
    rows = read_spreadsheet(io.BytesIO(spreadsheet()), SPREADSHEET_NAME)
    result = import_plan(rows=rows, organisation=council, author=admin)
    plan = result.plan
    for name, job_title in LEADS.items():
        Person.objects.filter(organisation=council, name=name).update(job_title=job_title, note=PERSON_NOTE)
    # What the layout has no column for: the plan's period, its board, and (once) what it is.
    Plan.objects.filter(pk=plan.pk).update(start=PLAN_START, end=PLAN_END, board=board)
    if result.plan_created:
        Plan.objects.filter(pk=plan.pk).update(note=PLAN_NOTE)
    # The spreadsheet held the plan from its start: its actions joined it then, not on the day of the import.
    Action.objects.filter(theme__plan=plan).update(added_on=PLAN_START)
    plan.refresh_from_db()
    if plan.status == Plan.Status.DRAFT:
        # As its admin would from the plan's page; dated the day it started, as the demo world has it.
        plan = approve_plan(plan=plan, by=admin, when=timezone.make_aware(datetime.datetime.combine(
            PLAN_START, datetime.time(9, 0))))

    meeting = _seed_meeting(board, plan, today)
    made = demo.seed_history(author=admin, today=today, plans=Plan.objects.filter(pk=plan.pk))
    demo.sync_versions()  # after the real plans' demo ran it: this council's updates count too

    counts = Plan.objects.filter(pk=plan.pk).aggregate(n_themes=Count("themes", distinct=True),
                                                       n_actions=Count("themes__actions", distinct=True))
    return (f"Demo council: {council.name} (demo), fictional: \"{plan.title}\" imported from a spreadsheet seed_demo writes "
            f"({counts['n_themes']} themes, {counts['n_actions']} actions; actions {result.actions}), approved, with "
            f"{len(made)} demo updates and one demo meeting of the {board.name} on {meeting.start:%-d %B %Y}; "
            f"demo2-admin is its organisation admin, demo2-board a member of its board")


def _seed_meeting(board, plan, today):
    """The board's one demo meeting, kept (same row) from run to run; its papers are due four working days
    before, and its agenda takes the plan's highlight report."""
    day = meeting_day(today)
    start = timezone.make_aware(datetime.datetime.combine(day, MEETING_TIME))
    fields = {"start": start, "papers_deadline": working_days_before(day, PAPERS_WORKING_DAYS),
              "venue": "Demo data: Northmoor Town Hall (fictional)",
              "note": "Demo data: a demonstration meeting of a fictional council's board, not a real meeting."}
    meeting = Meeting.objects.filter(board=board, is_demo=True).order_by("pk").first()
    if meeting is None:
        meeting = Meeting.objects.create(board=board, is_demo=True, **fields)
    else:
        for name, value in fields.items():
            setattr(meeting, name, value)
        meeting.save(update_fields=list(fields))
    others = Meeting.objects.filter(board=board, is_demo=True).exclude(pk=meeting.pk)
    BoardPack.objects.filter(meeting__in=others).delete()
    others.delete()
    item, _ = AgendaItem.objects.update_or_create(meeting=meeting, number="1", defaults={
        "title": f"{plan.title}: highlight report", "order": 1, "report_author": "Demo data",
        "description": "Demo data: the position of the improvement plan, as at the papers deadline.",
    })
    item.plans.set([plan])
    return meeting


def clear() -> None:
    """Remove the demo council and everything in it (not the demo logins: seed_demo's users)."""
    council = Organisation.objects.filter(slug=SLUG, is_demo=True).first()
    if council is None:
        return
    plans = Plan.objects.filter(organisation=council)
    ProgressUpdate.objects.filter(action__theme__plan__in=plans).delete()
    BoardPack.objects.filter(meeting__board__organisation=council).delete()  # packs protect their meeting
    Board.objects.filter(organisation=council).delete()  # with its memberships and meetings
    actions = list(Action.objects.filter(theme__plan__in=plans).values_list("pk", flat=True))
    plans.delete()
    Action.history.filter(id__in=actions).delete()  # ids may be reused by the next plan loaded
    Person.objects.filter(organisation=council).delete()
    council.delete()
