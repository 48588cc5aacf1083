"""Build fixtures/30_plan_2022_24.json from the 2022-24 Bradford Children's Services Improvement Plan seed.

Run from the project root: .venv/bin/python tools/seed_fixtures/seed2022.py

The strand sections, the plan on a page and the Ofsted summary table are parsed from the seed text; the
notes (oddities of the seed) and the mapping of printed labels to strands are curated by hand below.
Every pk is in 300000-399999 (Plan 300001 and Inspection 300001 are fixed pks shared by all files).
"""

import calendar
import datetime
import json
import re
from pathlib import Path

from measure_rules import measures

ROOT = Path(__file__).resolve().parents[2]
# The seeds sit beside the repository (../shared/seeds), as on every machine and in CI.
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED = SEEDS / "2022-24-childrens-services-improvement-plan.txt"
OUT = ROOT / "fixtures" / "30_plan_2022_24.json"

BASE = 300000
PLAN_PK = 300001
INSPECTION_PK = 300001
ORGANISATION = 1
BOARD = 1
SUPERSEDES = 200001
MEASURE_BASE = 350000  # measures 350001 on: clear of the other models' pks counted from BASE
# Every action joined the plan when it starts (1 January 2022, its printed "2022 – 2024"); no publication date is
# printed. Without it the model default (the day the fixture is loaded) would put every action in the plan late.
ADDED_ON = "2022-01-01"

GROUPS = {
    "A": "Improving the lives of children and young people",
    "B": "Creating the conditions for success",
}

# Strand number as printed in its section heading -> (group, note). Order is the printed order of the
# sections (3b is printed between 3a and 4).
STRANDS = {
    "1": ("A", 'Listed in "About our Improvement Plan" as "1. Who are referred to our Front Door"; '
               'plan on a page row "1 – Front door".'),
    "2": ("A", 'Listed in "About our Improvement Plan" as "2. Who need early help"; plan on a page row '
               '"2 – Early Help".'),
    "3a": ("A", 'The section heading prints "3a"; the list of strands ("3. Who are in need of help and '
                'protection"), the plan on a page ("3 – Help & Protection") and the Ofsted summary '
                '("Suggested Strand" "3 – ...") print "3". The quotation in the background opens with ‘ and '
                'is not closed, as printed.'),
    "3b": ("A", 'The plan prints under the heading: "This strand was initiated in January 2023 and is in '
                'development". Not in the list of strands nor on the plan on a page. The background is '
                'placeholder text, kept verbatim as printed ("For those children and young people with '
                'disabilities....." and "Text needed – ..."). "What we are aiming for" prints a single '
                'empty bullet, so the strand has no objectives.'),
    "4": ("A", 'Listed in "About our Improvement Plan" as "4. Who are on the edge of care (to include a '
               'Turning the Curve plan to safely reduce the number of children needing to be looked '
               'after)"; plan on a page row "4 – Edge of Care & Turning the Curve to safely reduce no.s of '
               'children in care".'),
    "5": ("A", 'Listed in "About our Improvement Plan" as "5. Who are in care and who have left care"; plan '
               'on a page row "5 – Children in Care & Care Leavers".'),
    "6": ("B", 'The heading begins "Improving the lives of children and young people" although the strand '
               'is in half B ("Creating the conditions for success"), where it is listed as "6. Ensuring '
               'children, young people and families have voice and influence"; plan on a page row '
               '"6 – Voice & Influence".'),
    "7": ("B", 'Plan on a page row "7 – Strategic Leadership" is empty: no milestones printed.'),
    "8": ("B", 'The second "How we will do this" item, "Increasing the proportion of permanent staff by:", '
               'is a lead-in to six sub-items; each sub-item is an action (8.2 to 8.7). Plan on a page row '
               '"8 – Workforce".'),
    "9": ("B", 'Plan on a page row "9 – Practice Improvement & Practice Model" is empty: no milestones '
               'printed.'),
    "10": ("B", 'The heading is printed "10. A strong and collaborative partnership" (a full stop, where '
                'the other headings print a dash). Plan on a page row "10 – Partnership" is empty: no '
                'milestones printed.'),
    "11": ("B", 'Listed in "About our Improvement Plan" as "11. Buildings, IT, finance, admin. HR support and '
                'equipment that support quality practice"; plan on a page row "11 – Buildings, IT, HR, '
                'Finance etc.".'),
    "12": ("B", 'Listed in "About our Improvement Plan" as "12. Data and Insight (Learning and improving '
                'through performance management and quality assurance)"; plan on a page row '
                '"12 – Data & Insight" is empty: no milestones printed.'),
}

# The printed strand number in the plan on a page and the Ofsted summary -> strand section number.
LABEL_TO_STRAND = {str(n): str(n) for n in range(1, 13)} | {"3": "3a"}

STATUS_3B = "This strand was initiated in January 2023 and is in development"
# The one plan-on-a-page cell that is not a milestone (strand 2, Mar 23).
NOT_A_MILESTONE = "SfL + FH delivery plans will inform future key milestones"

HEADING = re.compile(r"^(\d+[ab]?)(?: [-–] |\. )(.+)$")
MONTH = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept|Oct|Nov|Dec) (\d\d)$")
MONTHS = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8, "Sept": 9,
          "Oct": 10, "Nov": 11, "Dec": 12}

PLAN_NOTE = (
    'No version is printed: version left blank. No approval date or status is printed; status "approved" '
    "as the plan in force after the 2021 Outcomes Improvement Plan. The seed calls it \"a dynamic and "
    'iterative improvement plan" commissioned by the board, the plan on a page is "subject to further '
    'population as work streams progress", and strand 3b "was initiated in January 2023 and is in '
    'development". The text includes the ILACS report published 31 January 2023 and 3b\'s success measure '
    '"to be identified in February 2023", so this version dates from about February 2023; no publication '
    'date is printed. The period is printed only as years ("2022 – 2024"): start and end are 1 January 2022 '
    "and 31 December 2024; the plan on a page runs Nov 22 to Oct 23. "
    'Subtitle: "Improving the lives of children and young people and creating the conditions for success". '
    "Foreword signed by Eileen Milner, Chair of the Children and Families Trust, and Marium Haque, Strategic "
    "Director Children's Services, on behalf of the Bradford Children's Services Improvement Board (the plan "
    "also calls it the Bradford Children's Improvement Board, chaired by the Bradford Commissioner). "
    "No strand leads, action leads, timelines, action numbers or objective numbers are printed, and no "
    "action is linked to an objective. There is no dedicated equality and diversity strand; the plan is to "
    "be read alongside the Bradford Local Area SEND Action plan (Written Statement of Action)."
)

INSPECTION_NOTE = (
    'From the plan\'s "Summary of Ofsted areas for improvement – ILACS Report Published 31st January 2023". '
    "No inspection dates, judgements or grades are printed in this seed: start and end dates left blank. "
    "The authority is not named in the summary; \"Bradford\" is how the plan names it."
)


def clean(text):
    """Normalise whitespace to single spaces."""
    return " ".join(text.split())


def month_end(label):
    """"Nov 22" -> 2022-11-30."""
    m = MONTH.match(label)
    assert m, label
    year, month = 2000 + int(m.group(2)), MONTHS[m.group(1)]
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_strands(lines):
    start = next(i for i, line in enumerate(lines) if line.startswith("1 - Improving the lives"))
    stop = next(i for i, line in enumerate(lines) if line.startswith("Improvement Plan on a Page"))
    strands, current, part = [], None, None
    for raw in lines[start:stop]:
        line = raw.rstrip()
        if not line.strip():
            continue
        heading = HEADING.match(line)
        if heading:
            current = {"number": heading.group(1), "title": clean(heading.group(2)), "background": [],
                       "aims": [], "hows": [], "measures": []}
            strands.append(current)
            part = "background"
            continue
        section = {"What we are aiming for:": "aims", "How we will do this:": "hows",
                   "How we will know we are succeeding:": "measures"}.get(line.strip())
        if section:
            part = section
            continue
        if part == "background":
            current["background"].append(line)
        elif line.startswith(" - "):
            assert part == "hows" and current["number"] == "8", line
            current[part].append(("sub", clean(line[3:])))
        elif line.startswith("- "):
            current[part].append(("item", clean(line[2:])))
        elif line.strip() == "-":
            assert current["number"] == "3b" and part == "aims", line
        else:
            raise AssertionError(f"unexpected line in {current['number']} {part}: {line!r}")
    return strands


def background_text(strand):
    """Paragraphs joined by a blank line; the list of questions in strand 12 kept one per line."""
    out = []
    for line in strand["background"]:
        text = clean(line)
        if text == STATUS_3B:
            assert strand["number"] == "3b"
            continue
        if text.startswith("- ") and out and out[-1].startswith("- "):
            out[-1] += "\n" + text
        else:
            out.append(text)
    return "\n\n".join(out)


def build():
    lines = SEED.read_text(encoding="utf-8").splitlines()
    objects = []

    def add(model, pk, **fields):
        objects.append({"model": model, "pk": pk, "fields": fields})

    intro_start = lines.index("Introduction and context") + 1
    intro_end = lines.index("Foreword")
    introduction = "\n\n".join(clean(x) for x in lines[intro_start:intro_end] if x.strip())

    # The inspection and its 14 areas for improvement.
    add("inspections.inspection", INSPECTION_PK, organisation=ORGANISATION, kind="ilacs_full",
        title="Ofsted inspection of local authority children's services (ILACS), report published 31 January 2023",
        slug="ofsted-ilacs-2023", inspectorate="Ofsted", authority="Bradford", start_date=None, end_date=None,
        published="2023-01-31", lead_inspector="", overall_grade="", summary="", note=INSPECTION_NOTE)

    table_start = next(i for i, line in enumerate(lines) if line.startswith("#\tArea for Improvement"))
    header = lines[table_start].split("\t")
    assert header[2] == "Suggested Strand", header
    afis = []
    for line in lines[table_start + 1:]:
        if not line.strip():
            continue
        number, text, strand_cell = line.split("\t")
        afis.append((number, clean(text), clean(strand_cell)))
    assert [a[0] for a in afis] == [str(n) for n in range(1, 15)], afis
    for i, (number, text, _strand_cell) in enumerate(afis, 1):
        add("inspections.recommendation", BASE + i, inspection=INSPECTION_PK, code=f"AFI {number}",
            code_as_printed=number, kind="area_for_improvement", text=text, finding=None, order=i,
            note='Numbered by the "#" column of the plan\'s summary table; the seed does not print the '
                 "report's own paragraph numbers. The table header says each area is \"to be aligned to "
                 'existing strand of the plan following consultation".')

    add("plans.plan", PLAN_PK, organisation=ORGANISATION,
        title=clean(next(x for x in lines if x.strip())), slug="improvement-plan-2022-24",
        version="", status="approved", start="2022-01-01", end="2024-12-31", published=None,
        introduction=introduction, supersedes=SUPERSEDES, board=BOARD, inspections=[INSPECTION_PK],
        part_word="strand", note=PLAN_NOTE)
    # The plan says "The planned go live date is in April 2023" for the children's trust (organisation 2): the
    # trust's staff see the plan from 1 April 2023. Planned in the seed, not confirmed.
    add("plans.planshare", BASE + 1, plan=PLAN_PK, organisation=2, start="2023-04-01", end=None,
        start_confirmed=False,
        note='The plan gives the trust\'s "planned go live date" as April 2023; the first of the month is '
             "assumed and the date is not confirmed by the seeds.")

    strands = parse_strands(lines)
    assert [s["number"] for s in strands] == list(STRANDS), [s["number"] for s in strands]
    theme_pk = {}
    objective_pk = action_pk = BASE
    for order, strand in enumerate(strands, 1):
        number = strand["number"]
        group, note = STRANDS[number]
        pk = theme_pk[number] = BASE + order
        add("plans.theme", pk, plan=PLAN_PK, number=number, title=strand["title"], group=group,
            group_title=GROUPS[group], what_we_mean=background_text(strand), for_children="",
            success_measures="\n".join(text for _, text in strand["measures"]), risks="", impact="",
            headline_kpis="", additional_kpis="", leads=[], leads_as_printed="", order=order, note=note)
        # "How we will know we are succeeding": one measure per bullet, pks 350001 on, in printed order.
        objects.extend(measures(plan=PLAN_PK, theme=pk, bullets=[("", text) for _, text in strand["measures"]],
                                first_pk=MEASURE_BASE + 1 + sum(o["model"] == "plans.measure" for o in objects)))
        for i, (kind, text) in enumerate(strand["aims"], 1):
            assert kind == "item"
            objective_pk += 1
            obj_note = ""
            if "*" in text:
                assert text.count("*with*") == 1, text
                text = text.replace("*with*", "with")
                obj_note = 'The conversion printed "*with*" (emphasis in the PDF); the asterisks are dropped.'
            add("plans.objective", objective_pk, theme=pk, number=f"{number}.{i}", number_printed=False,
                group_heading="", text=text, codes_as_printed="", recommendations=[], order=i, note=obj_note)
        lead_in = None
        index = 0
        for kind, text in strand["hows"]:
            if text.endswith(" by:") and kind == "item":
                lead_in = text
                continue
            index += 1
            action_note = ""
            if kind == "sub":
                action_note = f'Printed as a sub-item of "{lead_in}".'
            action_pk += 1
            add("plans.action", action_pk, theme=pk, objective=None, reference=f"{number}.{index}",
                reference_printed=False, activity=text, desired_outcome="", timeline="", due_date=None,
                lead=None, lead_as_printed="", supporting_leads=[], recommendations=[], codes_as_printed="",
                order=index, note=action_note, added_on=ADDED_ON)
        assert "*" not in json.dumps([strand["hows"], strand["measures"]]), number

    # The plan on a page: a cell lists its milestones separated by "; " ("Phase 2 + Launch of public line; DT
    # review" is two); each is a milestone of the cell's month, numbered in printed order along the row.
    milestone_pk = BASE
    page_start = next(i for i, line in enumerate(lines) if line.startswith("Improvement Plan on a Page"))
    page_end = table_start
    months = None
    seen_rows = []
    for line in lines[page_start:page_end]:
        if "\t" not in line:
            continue
        cells = line.split("\t")
        assert len(cells) == 13, line
        if cells[0] == "Strand of the plan":
            months = cells[1:]
            assert months[0] == "Nov 22" and months[-1] == "Oct 23", months
            continue
        label = cells[0]
        printed = re.match(r"^(\d+) – ", label).group(1)
        strand = LABEL_TO_STRAND[printed]
        seen_rows.append(printed)
        order = 0
        for month, cell in zip(months, cells[1:], strict=True):
            text = clean(cell)
            if not text:
                continue
            trailing = text.endswith(";")
            parts = [text] if text == NOT_A_MILESTONE else [p.strip() for p in text.rstrip(";").split("; ")]
            assert all(parts) and not any(";" in p for p in parts), text
            for part in parts:
                order += 1
                milestone_pk += 1
                notes = [f'Row "{label}" of the plan on a page, {month}.']
                if len(parts) > 1:
                    notes.append(f'One of {len(parts)} milestones printed in one cell, separated by "; ": "{text}".')
                if trailing:
                    notes.append('The cell ends with a semicolon, as printed; dropped.')
                if part == NOT_A_MILESTONE:
                    notes.append("Not a milestone: a note printed in the milestones grid that later milestones will "
                                 "follow from these delivery plans; kept as one milestone so the row reads as "
                                 "printed. Printed under Mar 23 with the later months of the row empty; the PDF may "
                                 "have spread this cell across the later months, which the text does not show.")
                if "2 nd" in part:
                    notes.append('"2 nd" as printed: the conversion of a superscript "2nd".')
                if "purchase off The Birches" in part:
                    notes.append('"purchase off" as printed.')
                if "perspective localities" in part:
                    notes.append('"perspective localities" as printed.')
                add("plans.milestone", milestone_pk, action=None, theme=theme_pk[strand], text=part,
                    due_as_printed=month, due_date=month_end(month).isoformat(), lead=None, lead_as_printed="",
                    achieved=None, order=order, note=" ".join(notes))
    assert seen_rows == [str(n) for n in range(1, 13)], seen_rows

    # Each area for improvement against its suggested strand.
    for i, (number, _text, strand_cell) in enumerate(afis, 1):
        printed = re.match(r"^(\d+) – ", strand_cell).group(1)
        strand = LABEL_TO_STRAND[printed]
        note = "Suggested strand, as printed; to be aligned following consultation."
        if printed != strand:
            note += f' Printed as strand "{printed}"; the strand\'s heading prints "{strand}".'
        add("plans.themerecommendation", BASE + i, theme=theme_pk[strand], recommendation=BASE + i,
            code_as_printed=number, text_as_printed=strand_cell, order=i, note=note)

    for obj in objects:
        assert BASE < obj["pk"] < BASE + 100000, obj
    return objects


def main():
    objects = build()
    OUT.write_text(json.dumps(objects, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    counts = {}
    for obj in objects:
        counts[obj["model"]] = counts.get(obj["model"], 0) + 1
    print(OUT, counts)


if __name__ == "__main__":
    main()
