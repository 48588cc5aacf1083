"""Build fixtures/20_monitoring_visit_plan_2021.json from the December 2021 scrutiny agenda pack.

Seed: /work/shared/seeds/2021-12-childrens-scrutiny-monitoring-visit-and-outcomes-plan.txt, the agenda pack of the
Children's Services Overview and Scrutiny Committee of 15 December 2021. It yields:

- Board 3 (the committee), its 2021 members (Person + Membership) and the 15 December 2021 meeting with its agenda;
- Inspection 200001, Ofsted's 6th monitoring visit (7-8 September 2021), with the findings Document "O" lists;
- Plan 200001, the 2021 Outcomes Improvement Plan (Appendix 1 to Document "O"): 7 outcomes (Theme), their actions
  and milestones, DMT leads, risks, impact statements and KPIs.

The action tables and the bullet lists are read from the seed. Where the PDF conversion glued list items together
(lost <li> boundaries) the items are listed here by hand, and the script checks that they join back to exactly the
printed cell, so no text is re-worded. Every other string is checked to occur in the seed.

Run from the project root: .venv/bin/python tools/seed_fixtures/seed2021.py
"""

import calendar
import json
import re
from datetime import date
from pathlib import Path

from measure_rules import measures

ROOT = Path(__file__).resolve().parents[2]
# The seeds sit beside the repository (../shared/seeds), as on every machine and in CI.
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED = SEEDS / "2021-12-childrens-scrutiny-monitoring-visit-and-outcomes-plan.txt"
OUT = ROOT / "fixtures" / "20_monitoring_visit_plan_2021.json"

TEXT = SEED.read_text(encoding="utf-8")
LINES = TEXT.splitlines()

ORG = 1
BOARD_IMPROVEMENT = 1
BOARD = 3
INSPECTION = 200001
INSPECTION_ILACS_2018 = 100001
PLAN = 200001
PLAN_2019 = 100001
# The day every action joined the plan. The plan prints no start and no publication date, only "Revised October
# 2021" (its version): the first of that month is taken. Without it the model default (the day the fixture is
# loaded) would put every action in the plan late.
ADDED_ON = "2021-10-01"


# --- text helpers -------------------------------------------------------------------------------------------------


def clean(s):
    """Drop HTML list markup, square bullets and bold markers the conversion left; single-space the rest."""
    s = re.sub(r"<[^>]+>", " ", s)
    s = s.replace("▪", " ").replace("**", "")
    return " ".join(s.split())


FLAT = clean(TEXT)
FLAT_NOSPACE = re.sub(r"\s", "", FLAT)


def printed(s):
    """Assert that every line of s occurs in the seed as printed (modulo whitespace and markup)."""
    for line in s.split("\n"):
        if line and clean(line) not in FLAT:
            raise AssertionError(f"not printed in the seed: {line!r}")
    return s


def glued(raw, items, heading=""):
    """Items of a list whose boundaries the conversion lost: check they join back to exactly the printed cell."""
    cell = clean(raw).replace(" * ", " ")
    assert cell.startswith(heading), (heading, cell)
    body = cell[len(heading) :]
    joined = "".join(items)
    assert re.sub(r"\s", "", body) == re.sub(r"\s", "", joined), (body, joined)
    return [printed(" ".join(i.split())) for i in items]


MONTHS = {m: i for i, m in enumerate(calendar.month_name) if m}


def month_end(text):
    """The first "Month YYYY" printed, as the last day of that month; None where nothing parses."""
    m = re.search(r"\b(" + "|".join(MONTHS) + r")\s+(\d{4})\b", text or "")
    if not m:
        return None
    year, month = int(m.group(2)), MONTHS[m.group(1)]
    return date(year, month, calendar.monthrange(year, month)[1])


def iso(d):
    return d.isoformat() if d else None


OBJECTS = []


def add(model, pk, **fields):
    OBJECTS.append({"model": model, "pk": pk, "fields": fields})


# --- people -------------------------------------------------------------------------------------------------------

PEOPLE = {}  # key -> pk
_next_person = [200001]


def person(key, name, job_title="", note="", initials=""):
    pk = _next_person[0]
    _next_person[0] += 1
    PEOPLE[key] = pk
    add("plans.person", pk, organisation=ORG, name=name, initials=initials, job_title=job_title, email="",
        user=None, note=note)
    return pk


person(
    "segurola", printed("Philip Segurola"),
    printed("Assistant Director, Safeguarding and Review, Commissioning and Provider Services"),
    note="DMT lead for outcomes 1, 3, 4 and 6 of the 2021 Outcomes Improvement Plan. Outcome 4 prints the title as "
    "\"Assistant Director, Safeguarding & Review, Commissioning & Provider Services\".",
)
person(
    "johnston", printed("David Johnston"), printed("Deputy Director, Childrens Social Care"),
    note="DMT lead for outcomes 2 and 4 of the 2021 Outcomes Improvement Plan (title printed \"Childrens\" without "
    "apostrophe). Probably the \"Deputy Director\" named as lead officer in outcome 7, which prints only the role.",
)
person(
    "haque", printed("Marium Haque"), printed("Acting Strategic Director, Children's Services"),
    note="DMT lead for outcomes 5 and 7 of the 2021 Outcomes Improvement Plan. Title printed variously in the same "
    "pack: \"Strategic Director Children's Services\" (Document O), \"Interim Strategic Director of Children's "
    "Services\" (Document P). The agenda spells her name \"Mariam Haque\" (item 8 contact).",
)

# --- Board 3 and its members -------------------------------------------------------------------------------------

assert "Cllr Geoff Winnard\nChair – Children's Services Overview and Scrutiny Committee" in TEXT
PURPOSE = (
    "Has the responsibility for \"the strategies, plans, policies, functions and services directly relevant to the "
    "corporate priority about services to children and young people.\" (Council Constitution, Part 2, 6.3.1)."
)
printed("the strategies, plans, policies, functions and services directly relevant to the corporate priority about "
        "services to children and young people.\" (Council Constitution, Part 2, 6.3.1).")
add(
    "governance.board", BOARD, organisation=ORG, name="Children's Services Overview and Scrutiny Committee",
    slug="childrens-scrutiny-committee", kind="scrutiny_committee", purpose=PURPOSE, terms_of_reference="",
    meeting_frequency="",
    note="Membership as printed on the front of the agenda for 15 December 2021; the chair from Document Q (report "
    "of \"Cllr Geoff Winnard, Chair – Children's Services Overview and Scrutiny Committee\"); no vice-chair is "
    "marked. Scrutiny Lead: Mustansir Butt (Overview and Scrutiny Lead). Document Q's 2021-22 work programme also "
    "lists meetings on 29 July, 22 September, 6 October, 13 October (remote) and 17 November 2021, and 19 January, "
    "9 February and 23 March 2022; only the 15 December 2021 meeting is recorded here.",
)

# The front page prints members in party columns; the line under each heading holds the surnames in column order.
assert "LABOUR\tCONSERVATIVE\tLIBERAL DEMOCRAT\tBRADFORD INDEPENDENT GROUP" in TEXT
COUNCILLORS = [  # (name as printed, party, role)
    ("Alipoor", "Labour", "member"),
    ("Choudhry", "Labour", "member"),
    ("Humphreys", "Labour", "member"),
    ("Jamil", "Labour", "member"),
    ("Mohammed", "Labour", "member"),
    ("Winnard", "Conservative", "chair"),
    ("Pollard", "Conservative", "member"),
    ("Stubbs", "Liberal Democrat", "member"),
    ("Sajawal", "Bradford Independent Group", "member"),
]
ALTERNATES = [
    ("Firth", "Labour"),
    ("H Khan", "Labour"),
    ("Mir", "Labour"),
    ("Wood", "Labour"),
    ("K Green", "Conservative"),
    ("Felstead", "Conservative"),
    ("Knox", "Liberal Democrat"),
]
assert "Alipoor Choudhry Humphreys Jamil Mohammed\tWinnard Pollard\tStubbs\tSajawal" in TEXT
assert "Firth H Khan Mir Wood\tK Green Felstead\tKnox\t" in TEXT
COOPTED = [  # (name, represents, role): names and what they represent are printed in two blocks, paired in order
    ("Joyce Simpson", "Church Representative (CE)", "coopted_voting"),
    ("Fauzia Raza", "Parent Governor Representative", "coopted_voting"),
    ("Tom Bright", "Teachers Secondary School Representative", "coopted_non_voting"),
    ("Dr Samina Karim", "Children's Social Care Representative", "coopted_non_voting"),
]

membership_pk = 200001
order = 0
for name, party, role in COUNCILLORS:
    order += 1
    if name == "Winnard":
        pk = person("winnard", "Geoff Winnard", "Councillor",
                    note="Printed \"Winnard\" (Conservative) in the membership list and \"Cllr Geoff Winnard\", "
                    "Chair of the committee, on Document Q.")
        position = printed("Chair – Children's Services Overview and Scrutiny Committee")
        note = "Listed as \"Winnard\" under Conservative; the chair is named in Document Q, not marked in the list."
    else:
        pk = person(name, name, "Councillor",
                    note=f"Printed by surname only (\"{name}\", {party}) in the committee's membership list of "
                    "15 December 2021.")
        position, note = "", ""
    add("governance.membership", membership_pk, board=BOARD, person=pk, role=role, position=position,
        represents="", party=party, start=None, end=None, order=order, note=note)
    membership_pk += 1
for name, party in ALTERNATES:
    order += 1
    pk = person(name, name, "Councillor",
                note=f"Printed by surname only (\"{name}\", {party}) among the committee's alternates of "
                "15 December 2021.")
    add("governance.membership", membership_pk, board=BOARD, person=pk, role="alternate", position="",
        represents="", party=party, start=None, end=None, order=order, note="")
    membership_pk += 1
for name, represents, role in COOPTED:
    order += 1
    printed(name)
    printed(represents)
    pk = person(name, name, "", note="Co-opted member of the Children's Services Overview and Scrutiny Committee.")
    add("governance.membership", membership_pk, board=BOARD, person=pk, role=role, position="",
        represents=represents, party="", start=None, end=None, order=order,
        note="The agenda prints the co-opted members' names and then what they represent in a separate block; "
        "paired in printed order.")
    membership_pk += 1

# --- the meeting of 15 December 2021 and its agenda ----------------------------------------------------------------

FRONT = ("Agenda for a meeting of the Children's Services Overview and Scrutiny Committee to be held on Wednesday, "
         "15 December 2021 at 4.30 pm in Council Chamber, City Hall - City Hall, Bradford")
assert FRONT in TEXT
assert "Wednesday, 15th December 2021 at City Hall, Bradford.\t\t\t\nChair's briefing 25/11/21. Report deadline " \
       "02/12/21." in TEXT
MEETING = 200001
add(
    "governance.meeting", MEETING, board=BOARD, start="2021-12-15T16:30:00Z",
    venue="Council Chamber, City Hall - City Hall, Bradford", papers_deadline="2021-12-02",
    note="Agenda front page: Wednesday, 15 December 2021 at 4.30 pm. Papers deadline from the work programme "
    "(Document Q): \"Chair's briefing 25/11/21. Report deadline 02/12/21.\" Registration to speak by midday on "
    "Monday 13 December 2021. Agenda from Parveen Akhtar, City Solicitor; agenda contact Fatima Butt / Jill Bell.",
)

start = LINES.index("A. PROCEDURAL ITEMS")
end = LINES.index("This page is intentionally left blank", start)
SECTION_HEADINGS = {"A. PROCEDURAL ITEMS", "B. OVERVIEW AND SCRUTINY ACTIVITIES"}
items, section = [], ""
for line in LINES[start:end]:
    s = line.strip()
    if s in SECTION_HEADINGS:
        section = s
        continue
    m = re.match(r"^(\d{1,2})\. (.+)$", s)
    if m:
        items.append({"number": m.group(1), "heading": m.group(2), "section": section, "body": []})
    elif s and items:
        items[-1]["body"].append(s)
assert [i["number"] for i in items] == [str(n) for n in range(1, 11)], [i["number"] for i in items]

item_pk = 200001
for order, item in enumerate(items, start=1):
    title, pages = item["heading"], ""
    m = re.match(r"^(.*?)\s+(\d+ - \d+)$", title)
    if m:
        title, pages = m.group(1), m.group(2)
    body, author, contact = [], "", ""
    for s in item["body"]:
        if re.fullmatch(r"\d+ -( \d+)?|\d+", s):  # page numbers split onto their own lines
            pages = f"{pages} {s}".strip()
            continue
        cm = re.match(r"^\((.+?)\s+[–-]\s+[\d(]", s)
        if cm and s.endswith(")"):
            author, contact = cm.group(1), s
            continue
        s = s.replace("**", "")
        s = re.sub(r"^- ", "", s)
        s = re.sub(r"\*$", "", s)
        body.append(s)
    doc = re.search(r"Document [“\"](\w)[”\"]", " ".join(item["body"]))
    notes = [f"Section \"{item['section']}\" of the agenda."]
    if pages:
        notes.append(f"Pages {pages} of the agenda pack.")
    if contact:
        notes.append(f"Contact as printed: {contact}")
    plans = []
    if item["number"] == "8":
        plans = [PLAN]
        notes.append(
            "The report (Document O) spells the author \"Marium Haque\", Strategic Director Children's Services; "
            "the agenda prints \"Mariam Haque\". Its appendix is the Children's Services Improvement Plan (plan "
            "200001). The work programme (Document Q) lists this meeting's item as \"1) Improvement Plan.\", author "
            "Marium Haque, \"Children's Services Overview & Scrutiny Committee Recommendation from Wednesday 22 "
            "September 2021.\""
        )
    if item["number"] == "10":
        notes.append("The agenda prints \"The of the Chair\" (a word missing); kept as printed.")
    add("governance.agendaitem", item_pk, meeting=MEETING, number=item["number"], title=printed(title),
        description=printed("\n".join(body)), report_author=author, document=doc.group(1) if doc else "",
        plans=plans, themes=[], themes_as_printed="", order=order, note=" ".join(notes))
    item_pk += 1

# --- Inspection 200001: the 6th monitoring visit --------------------------------------------------------------------

SUMMARY = (
    "Following Ofsted's Inspection of Children's Social Care Services from the 17 to 28 September 2018, the sixth of "
    "a series of Monitoring Visits took place on the 7 to 8 September 2021. The focus of the Monitoring Visit was "
    "around Children in Care and Residential Services. This monitoring visit reviewed the progress made in "
    "strengthening practice for Children in Care. The previous monitoring visit that looked at Children in Care took "
    "place in February 2020.\n"
    "The following areas were considered within the scope of this monitoring visit:\n"
    "Permanence planning & decision-making for children in care;\n"
    "Placement stability & sufficiency of placements for children;\n"
    "Placement decision-making & the commissioning arrangements;\n"
    "Unregulated and unregistered placements."
)
for sentence in re.split(r"(?<=\.) |\n", SUMMARY):
    printed(sentence)
add(
    "inspections.inspection", INSPECTION, organisation=ORG, kind="monitoring_visit",
    title="Ofsted monitoring visit (6th): children in care, 7-8 September 2021",
    slug="ofsted-monitoring-visit-2021-09", inspectorate="Ofsted",
    authority="City of Bradford Metropolitan District Council", start_date="2021-09-07", end_date="2021-09-08",
    published="2021-10-22", lead_inspector="", overall_grade="", summary=SUMMARY,
    note="Recorded from the council's report to the Children's Services Overview and Scrutiny Committee of 15 "
    "December 2021 (Document O, Marium Haque); the Ofsted letter itself is not in the pack, so the findings are the "
    "report's summary of it (paragraphs 3.1.2, 3.1.3 and 3.2.1) and no lead inspector is printed. \"The findings "
    "were published by Ofsted on 22 October 2021.\" The 6th monitoring visit since the full ILACS inspection in 2018 "
    "(inspection 100001). It took place after a Commissioner had been appointed by the DfE (paragraph 3.1.1; "
    "Statutory Direction 15 September 2021, paragraph 6.3). The report prints the second list as \"areas where "
    "practice still need to improve\". Its background paragraphs are numbered 2.1 then 2.3 (no 2.2).",
)
FINDINGS = [
    ("Improvements noted", "The quality and frequency of children's review meetings."),
    ("Improvements noted", "Life story work which is taking place with more children."),
    ("Improvements noted", "Supporting children to achieve timely permanence through adoption."),
    ("Improvements noted", "Permanence tracking is now in place and better embedded."),
    ("Improvements noted", "The virtual school are persistent advocates for children's education."),
    ("Improvements noted", "The introduction of court consultants is beginning to improve drift and delay."),
    ("Areas where practice still needs to improve", "Urgently improve the standard of care provided in residential "
     "services."),
    ("Areas where practice still needs to improve", "Improve the quality and effectiveness of commissioning of "
     "placements."),
    ("Areas where practice still needs to improve", "Strengthen the effectiveness of corporate parenting."),
    ("Areas where practice still needs to improve", "Improve the consistency of practice in care and planning & "
     "managers' oversight and practice with children living at home under the jurisdiction of the court."),
    ("Areas where practice still needs to improve", "Further stabilise the workforce and reduce social workers' "
     "workloads."),
    ("Areas where practice still needs to improve", "Strengthen the participation, voice and influence of children "
     "& young people in helping to make improvements to the service."),
    ("Next Steps", "The monitoring visit identified that the action plan was overly long and complex, and therefore "
     "this made it difficult to focus on priority areas to enable change to take place."),
]
for number, (section, text) in enumerate(FINDINGS, start=1):
    add("inspections.finding", 200000 + number, inspection=INSPECTION, number=number, section=section,
        text=printed(text))

# --- Plan 200001 ----------------------------------------------------------------------------------------------------

intro_start = LINES.index("Introduction") + 1
intro_end = LINES.index("Childrens Improvement Plan")
intro = [s.strip() for s in LINES[intro_start:intro_end] if s.strip()]
INTRODUCTION = printed("\n".join(intro))
assert "Lead author\tChris Chapman\nRevised\tOctober 2021\nProgress update\tn/a" in TEXT
add(
    "plans.plan", PLAN, organisation=ORG, title="Children's Services Improvement Plan",
    slug="outcomes-improvement-plan-2021", version="October 2021", status="superseded", start=None, end=None,
    published=None, introduction=INTRODUCTION, supersedes=PLAN_2019, board=BOARD_IMPROVEMENT,
    inspections=[INSPECTION, INSPECTION_ILACS_2018], part_word="outcome",
    note="The covering report (Document O, paragraphs 3.2.1-3.2.5) calls it the Outcomes Improvement Plan: the new, "
    "focused plan written after the 6th monitoring visit found \"the action plan was overly long and complex\". "
    "Printed as Appendix 1 to Document O for the Children's Services Overview and Scrutiny Committee of 15 December "
    "2021; its heading prints \"Children’s Services Improvement Plan\" (curly apostrophe) and the table heading "
    "\"Childrens Improvement Plan\". Lead author Chris Chapman; \"Revised October 2021\" (kept as the version); "
    "\"Progress update n/a\". Horizon: \"the 7 Outcomes that we aim to achieve over the next 3-6 months\" and "
    "\"change within a 3-6 month period\": no start or end date is printed, so none is set. Governance through "
    "Childrens Services DMT (brief highlight report), impacts reported to Childrens Improvement Board (board 1). "
    "No action numbers are printed: actions are numbered in printed order within their outcome (reference_printed "
    "false). Lead officers and timescales are printed per milestone; an action's timeline is the distinct "
    "timescales of its milestone rows in printed order, joined by \"; \", and its due date the latest of them. "
    "Superseded by the 2022-24 improvement plan (plan 300001).",
)

# Outcome headings and the row span of each outcome.
p_start = intro_end
p_end = next(i for i in range(p_start, len(LINES)) if LINES[i].startswith("Report of the Strategic Director"))
heads = [i for i in range(p_start, p_end) if re.match(r"^[1-7]\. ", LINES[i])]
assert len(heads) == 7, heads
blocks = [LINES[h : (heads[k + 1] if k + 1 < len(heads) else p_end)] for k, h in enumerate(heads)]

RISKS, IMPACT, HEADLINE, ADDITIONAL = (
    "Risks to Implementation:",
    "Impact – What difference will this make:",
    "Headline KPI's",
    "Additional KPI's",
)


def bullets_after(block, heading):
    """A markdown list printed under a heading line of its own."""
    if heading not in block:
        return None
    out = []
    for s in block[block.index(heading) + 1 :]:
        if s.startswith("- "):
            out.append(printed(" ".join(s[2:].split())))
        elif s.strip():
            break
    return out


def cell(block, prefix, col=0):
    """The raw text of the cell in column col of the row whose cell col starts (after markup) with prefix."""
    for s in block:
        cells = s.split("\t")
        if len(cells) > col and clean(cells[col]).startswith(prefix):
            return cells[col]
    raise KeyError(prefix)


def square_bullets(raw, heading):
    assert clean(raw).startswith(heading)
    parts = [" ".join(p.split()) for p in re.sub(r"<[^>]+>", " ", raw).split("▪")[1:]]
    return [printed(p) for p in parts]


# Lists whose item boundaries the conversion lost (items glued or run together): hand-split, verified by glued().
HAND = {
    2: {
        "risks": (RISKS, [
            "Financial support to enable the interim position of fixed-term teams and agency workers is not in place "
            "to help reduce caseloads",
            "HR support and processes lead to delays in progressing restructuring of the Fostering Service",
            "Strategic Contracts process leads to delays in recruiting agency to fill vacant posts",
            "IT is not provided to new staff (both permanent and agency) in a timely way",
            "Practice Supervisors do not have their concerns adequately addressed regarding the interim allocation of "
            "a protected caseload",
        ]),
        "headline": (HEADLINE, [
            "Maximum number of cases held",
            "% children visited on time – CPP, CIN and CiC",
            "% Case summaries up to date",
        ]),
        "additional": (ADDITIONAL, [
            "% caseworker with more than their target caseload (possibly broken down by caseworker type)",
            "% of children who have more than 3 Social Workers in the first 12 months of coming into care",
            "% permanent staff",
            "% Sickness Absence",
            "% children seen as part of their assessment",
            "% Plans up to date",
        ]),
        "impact": (IMPACT, [
            "Reduced caseloads will improve the quality of practice and achieve better outcomes for children and "
            "families.",
            "Reduce the number of changes of Social Worker for CYP, to help build trusted relationships.",
            "Improved morale and retention rates enabling the service to provide high quality interventions and "
            "support to children, young people and families.",
        ]),
    },
    3: {
        "risks": (RISKS, [
            "Further delay or lack of decision to implement the recommendations in the “Money Matters” paper",
            "Lack of support from Corporate Communications team to support key messages to foster carers",
            "Lack of financial commitment to support the development of a “level 4” option for foster carers",
            "Lack of clarity regarding the employment status of level 4 foster carers",
        ]),
        "headline": ("KPI's", 2, [
            "Long term stability",
            "Unplanned placement moves",
            "Number of foster carers recruited",
            "Number of foster carers lost.",
        ]),
        "impact": (IMPACT, [
            "Increased confidence and resilience within our foster carers.",
            "Improved retention and progression rates for foster carers who feel valued and safe.",
            "Increased recruitment rates due to level of support offered to foster carers",
        ]),
    },
    5: {
        "risks": (RISKS, [
            "Insufficient applications and recruitment of both newly qualified and qualified social workers (and "
            "associated support roles)",
            "Inability to reduce attrition across the locality teams",
            "Slow and inadequate processes and systems e.g. cumbersome application process, lack of timely response "
            "and poor candidate experience in a candidate driven, talent short market",
            "Slow process in the provision of issuing contracts for permanent appointments or staff who have been "
            "promoted",
            "Insufficient salary benchmark data to ensure competitiveness and/or market supplements for hard to "
            "recruit roles",
        ]),
        "headline": (HEADLINE, [
            "Number of starters and leavers",
            "Number/ percentages of personal supervision",
            "Progression between levels",
        ]),
        "additional": (ADDITIONAL, [
            "% cases supervised",
            "Budget monitoring",
            "Number of adverts, time between application and interview",
            "Social work survey",
        ]),
    },
}
CELL_COLUMN = {"risks": 0, "impact": 0, "headline": 1, "additional": 2}

# Cells of the action table holding a list, hand-split into lines (verified by glued()); keyed by action reference,
# or by (action reference, milestone order) for a milestone.
CELL_LINES = {
    ("1.5", 1): [
        "Key stakeholder agencies will oversee the development and implementation of the corporate parent strategy "
        "as well as;",
        "Identify champions at a directorate level",
        "Identification of training and learning needs",
    ],
    "2.3": [
        "Implement workforce recruitment plan so that we can:",
        "Release agency workers as caseloads reduce.",
        "Release fixed term teams as permanent staff are appointed",
        "Extend Fixed-term teams to the end of March.",
        "Consider / research retention options & plans",
    ],
    "3.2": [
        "Finalise and approve the implementation of;",
        "Review fostering and residential structures and staffing",
        "fostering fees and allowances policy",
        "SGO policy.",
        "Commission residential capacity and review current Statements of Purpose",
    ],
    "6.1": [
        "Baseline data required, with trends to inform resource planning.",
        "Children looked after.",
        "Profile of CLA coming into care,",
        "CLA placements in Fostering and",
        "CLA with Disabilities",
    ],
}

DMT_LEADS = {1: ["segurola"], 2: ["johnston"], 3: ["segurola"], 4: ["segurola", "johnston"], 5: ["haque"],
             6: ["segurola"], 7: ["haque"]}

# Report wording of the 7 priority outcomes (Document O, paragraph 3.2.2), to note where it differs from the plan.
REPORT_TITLES = {}
for s in LINES[LINES.index("3.2.2 The Outcomes Improvement Plan is designed to focus on 7 priority outcome areas where "
                           "our ambition is to demonstrate change within a 3-6 month period. The 7 priority outcomes "
                           "are:") + 1 :]:
    m = re.match(r"^([1-7])\. (.+)$", s)
    if m:
        REPORT_TITLES[int(m.group(1))] = m.group(2)
    elif s.startswith("3.2.3"):
        break
assert len(REPORT_TITLES) == 7

THEME_NOTES = {
    3: "Prints a single \"KPI's\" list, not split into headline and additional KPIs: stored as headline_kpis.",
    4: "Two DMT leads are printed for this outcome (Philip Segurola and David Johnston): both kept as leads. The "
    "first two impact statements say the same thing in almost the same words (\"More Children\" / \"More children\", "
    "\"service, we\" / \"service we\"): both kept.",
    2: "Risks, KPIs and impact are printed as a table whose list items the conversion ran together; split into one "
    "item per line by hand, text unchanged.",
    5: "Risks and KPIs are printed as a table whose list items the conversion ran together; split into one item per "
    "line by hand, text unchanged.",
}
THEME_NOTES[3] = THEME_NOTES[3] + " Risks, KPIs and impact items were run together by the conversion (e.g. " \
    "\"paperLack\"); split by hand, text unchanged."

ACTION_NOTES = {
    "1.1": "The activity ends \"which will;\": the next four actions (1.2-1.5) read as its sub-points, but each is "
    "printed in its own row with its own milestones, so each is kept as an action.",
    "2.3": "A bulleted list in the Action cell; the conversion ran the bullets together (\"reduce.Release\", "
    "\"appointedExtend\"): one item per line, text unchanged.",
    "3.1": "Two statements printed in one Action cell (\"... for foster carers Assess mockingbird design ...\"); kept "
    "as printed.",
    "3.2": "A bulleted list in the Action cell; the conversion ran the bullets together (\"staffingfostering\", "
    "\"policySGO\", \"policy.Commission\"): one item per line, text unchanged.",
    "3.5": "The milestone has no lead officer printed.",
    "6.1": "Printed with \"*\" bullets; one item per line, bullets dropped.",
    "6.3": "The activity ends \"to include:\" with nothing following; the previous row (6.2, \"External providers to "
    "run the additional homes.\") may be the option meant. \"Create new 5 small bedroom homes\" as printed.",
}

theme_pk, action_pk, milestone_pk = 200001, 200001, 200001
measure_pk = 250001  # measures 250001 on: clear of the other models' pks counted from 200001
for n, block in enumerate(blocks, start=1):
    title = printed(block[0].split(". ", 1)[1].strip())
    lead_line = next(s for s in block if s.startswith("DMT Lead: "))
    leads_as_printed = printed(lead_line[len("DMT Lead: ") :].strip())

    # action table
    rows = [s.split("\t") for s in block if s.count("\t") == 3]
    rows = [r for r in rows if r[0] != "Action" and not clean(r[0]).startswith(("Risks", "Impact"))]
    actions = []
    for r in rows:
        activity, milestone, lead, due = r
        if activity.strip():
            actions.append({"activity": activity, "milestones": []})
        actions[-1]["milestones"].append((milestone, clean(lead), clean(due)))

    # theme texts
    sections = {}
    hand = HAND.get(n, {})
    for key, heading in (("risks", RISKS), ("impact", IMPACT), ("headline", HEADLINE), ("additional", ADDITIONAL)):
        if key in hand:
            head, *col, items = hand[key]
            sections[key] = glued(cell(block, head, col[0] if col else CELL_COLUMN[key]), items, head)
            continue
        md = bullets_after(block, heading)
        if md is not None:
            sections[key] = md
            continue
        try:
            raw = cell(block, heading, CELL_COLUMN[key])
        except KeyError:
            sections[key] = []
            continue
        sections[key] = square_bullets(raw, heading)
    for key in ("risks", "impact", "headline"):
        assert sections[key], (n, key)
    assert sections["additional"] or n == 3, n

    note = []
    if clean(REPORT_TITLES[n]) != title:
        note.append(f"Document O (paragraph 3.2.2) words this outcome: \"{REPORT_TITLES[n]}\"")
    if n in THEME_NOTES:
        note.append(THEME_NOTES[n])
    add(
        "plans.theme", theme_pk, plan=PLAN, number=str(n), title=title, group="", group_title="", what_we_mean="",
        for_children="", success_measures="", risks="\n".join(sections["risks"]),
        impact="\n".join(sections["impact"]), headline_kpis="\n".join(sections["headline"]),
        additional_kpis="\n".join(sections["additional"]), leads=[PEOPLE[k] for k in DMT_LEADS[n]],
        leads_as_printed=leads_as_printed, order=n, note=" ".join(note),
    )
    # One measure per KPI bullet, headline then additional; outcome 3 prints one "KPI's" list, so no tier.
    if n == 3:
        kpis = [("", text) for text in sections["headline"]]
        kpi_note = "Printed in outcome 3's single \"KPI's\" list, not split into headline and additional: tier left empty."
    else:
        kpis = [("headline", t) for t in sections["headline"]] + [("additional", t) for t in sections["additional"]]
        kpi_note = ""
    new_measures = measures(plan=PLAN, theme=theme_pk, bullets=kpis, first_pk=measure_pk, in_kpi_list=True,
                            extra_note=kpi_note)
    OBJECTS.extend(new_measures)
    measure_pk += len(new_measures)

    for a, action in enumerate(actions, start=1):
        ref = f"{n}.{a}"
        if ref in CELL_LINES:
            activity = "\n".join(glued(action["activity"], CELL_LINES[ref]))
        else:
            activity = printed(clean(action["activity"]))
        timescales = []
        for _, _, due in action["milestones"]:
            if due and due not in timescales:
                timescales.append(due)
        dues = [month_end(t) for t in timescales if month_end(t)]
        add(
            "plans.action", action_pk, theme=theme_pk, objective=None, reference=ref, reference_printed=False,
            activity=activity, desired_outcome="", timeline="; ".join(timescales),
            due_date=iso(max(dues, default=None)),
            lead=None, lead_as_printed="", supporting_leads=[], recommendations=[], codes_as_printed="", order=a,
            note=ACTION_NOTES.get(ref, ""), added_on=ADDED_ON,
        )
        for m, (text, lead, due) in enumerate(action["milestones"], start=1):
            key = (ref, m)
            text = "\n".join(glued(text, CELL_LINES[key])) if key in CELL_LINES else printed(clean(text))
            mnote = []
            if not lead and not due:
                mnote.append("No lead officer or timescale printed in this row (probably shared with the row above "
                             "in the PDF table).")
            elif not lead:
                mnote.append("No lead officer printed in this row.")
            if "(start " in due:
                mnote.append("The due date is the end month; the bracket gives the start.")
            if lead == "Principle Social Worker":
                mnote.append("\"Principle Social Worker\" as printed (Principal Social Worker).")
            if lead == "Deputy Director":
                mnote.append("A role, not a name: the DMT leads name David Johnston as Deputy Director, Childrens "
                             "Social Care.")
            add(
                "plans.milestone", milestone_pk, action=action_pk, theme=None, text=text, due_as_printed=due,
                due_date=iso(month_end(due)), lead=None, lead_as_printed=printed(lead), achieved=None, order=m,
                note=" ".join(mnote),
            )
            milestone_pk += 1
        action_pk += 1
    theme_pk += 1

# --- write ----------------------------------------------------------------------------------------------------------

for obj in OBJECTS:
    assert 200000 <= obj["pk"] <= 299999 or (obj["model"] == "governance.board" and obj["pk"] == BOARD), obj
OUT.write_text(json.dumps(OBJECTS, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
counts = {}
for obj in OBJECTS:
    counts[obj["model"]] = counts.get(obj["model"], 0) + 1
print(OUT.relative_to(ROOT), counts)
