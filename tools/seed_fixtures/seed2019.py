"""Build fixtures/10_ilacs_2018_plan_2019.json from the January 2019 Health and Wellbeing Board agenda pack.

Seed: /work/shared/seeds/2019-01-health-wellbeing-board-ilacs-2018-and-draft-improvement-plan.txt, the agenda pack of
the Bradford and Airedale Health and Wellbeing Board of 29 January 2019. It yields:

- Inspection 100001, Ofsted's ILACS inspection of 17-28 September 2018 (Appendix 1 to Document "I"): the judgement
  table, the 32 numbered paragraphs (Finding), the ten "What needs to improve" bullets (R1..R10, plus R6a and R6b as
  the 2019 plan splits the sixth) and an "AFI n" area for improvement for every paragraph the plan cites;
- Board 1, the Children's Services Improvement Board (draft terms of reference, Appendix 3) and Board 2, the Health
  and Wellbeing Board (membership on the agenda's front page), their members (Person + Membership), and the
  Health and Wellbeing Board meeting of 29 January 2019 with its agenda;
- Plan 100001, the draft improvement plan version 0.27 of 15.01.2019 (Appendix 4): six themes with their code
  tables, objectives and actions.

The plan's tables are read from the seed cell by cell: a row whose first cells are empty continues the row above
(cells split across pages are joined), "Page NN" furniture, running headers and repeated header rows are dropped.
The few places where the conversion misplaced cells are handled by the rules in `parse_theme` and explained in the
`note` of the object concerned. Every text stored is checked to occur in the seed (whitespace and HTML/markdown
markup aside), so nothing is re-worded.

Run from the project root: .venv/bin/python tools/seed_fixtures/seed2019.py
"""

import calendar
import json
import re
from datetime import date
from pathlib import Path

from measure_rules import measures as measure_objects

ROOT = Path(__file__).resolve().parents[2]
# The seeds sit beside the repository (../shared/seeds), as on every machine and in CI.
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED = SEEDS / "2019-01-health-wellbeing-board-ilacs-2018-and-draft-improvement-plan.txt"
OUT = ROOT / "fixtures" / "10_ilacs_2018_plan_2019.json"

LINES = SEED.read_text(encoding="utf-8").split("\n")

ORG = 1
BOARD_IMPROVEMENT = 1
BOARD_HWB = 2
INSPECTION = 100001
PLAN = 100001
THEME_BASE = 100000  # themes 1..6 are 100001..100006
# The day every action joined the plan: no start is printed, so its publication date (version 0.27 of 15.01.2019).
# Without it the model default (the day the fixture is loaded) would put every action in the plan late.
ADDED_ON = "2019-01-15"
RUNNING_HEADER = "City of Bradford Metropolitan District Council Draft Improvement Plan version 0.27 15.01.2019"


# --- text helpers -------------------------------------------------------------------------------------------------


def clean(s):
    """Drop HTML markup and markdown emphasis the conversion left; single-space the rest."""
    s = re.sub(r"</?(?:p|i|b|em|strong)>", " ", s)
    s = s.replace("**", "").replace("*", "")
    return " ".join(s.split())


FLAT = clean("\n".join(LINES))


def line(n):
    """Line n of the seed (1-based, as `grep -n` numbers them)."""
    return LINES[n - 1]


def text(*numbers, sep=" "):
    """The cleaned text of the given seed lines, joined."""
    return sep.join(clean(line(n)) for n in numbers)


def para(first, last):
    """The non-blank lines first..last as paragraphs separated by a blank line."""
    return "\n\n".join(clean(line(n)) for n in range(first, last + 1) if clean(line(n)))


def check(s):
    """Every stored text must occur in the seed (modulo whitespace and markup)."""
    for piece in s.split("\n"):
        piece = clean(piece.replace(" | ", " "))
        if piece and piece not in FLAT:
            raise AssertionError(f"not in the seed: {piece!r}")
    return s


# --- dates --------------------------------------------------------------------------------------------------------

MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTH_YEAR = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\s+(\d{4})\b", re.I)
DOTTED = re.compile(r"\b(\d{1,2})\.(\d{2})\.(\d{2})\b")
OPEN_ENDED = re.compile(r"on-?going|onwards|^from\b|^starting\b", re.I)


def due_date(timeline):
    """The date an action is due by, from its printed timeline.

    Rule: the latest date printed ("March; July and December 2019" -> 2019-12-31; "Dec 2018 September 2019" ->
    2019-09-30), a month meaning its last day and "11.02.19" that day; None where no month and year are printed
    ("2019 onwards", "Quarterly CSMT and DMT", "January - June 201", "TBC") or where the timeline is open-ended
    ("On-going ...", "... then on-going", "From January 2019", "Starting March 2019").
    """
    if OPEN_ENDED.search(timeline):
        return None
    dates = [
        date(int(y), MONTHS[m.lower()], calendar.monthrange(int(y), MONTHS[m.lower()])[1])
        for m, y in MONTH_YEAR.findall(timeline)
    ]
    dates += [date(2000 + int(y), int(m), int(d)) for d, m, y in DOTTED.findall(timeline)]
    return max(dates).isoformat() if dates else None


# --- recommendation codes -----------------------------------------------------------------------------------------

_CODE = r"(?:AF[I1]?|R)\s?\d+(?:\s?[ab](?![a-z]))?"
_MORE = r"(?:\s?[;,&]\s?|\s(?=(?:AF[I1]?|R)\s?\d))(?:(?:AF[I1]?|R)\s?)?\d+(?:\s?[ab](?![a-z]))?"
CODE_SPAN = re.compile(rf"\b(?:R\s?&\s?R\s?\d+|{_CODE}(?:{_MORE})*)")
CODE_TOKEN = re.compile(r"AF[I1]?|R|\d+(?:\s?[ab](?![a-z]))?")


def code_spans(cell):
    """The code spans printed in a cell, verbatim but for trailing separators: "AFI 7&8", "R 4 ;AFI 16"."""
    return [m.group(0).rstrip(";:, ") for m in CODE_SPAN.finditer(cell)]


def resolve(span, context):
    """Clean codes for a printed span ("R1& R5" -> ["R1", "R5"]) and notes on what was odd or unresolved.

    `context` is the printed wording beside the code, used where the plan's label is known to be wrong (see
    DOMAIN.md): "R 6a" for allegations against professionals is the report's sixth bullet (R6), "R 6a" for private
    fostering is R6b, and "R 8" for mandatory foster carer training is the report's ninth bullet (R9).
    """
    codes, notes, prefix, pending = [], [], None, False
    for tok in CODE_TOKEN.findall(span):
        if tok[0].isalpha():
            if pending:
                notes.append(f'Code "{span}": the bare "{prefix}" has no number and cannot be resolved.')
            prefix, pending = tok, True
            continue
        pending = False
        number = tok.replace(" ", "")
        if prefix == "R":
            code = f"R{number}"
            lowered = context.lower()
            if code == "R6a" and "allegations" in lowered:
                code = "R6"
                notes.append(
                    f'Code "{span}" is printed for allegations against professionals, which neither R6a (homeless '
                    "16-17 year olds) nor R6b (private fostering) covers: resolved to R6, the report's sixth bullet."
                )
            elif code == "R6a" and "fostering" in lowered:
                code = "R6b"
                notes.append(f'Code "{span}" is printed for private fostering, which the plan elsewhere codes R6b.')
            elif code == "R8" and "mandatory training" in lowered:
                code = "R9"
                notes.append(
                    f'Code "{span}" is printed for mandatory foster carer training, the report\'s ninth bullet (R9, '
                    "never printed by the plan)."
                )
        else:
            code = f"AFI {number}"
            if prefix == "AF1":
                notes.append(f'Code "{span}" read as AFI {number} ("AF1" is a misprint of "AFI").')
            elif prefix == "AF":
                notes.append(f'Code "{span}" read as AFI {number}.')
            if code == "AFI 17" and "child protection plans" in context:
                notes.append(
                    "Paragraph 17 of the report is about placements and foster carers; drift on child protection "
                    "plans is paragraph 7 (AFI 7): kept as printed."
                )
        if code not in codes:
            codes.append(code)
    if pending:
        notes.append(f'Code "{span}": the bare "{prefix}" has no number and cannot be resolved.')
    return codes, notes


def resolve_cell(cell):
    """Codes as printed (spans joined by " ... "), clean codes and notes for a recommendations cell."""
    spans = code_spans(cell)
    codes, notes = [], []
    for span in spans:
        c, n = resolve(span, cell)
        codes += [x for x in c if x not in codes]
        notes += n
    return " ... ".join(spans), codes, notes


# --- the inspection report ----------------------------------------------------------------------------------------

JUDGEMENT_GRADES = {
    "Requires improvement to be good": "requires_improvement",
    "Inadequate": "inadequate",
    "Good": "good",
    "Outstanding": "outstanding",
}
FINDING_SECTIONS = {411, 430, 452}  # lines of the three section headings before paragraphs 1, 11 and 24


def parse_judgements():
    rows = []
    for n in range(385, 389):
        area, grade = line(n).split("\t")
        rows.append((area, JUDGEMENT_GRADES[grade]))
    return rows


def parse_findings():
    findings, section = [], None
    for n in range(411, 467):
        s = clean(line(n))
        if not s:
            continue
        if n in FINDING_SECTIONS:
            section = s
            continue
        m = re.match(r"(\d+)\. (.*)", s)
        if m and int(m.group(1)) == len(findings) + 1:
            findings.append({"number": int(m.group(1)), "section": section, "text": m.group(2)})
        else:  # a paragraph the page break cut: join the rest on
            findings[-1]["text"] += " " + s
    assert [f["number"] for f in findings] == list(range(1, 33)), findings
    return findings


def parse_report_bullets():
    bullets = [clean(line(n))[2:] for n in range(400, 410)]
    assert all(line(n).startswith("- ") for n in range(400, 410))
    return bullets


# --- the plan's code table (which recommendations each theme answers) ---------------------------------------------

# Seed lines of each theme's rows. The printed theme labels sit on the first row of each theme, except that the
# theme 2 label is printed on the rows of AFI 22 and AFI 29 (theme 1's, by their place after theme 1's "Additional
# Areas" header and because only theme 1's objectives cite them) and theme 5's rows after R 10 are printed under a
# "6." label (a third "6." label follows for theme 6's last two rows).
CODE_TABLE = {
    1: range(739, 751),
    2: range(751, 765),
    3: range(765, 766),
    4: range(766, 776),
    5: range(776, 787),
    6: range(787, 798),
}
CODE_TABLE_NOTES = {
    749: "Printed on the row that carries the theme 2 label; taken as theme 1's (it follows theme 1's "
    '"Additional Areas" header, and AFI 22 is cited by theme 1\'s objective 1.1, by no theme 2 objective).',
    750: "Printed after the theme 2 label, before theme 2's R rows; taken as theme 1's (it follows theme 1's "
    '"Additional Areas" header, and AFI 29 is cited by theme 1\'s objectives 1.1, 1.5, 1.7 and 1.11, by no theme 2 '
    "objective).",
    778: 'Printed under a "6. Improving the sufficiency of placements for Children Looked After (CLA)" label, but '
    "this block (allegations, court reports, PEPs, staff turnover, supervision) is theme 5's: theme 6's own rows "
    'follow under a second "6." label.',
    796: 'Printed under a third "6. Improving the sufficiency of placements for Children Looked After (CLA)" label '
    "(a page break in the table).",
}
for _n in range(779, 787):
    CODE_TABLE_NOTES[_n] = 'Printed under the "6." label of the R 6a row above it; theme 5\'s (see that row).'
CODE_TABLE_NOTES[797] = CODE_TABLE_NOTES[796]


def parse_code_table():
    rows = {t: [] for t in CODE_TABLE}
    descriptions = {}
    for theme, numbers in CODE_TABLE.items():
        for n in numbers:
            s = line(n)
            if not s.strip() or s.startswith(RUNNING_HEADER):
                continue
            _label, code, wording = (clean(c) for c in s.split("\t"))
            if code == "Code":  # the "Code | Additional Areas - What Needs to be Improved" sub-header
                continue
            if not code:
                descriptions[theme] = wording
                continue
            rows[theme].append({"line": n, "code": code, "text": wording})
    return rows, descriptions


# --- the plan's theme tables --------------------------------------------------------------------------------------

# Seed lines of each theme's objectives-and-actions table, up to and including its success measures.
THEME_TABLES = {
    1: range(809, 854),
    2: range(863, 929),
    3: range(934, 948),
    4: range(967, 997),
    5: range(1010, 1067),
    6: range(1078, 1113),
}
ACTION_NUMBER = re.compile(r"(?<![\d.])(\d+\.\d+\.\d+)(\.?)\s+")
OBJECTIVE_LABEL = re.compile(r"^(?:Page \d+ )?(\d+\.\d+)(\.?)(?: Page \d+)?$")
PAGE = re.compile(r"^Page \d+$")
COLUMNS = ("activity", "desired_outcome", "timeline", "lead", "progress")

# Cells where the plan printed two or more numbered actions in one row. The activity cell is cut at each action
# number; the other cells are cut as listed here (each list must join back to the printed cell) or, if not listed,
# shared by all the actions of the row.
SPLITS = {
    "4.1.1": {"timeline": ["January 2019", "February 2019"]},
    "5.3.3": {"desired_outcome": ["Revised agreement", "Accurate reporting"], "timeline": ["May 2019", "June 2019"]},
}


SHARED_NAMES = {
    "desired_outcome": "desired outcome",
    "timeline": "timeline",
    "lead": "lead",
    "progress": "progress update column",
}


class Cell:
    """A cell of the "Inspection recommendations and Areas for Improvement" column (merged over several rows)."""

    def __init__(self, text, objective=None):
        self.text = text
        self.objective = objective  # the objective number if this is the cell printed beside its number


def parse_theme(theme):
    """Objectives, actions, group headings and success measures of one theme table, in printed order."""
    objectives, actions, success = [], [], []
    heading, current_obj, cell, in_success = "", None, None, False
    for n in THEME_TABLES[theme]:
        raw = line(n)
        if not raw.strip() or raw.startswith(RUNNING_HEADER) or raw.startswith("No\tInspection"):
            continue
        cells = [clean(c) for c in raw.split("\t")]
        cells += [""] * (8 - len(cells))
        if cells[0].startswith("How will we know") or cells[0].startswith("What will this look like"):
            in_success = True
        if in_success:
            success.append([c for c in cells if c and c != "--"])
            continue
        if re.fullmatch(r"\d+\.\d+\.\d+", cells[2]):
            # Theme 3's last rows print the action number in a cell of its own, pushing the row one column right.
            cells = [cells[0], cells[1], f"{cells[2]} {cells[3]}", *cells[4:], ""]
            shifted = True
        else:
            shifted = False
        if cells[0] and not any(cells[1:]) and not PAGE.match(cells[0]):
            heading = cells[0]
            continue
        label = OBJECTIVE_LABEL.match(cells[0]) if cells[0] else None
        row_actions = ACTION_NUMBER.split(cells[2]) if ACTION_NUMBER.match(cells[2]) else None
        if label and label.group(1) != current_obj:
            current_obj = label.group(1)
            objective = {
                "number": current_obj,
                "dot": label.group(2),
                "line": n,
                "heading": heading,
                "cell": None,
                "label_row_action": None,
                "notes": [],
            }
            objectives.append(objective)
            if row_actions:
                objective["label_row_action"] = row_actions[1]
            if row_actions and row_actions[1].rsplit(".", 1)[0] != current_obj:
                # The label is printed on the row of an action of the previous objective (2.4 beside 2.3.2): the
                # cell of that row is the action's; the objective's is the one beside its own first action.
                cell = Cell(cells[1])
                objective["first_cell_text"] = cells[1]
            else:
                cell = Cell(cells[1], objective=current_obj)
                objective["cell"] = cell
            if not row_actions:
                objective["notes"].append(
                    f"Its number and text are printed on a continuation row of action {actions[-1]['reference']} "
                    "(the conversion moved them across a page break); the actions numbered "
                    f"{current_obj}.n follow."
                )
        elif label:  # the same number reprinted after a page break
            objectives[-1]["notes"].append(f'Number "{current_obj}" printed again at the top of the next page.')
        elif cells[1]:
            if row_actions and not cells[1][0].islower():
                cell = Cell(cells[1])
            else:  # a cell cut by a page break, or continuing beside the next action
                cell.text += " " + cells[1]
        if row_actions:
            parts = row_actions[1:]
            refs = parts[0::3]
            dots = parts[1::3]
            activities = [a.strip() for a in parts[2::3]]
            for i, (ref, dot, activity) in enumerate(zip(refs, dots, activities, strict=True)):
                action = {
                    "reference": ref,
                    "line": n,
                    "objective": current_obj,
                    "cell": cell,
                    "activity": activity,
                    "desired_outcome": cells[3],
                    "timeline": cells[4],
                    "lead": cells[5],
                    "progress": cells[6],
                    "notes": [],
                    "row": (refs, i),
                }
                if dot:
                    action["notes"].append(f'Number printed "{ref}." with a trailing full stop.')
                if shifted:
                    action["notes"].append(
                        "The row prints the action number in a cell of its own, so every later cell sits one column "
                        "to the right of its heading; read here by content."
                    )
                actions.append(action)
                if cell.objective is None and ref.rsplit(".", 1)[0] == current_obj and objective["cell"] is None:
                    cell.objective = current_obj
                    objective["cell"] = cell
        elif any(cells[2:7]):
            for key, value in zip(COLUMNS, cells[2:7], strict=True):
                if value:
                    last = actions[-1]
                    last[key] = f"{last[key]} {value}".strip()
    # Split rows that hold several numbered actions.
    rows = {}
    for a in actions:
        rows.setdefault((a["line"], tuple(a["row"][0])), []).append(a)
    for (_n, refs), group in rows.items():
        if len(group) == 1:
            continue
        split = SPLITS.get(refs[0], {})
        for key, pieces in split.items():
            assert " ".join(pieces) == group[0][key], (key, pieces, group[0][key])
            for a, piece in zip(group, pieces, strict=True):
                a[key] = piece
        shared = [k for k in ("desired_outcome", "timeline", "lead", "progress") if k not in split and group[0][k]]
        others = ", ".join(r for r in refs)
        for a in group:
            note = f"Printed in one table row with actions {others}"
            if split:
                note += f"; its {' and '.join(k.replace('_', ' ') for k in split)} cut from the shared cell"
            if shared:
                note += f"; the {', '.join(SHARED_NAMES[k] for k in shared)} printed once for the row apply to each"
            a["notes"].append(note + ".")
    return objectives, actions, success


# --- people -------------------------------------------------------------------------------------------------------

PARTNER = (
    "Works for {} (a partner, not the council); organisation set to the council as the fixtures hold no record "
    "for it."
)
AMBIGUOUS_JH = (
    'Lead printed only as "JH" (most actions of themes 1, 2, 4, 5 and 6). The seed names two people with these '
    "initials, Jim Hopkinson (DD Children's Social Care, in attendance at the Improvement Board) and Joanne Hyde "
    "(Strategic Director Corporate Resources, Improvement Board member), so it is not resolved to either."
)
# key: (name, initials, job title, note)
PEOPLE = {
    "hinchcliffe": ("Susan Hinchcliffe", "", "Councillor; Leader of Bradford Metropolitan District Council",
                    'Printed "Councillor Susan Hinchcliffe" (Health and Wellbeing Board) and "Cllr Susan Hinchcliffe- '
                    'Leader of Bradford Council" (plan foreword).'),
    "farley": ("Adrian Farley", "", "Councillor; Portfolio Holder for Children and Families",
               'Printed "Cllr Adrian Farley" (Improvement Board, "Portfolio holder"; plan foreword).'),
    "england": ("Kersten England", "KE", "Chief Executive of Bradford Metropolitan District Council",
                'Printed "Chief Exec CBMDC" in the Improvement Board terms of reference. Lead "KE" of action 1.9.1 '
                "resolved to her (the only person with these initials the seed names)."),
    "rhodes_white": ("Gladys Rhodes White", "GRW", "Interim Strategic Director, Children's Services",
                     'Leads printed "GRW", "G R-W" and "G RW" resolved to her. Joined the service in November 2018.'),
    "hyde": ("Joanne Hyde", "", "Strategic Director Corporate Resources",
             'Her initials match the lead "JH", which is not resolved (Jim Hopkinson has the same initials).'),
    "hopkinson": ("Jim Hopkinson", "", "DD Children's Social Care",
                  'His initials match the lead "JH", which is not resolved (Joanne Hyde has the same initials).'),
    "cryer": ("Jenny Cryer", "JC", "AD Children's performance and commissioning",
              'Lead "JC" resolved to her (the only person with these initials the seed names). Report contact for '
              'Document "I" to the Health and Wellbeing Board.'),
    "byrom": ("David Byrom", "DB", "Head of Service",
              'Lead "DB" (action 1.6.2) resolved to him (the only person with these initials the seed names); '
              '"DB/fostering SM" is printed in the progress update column of several theme 6 actions.'),
    "walmsley": ("David Walmsley", "DW", "AD Office of the Chief Exec Office",
                 'Lead "DW" (actions 2.3.3, 3.6.1) resolved to him (the only person with these initials the seed '
                 "names)."),
    "lloyd": ("Anne Lloyd", "", "Head of HR", "Leads actions 3.1.1, 3.3.1 and 3.4.1 by name."),
    "akhtar": ("Parveen Akhtar", "", "City Solicitor",
               'Also printed "P Akhtar" (agenda letter). Leads action 3.2.1 by name.'),
    "niven": ("David Niven", "", "Chair BSCB", PARTNER.format("the Bradford Safeguarding Children Board (BSCB)")),
    "taylor": ("Tracie Taylor", "", "Principal Social Worker", ""),
    "athwell": ("Chatty Athwell", "", "Staff reference group representative", ""),
    "hirst": ("Helen Hirst", "", "Bradford CCGs accountable officer",
              PARTNER.format("the Bradford Clinical Commissioning Groups")),
    "bisset": ("Scott Bisset", "", "Chief Superintendent Bradford District, West Yorkshire Police",
               'Printed "Scott Bisset" (Health and Wellbeing Board) and "Scott Bissett" (Improvement Board terms of '
               "reference). " + PARTNER.format("West Yorkshire Police")),
    "hawkes": ("Janice Hawkes", "", "VCS sector Representative",
               "Printed \"Janice Hawkes (Barnado's)\". " + PARTNER.format("Barnardo's (printed \"Barnado's\")")),
    "haque": ("Mariam Haque", "", "DD Education", ""),
    "crookham": ("Andrew Crookham", "", "Section 151 Officer", ""),
    "witcherley": ("Phil Witcherley", "", "Head of Policy and performance", ""),
    "mulgan": ("Clare Mulgan", "", "Programme lead BHBL", ""),
    "mawdsley": ("Jean Mawdsley", "", "Head of Service", ""),
    "drury": ("Di Drury", "", "Head of Service",
              'Possibly the "DD" of "DD/NC JC to nominate" in the progress update column of action 2.2.5 (not '
              "resolved)."),
    "whiteley": ("Jackie Whiteley", "", "Councillor", 'Printed "Councillor Jackie Whiteley".'),
    "ferriby": ("Sarah Ferriby", "", "Councillor; Healthy People and Places Portfolio",
                'Printed "Councillor Sarah Ferriby".'),
    "auger": ("Louise Auger", "", "Head of Operations and Delivery for West Yorkshire (NHS England)",
              PARTNER.format("NHS England")),
    "muckle": ("Sarah Muckle", "", "Director of Public Health", ""),
    "maybury": ("Bev Maybury", "", "Strategic Director Health and Wellbeing", ""),
    "hartley": ("Steve Hartley", "", "Strategic Director, Place", ""),
    "kay": ("Clive Kay", "", "Chief Executive of Bradford Teaching Hospitals NHS Foundation Trust",
            PARTNER.format("Bradford Teaching Hospitals NHS Foundation Trust")),
    "brown": ("Brendan Brown", "", "Chief Executive of Airedale NHS Foundation Trust",
              PARTNER.format("Airedale NHS Foundation Trust")),
    "haddad": ("Dr Richard Haddad", "", "", "Member from the GP Community. " + PARTNER.format("a GP practice")),
    "howley": ("Geraldine Howley", "", "Group Chief Executive, InCommunities Group Ltd",
               PARTNER.format("InCommunities Group Ltd")),
    "withers": ("Dr Andy Withers", "", "", PARTNER.format("Bradford Districts Clinical Commissioning Group")),
    "thomas": ("Dr James Thomas", "", "",
               PARTNER.format("Airedale, Wharfedale and Craven Clinical Commissioning Group")),
    "khan": ("Dr Akram Khan", "", "", PARTNER.format("Bradford City Clinical Commissioning Group")),
    "kilmurray": ("Brent Kilmurray", "", "Chief Executive of Bradford District Care NHS Foundation Trust",
                  PARTNER.format("Bradford District Care NHS Foundation Trust")),
    "bolton_heaton": ("Neil Bolton-Heaton", "", "", PARTNER.format("HealthWatch Bradford and District")),
    "shutler_jones": ("Kim Shutler Jones", "", "",
                      PARTNER.format("Bradford Assembly (the voluntary and community sector)")),
    "bush": ("Ben Bush", "", "District Commander, West Yorkshire Fire and Rescue Service",
             PARTNER.format("West Yorkshire Fire and Rescue Service")),
    "jh": ("JH", "JH", "", AMBIGUOUS_JH),
    "dc": ("DC", "DC", "",
           'Lead printed only as "DC" (action 3.5.1, IT support); the seed names nobody with these initials.'),
}
PERSON_PK = {key: 100001 + i for i, key in enumerate(PEOPLE)}

# Printed lead -> (person key, note). Leads not listed (empty) have no lead.
LEADS = {
    "JH": ("jh", ""),
    "JC": ("cryer", ""),
    "DB": ("byrom", ""),
    "GRW": ("rhodes_white", ""),
    "G R-W": ("rhodes_white", ""),
    "G RW": ("rhodes_white", ""),
    "KE": ("england", ""),
    "DW": ("walmsley", ""),
    "DC": ("dc", ""),
    "Anne Lloyd": ("lloyd", ""),
    "Parveen Akhtar": ("akhtar", ""),
    "JC BSCB nominated partners": ("cryer", 'Lead printed "JC BSCB nominated partners": JC with partners the BSCB '
                                            "nominates."),
    "JH Link to BSCB": ("jh", 'Lead printed "JH Link to BSCB".'),
}
PROGRESS_NOTES = {
    "DD/NC JC to nominate": ('The progress update column prints "DD/NC JC to nominate" (not a progress update; '
                             "DD and NC not resolved).", []),
    "QA Lead": ('The progress update column prints "QA Lead" (a role, not a progress update).', []),
    "DB/fostering SM": ('The progress update column prints "DB/fostering SM" (not a progress update): read as '
                        "supporting leads David Byrom and the fostering service manager.", ["byrom"]),
}

# Improvement Board terms of reference, section 5 (lines 617-652): name, role, agency and position.
IB_ROLES = {
    "Vice Chair": "vice_chair",
    "Board member": "member",
    "Board Member": "member",
    "In attendance": "in_attendance",
    "Board member (Chair until DFES independent advisor is available)": "chair",
}
IB_NAMES = {
    "Cllr Adrian Farley": "farley", "David Niven": "niven", "Kersten England": "england",
    "Gladys Rhodes White": "rhodes_white", "Joanne Hyde": "hyde", "Tracie Taylor": "taylor",
    "Chatty Athwell": "athwell", "Helen Hirst": "hirst", "Scott Bissett": "bisset",
    "Janice Hawkes (Barnado's)": "hawkes", "Mariam Haque": "haque", "Jim Hopkinson": "hopkinson",
    "Jenny Cryer": "cryer", "Andrew Crookham": "crookham", "Parveen Akhtar": "akhtar",
    "David Walmsley": "walmsley", "Phil Witcherley": "witcherley", "Anne Lloyd": "lloyd", "Clare Mulgan": "mulgan",
    "Jean Mawdsley": "mawdsley", "Di Drury": "drury", "David Byrom": "byrom",
}
IB_REPRESENTS = {
    "niven": "BSCB", "england": "CBMDC", "hirst": "Bradford CCGs", "bisset": "WY Police", "hawkes": "Barnado's",
    "athwell": "Staff reference group",
}
HWB_NAMES = {
    "Councillor Susan Hinchcliffe": "hinchcliffe", "Councillor Jackie Whiteley": "whiteley",
    "Councillor Sarah Ferriby": "ferriby", "Kersten England": "england", "Helen Hirst": "hirst",
    "Louise Auger": "auger", "Sarah Muckle": "muckle", "Bev Maybury": "maybury", "Steve Hartley": "hartley",
    "Gladys Rhodes White": "rhodes_white", "Clive Kay": "kay", "Brendan Brown": "brown",
    "Dr Richard Haddad": "haddad", "Scott Bisset": "bisset", "Geraldine Howley": "howley",
    "Dr Andy Withers": "withers", "Dr James Thomas": "thomas", "Dr Akram Khan": "khan",
    "Brent Kilmurray": "kilmurray", "Neil Bolton-Heaton": "bolton_heaton", "Kim Shutler Jones": "shutler_jones",
    "Ben Bush": "bush",
}


# --- build --------------------------------------------------------------------------------------------------------


def obj(model, pk, **fields):
    return {"model": model, "pk": pk, "fields": fields}


def build():
    out = []
    out += build_people()
    out += build_boards()
    recs, rec_pk = build_inspection()
    out += recs
    out += build_plan(rec_pk)
    return out


def build_people():
    out = []
    for key, (name, initials, job, note) in PEOPLE.items():
        out.append(obj("plans.person", PERSON_PK[key], organisation=ORG, name=name, initials=initials,
                       job_title=job, email="", user=None, note=note))
    return out


def terms_of_reference():
    """Appendix 3 as printed, without its repeated page header, "DRAFT" stamp and the membership table's tabs."""
    parts = []
    for n in range(580, 675):
        s = line(n)
        if s.strip() in ("", "APPENDIX 3", "Children's Services Improvement Board: Terms of Reference", "DRAFT"):
            continue
        if "\t" in s:
            s = " | ".join(c.strip() for c in s.split("\t") if c.strip())
        parts.append(clean(s) if not s.startswith("- ") else "- " + clean(s[2:]))
    return check("\n".join(parts))


# Appendix 3, "Frequency of meetings": why the Improvement Board's packs are restricted.
PACKS_NOT_PUBLIC = ("The meeting and full papers will not be public but a summary of key decisions and actions will be "
                    "made publicly available after each meeting.")


def build_boards():
    out = [
        obj("governance.board", BOARD_IMPROVEMENT, organisation=ORG, name="Children's Services Improvement Board",
            slug="improvement-board", kind="improvement_board",
            purpose=check(para(582, 584)),
            terms_of_reference=terms_of_reference(),
            meeting_frequency="Fortnightly initially (to be reviewed when the independent chair is in post); papers "
            "at least 4 working days before the meeting",
            note="Terms of reference and proposed membership from the DRAFT Appendix 3 to Document \"I\" (Health "
            "and Wellbeing Board, 29 January 2019), to be approved by DfE/Ofsted. An interim Improvement Board has "
            "met since the end of the inspection, chaired by the Chief Executive; an Improvement Advisor appointed by "
            "the DfE was to chair it from February 2019. Seats printed \"TBC\" (no person, so no membership): Chair "
            "(DFES Independent advisor); Board member, Chair of Children's OSC; Board member, Partner in practice; "
            "Board member, Representative from Children's engagement group; Board member, Schools representative; "
            "In attendance, Police. Sections 7 (Reporting Arrangements) and 8 (Governance) say only \"See appendix "
            "1\", which the seed does not reproduce. Its packs are restricted (packs_restricted) because the terms "
            f"of reference say: \"{check(PACKS_NOT_PUBLIC)}\" No paragraph of Schedule 12A is printed, so no "
            "exemption paragraph is recorded.",
            packs_restricted=True, exemption_paragraph=None),
        obj("governance.board", BOARD_HWB, organisation=ORG, name="Health and Wellbeing Board",
            slug="health-and-wellbeing-board", kind="partnership_board", purpose="", terms_of_reference="",
            meeting_frequency="",
            note='Printed "Bradford and Airedale Health and Wellbeing Board". Members as listed on the front page of '
            "the agenda for its meeting of 29 January 2019."),
    ]
    pk = 100001
    order = 0
    for n in range(619, 653):
        cells = [c.strip() for c in line(n).split("\t")]
        if len(cells) != 3 or cells[0] in ("TBC", "Name") or not cells[1]:
            continue
        name, role, position = cells
        key = IB_NAMES[name]
        order += 1
        note = ""
        if role.startswith("Board member (Chair"):
            note = f'Role printed "{role}".'
        out.append(obj("governance.membership", pk, board=BOARD_IMPROVEMENT, person=PERSON_PK[key],
                       role=IB_ROLES[role], position=position, represents=IB_REPRESENTS.get(key, ""), party="",
                       start=None, end=None, order=order, note=note))
        pk += 1
    assert order == 22, order
    for order, n in enumerate(range(40, 62), start=1):
        name, represents = line(n).split("\t")
        role, note = "member", ""
        for suffix, r in ((" (Chair)", "chair"), (" (Deputy Chair)", "vice_chair")):
            if represents.endswith(suffix):
                represents, role, note = represents[: -len(suffix)], r, f'Printed "{suffix.strip()}".'
        out.append(obj("governance.membership", pk, board=BOARD_HWB, person=PERSON_PK[HWB_NAMES[name]], role=role,
                       position="", represents=represents, party="", start=None, end=None, order=order, note=note))
        pk += 1
    out += build_meeting()
    return out


def build_meeting():
    """The Health and Wellbeing Board meeting of 29 January 2019 and its agenda (front pages of the seed)."""
    out = [obj("governance.meeting", 100001, board=BOARD_HWB, start="2019-01-29T10:00:00Z",
               venue="Committee Room 1 - City Hall, Bradford", papers_deadline=None,
               note="Agenda from the City Solicitor (Parveen Akhtar); agenda contact Fatima Butt.")]
    items = [
        ("1", 65, 67, "", ""),
        ("2", 71, 84, "", ""),
        ("3", 86, 90, "Fatima Butt", ""),
        ("4", 94, 106, "Fatima Butt", ""),
        ("5", 112, 116, "Nancy O'Neill", ""),
        ("6", 120, 127, "Jenny Cryer", "I"),
        ("7", 133, 141, "Zahra Niazi", "J"),
        ("8", 145, 152, "Pam Bhupal", "K"),
    ]
    for i, (number, first, last, author, document) in enumerate(items, start=1):
        title = clean(line(first)).split(". ", 1)[1]
        body = [
            ("- " + clean(line(n)[2:]) if line(n).startswith("- ") else clean(line(n)))
            for n in range(first + 1, last + 1)
            if clean(line(n))
        ]
        item = obj("governance.agendaitem", 100000 + i, meeting=100001, number=number, title=check(title),
                   description=check("\n".join(body)), report_author=author, document=document,
                   plans=[PLAN] if number == "6" else [], themes=[], themes_as_printed="", order=i,
                   note="")
        if number == "6":
            item["fields"]["note"] = (
                'Document "I" (report of the Interim Strategic Director, Children\'s Services) with appendices: '
                "1 the Ofsted ILACS report, 2 the Improvement Notice (the pack prints Ofsted's covering letter under "
                "that label instead), 3 the draft Improvement Board terms of reference, 4 the draft Improvement Plan."
            )
        out.append(item)
    return out


def build_inspection():
    out = [
        obj("inspections.inspection", INSPECTION, organisation=ORG, kind="ilacs_full",
            title="Ofsted inspection of local authority children's services (ILACS), September 2018",
            slug="ofsted-ilacs-2018", inspectorate="Ofsted", authority=check(line(376)),
            start_date="2018-09-17", end_date="2018-09-28", published="2018-10-29",
            lead_inspector="Neil Penswick HMI", overall_grade="inadequate",
            summary=check(para(390, 396)),
            note='Report titled "Inspection of children\'s social care services", printed as Appendix 1 to Document '
            '"I" of the Health and Wellbeing Board, 29 January 2019. Inspection dates printed "17 September to 28 '
            'September 2018". Published date: Ofsted\'s covering letter of 24 October 2018 ("Final report: ILACS '
            'Standard Inspection of Bradford") allows sharing under embargo "until 29 October 2018 at which time it '
            'can be publicly accessed on the Ofsted website", and asks for the action plan by 04 February 2019. The '
            "letter and Ofsted's response to the council's factual accuracy comments are printed under an "
            '"APPENDIX 2" label, although Appendix 2 is listed as the Improvement Notice (served by the DfE; not '
            "reproduced in the seed)."),
    ]
    for i, (area, grade) in enumerate(parse_judgements(), start=1):
        note = ""
        if area.startswith("The experiences and progress of children who need help"):
            note = ("A limiting judgement: because it is inadequate, overall effectiveness is inadequate (Document "
                    '"I", 2.1).')
        out.append(obj("inspections.judgement", 100000 + i, inspection=INSPECTION, area=check(area), grade=grade,
                       order=i, note=note))
    for f in parse_findings():
        out.append(obj("inspections.finding", 100000 + f["number"], inspection=INSPECTION, number=f["number"],
                       section=check(f["section"]), text=f["text"]))

    # R1..R10 from "What needs to improve", plus R6a and R6b as the plan splits the sixth bullet.
    code_rows, _ = parse_code_table()
    printed = {}  # clean code -> first printed label and wording in the code table
    for theme in CODE_TABLE:
        for row in code_rows[theme]:
            codes, _notes = resolve(row["code"], row["text"])
            printed.setdefault(codes[0], []).append((row["code"], row["text"]))
    rec_pk, order_of = {}, {}
    bullets = parse_report_bullets()
    r_codes = ["R1", "R2", "R3", "R4", "R5", "R6", "R6a", "R6b", "R7", "R8", "R9", "R10"]
    r_notes = {
        "R6": 'The plan splits this bullet into R6a (homeless 16-17 year olds) and R6b (private fostering) and prints '
        '"R 6a" (also "R 6 a") for the oversight and monitoring of allegations against professionals, which '
        "neither covers; those rows are linked here.",
        "R6a": "Part of the report's sixth bullet, as the 2019 plan splits it; text as the plan's code table (theme 1) "
        'prints it. The plan also prints "R 6a" for allegations against professionals (linked to R6) and for private '
        "fostering in objective 2.7 (linked to R6b).",
        "R6b": "Part of the report's sixth bullet, as the 2019 plan splits it; text as the plan's code table (theme 1) "
        'prints it. Objective 2.7 prints "R 6a" for it.',
        "R8": 'The plan prints "R 8" both for this and for mandatory foster carer training (R9).',
        "R9": 'Never printed as "R9": the plan prints "R 8" for it (theme 6 code table, objective 6.3).',
    }
    for i, code in enumerate(r_codes):
        pk = 100001 + i
        number = int(re.match(r"R(\d+)", code).group(1))
        if code in ("R6a", "R6b"):
            text_ = printed[code][0][1]
            order = 61 if code == "R6a" else 62
        else:
            text_ = bullets[number - 1]
            order = number * 10
        out.append(obj("inspections.recommendation", pk, inspection=INSPECTION, code=code,
                       code_as_printed=printed[code][0][0], kind="recommendation", text=check(text_), finding=None,
                       order=order, note=r_notes.get(code, "")))
        rec_pk[code] = pk
        order_of[code] = order

    # AFI n for every paragraph the plan cites anywhere (code tables, objectives, actions).
    cited = {}
    for theme in CODE_TABLE:
        for row in code_rows[theme]:
            for code in resolve(row["code"], row["text"])[0]:
                cited.setdefault(code, set()).add(row["code"])
    for theme in THEME_TABLES:
        _objectives, actions, _ = parse_theme(theme)
        cells = {id(a["cell"]): a["cell"] for a in actions}
        for o in _objectives:
            if o["cell"]:
                cells[id(o["cell"])] = o["cell"]
        for c in cells.values():
            for span in code_spans(c.text):
                for code in resolve(span, c.text)[0]:
                    cited.setdefault(code, set()).add(span)
    afis = sorted((c for c in cited if c.startswith("AFI")), key=lambda c: int(c.split()[1]))
    for code in afis:
        n = int(code.split()[1])
        wordings = []
        for _label, wording in printed.get(code, []):
            if wording not in wordings:
                wordings.append(check(wording))
        loose = sorted(s for s in cited[code] if not re.fullmatch(rf"AFI {n}", s))
        note = ""
        if wordings:
            text_ = "; ".join(wordings)
        else:
            text_ = next(f["text"] for f in parse_findings() if f["number"] == n)
            note = "No code table lists it: text is the report's paragraph. "
        if any(s.startswith(("AF ", "AF1")) for s in loose):
            note += "Also printed as " + ", ".join(f'"{s}"' for s in loose if s.startswith(("AF ", "AF1"))) + "."
        label = printed[code][0][0] if code in printed else code
        pk = 100100 + n
        out.append(obj("inspections.recommendation", pk, inspection=INSPECTION, code=code, code_as_printed=label,
                       kind="area_for_improvement", text=text_, finding=100000 + n, order=1000 + n,
                       note=note.strip()))
        rec_pk[code] = pk
    return out, rec_pk


# --- the plan -----------------------------------------------------------------------------------------------------

THEME_HEADINGS = {1: 799, 2: 855, 3: 930, 4: 957, 5: 998, 6: 1068}
THEME_TEXT = {
    # theme: (what we mean lines, for children lines, success measures lines or None to read the table's last rows)
    1: ((803, 803), (807, 807)),
    2: ((857, 857), (861, 861)),
    3: ((932, 932), None),
    4: ((961, 961), (965, 965)),
    5: ((1002, 1004), (1008, 1008)),
    6: ((1072, 1072), (1076, 1076)),
}
THEME_LIST = range(719, 725)  # the six themes as listed after the foreword


def theme_title(theme):
    return re.sub(r"^\d\.\s*", "", clean(line(THEME_HEADINGS[theme])))


def build_plan(rec_pk):
    out = [
        obj("plans.plan", PLAN, organisation=ORG, title=check(clean(line(687))), slug="improvement-plan-2019-draft",
            version="0.27", status="superseded", start=None, end=None, published="2019-01-15",
            introduction=check(introduction()), supersedes=None, board=BOARD_IMPROVEMENT, inspections=[INSPECTION],
            part_word="theme",
            note='Printed "DRAFT"; every page headed "City of Bradford Metropolitan District Council Draft Improvement '
            'Plan version 0.27 15.01.2019" (the version date is taken as published). Appendix 4 to Document "I" of '
            "the Health and Wellbeing Board, 29 January 2019; the Statement of Action it was to become was due to "
            "Ofsted by 4 February 2019. Superseded by the 2021 Outcomes Improvement Plan. No start or end is printed. "
            "Its progress update and RAG rating columns are empty throughout. Figure 1 (an image after the "
            "list of themes) is not reproduced in the seed. An action's codes are those printed in the "
            "recommendations column beside it or, where that cell is empty, in the cell above it within the same "
            "objective (the PDF merges that cell over several rows)."),
    ]
    code_rows, descriptions = parse_code_table()
    tr_pk, obj_pk, act_pk = 100001, 100001, 100001
    for theme in range(1, 7):
        theme_pk = THEME_BASE + theme
        objectives, actions, success = parse_theme(theme)
        mean_lines, child_lines = THEME_TEXT[theme]
        what_we_mean = re.sub(r"^What do we mean\?\s*", "", para(*mean_lines))
        for_children = para(*child_lines) if child_lines else ""
        # Theme 3 prints its success measures below the table, the others in the table's last rows.
        measures = para(949, 955) if theme == 3 else "\n\n".join(" ".join(p) for p in success_cells(success))
        notes = theme_notes(theme, descriptions)
        out.append(obj("plans.theme", theme_pk, plan=PLAN, number=str(theme), title=check(theme_title(theme)),
                       group="", group_title="", what_we_mean=check(what_we_mean), for_children=check(for_children),
                       success_measures=measures, risks="", impact="", headline_kpis="", additional_kpis="",
                       leads=[], leads_as_printed="", order=theme, note=notes))
        out += success_measures(theme, theme_pk, measures)
        for order, row in enumerate(code_rows[theme], start=1):
            codes, rnotes = resolve(row["code"], row["text"])
            assert len(codes) == 1, row
            note = " ".join([CODE_TABLE_NOTES.get(row["line"], ""), *rnotes]).strip()
            out.append(obj("plans.themerecommendation", tr_pk, theme=theme_pk, recommendation=rec_pk[codes[0]],
                           code_as_printed=row["code"], text_as_printed=check(row["text"]), order=order, note=note))
            tr_pk += 1
        obj_of = {}
        for order, o in enumerate(objectives, start=1):
            cell_text = o["cell"].text if o["cell"] else ""
            printed, codes, cnotes = resolve_cell(cell_text)
            notes = list(o["notes"])
            if o["dot"]:
                notes.append(f'Number printed "{o["number"]}." with a trailing full stop.')
            if not cell_text:
                notes.append("No objective text is printed beside its number.")
            if o["label_row_action"] and not o["label_row_action"].startswith(o["number"] + "."):
                notes.append(
                    f'Its number is printed (after "Page 50") on the row of action {o["label_row_action"]}, beside '
                    f'"{o["first_cell_text"]}"; taken as the text of that action\'s cell. The objective\'s text is '
                    f"the cell printed beside its own actions {o['number']}.1 onwards."
                    if o.get("first_cell_text")
                    else ""
                )
            notes += cnotes
            if theme == 2 and o["heading"] and o["number"] != "2.1":
                notes.append('The table prints one group heading, above 2.1; it is carried to the following rows.')
            out.append(obj("plans.objective", obj_pk, theme=theme_pk, number=o["number"], number_printed=True,
                           group_heading=o["heading"], text=cell_text, codes_as_printed=printed,
                           recommendations=[rec_pk[c] for c in codes], order=order,
                           note=" ".join(n for n in notes if n)))
            obj_of[o["number"]] = (obj_pk, o)
            obj_pk += 1
        previous_cell = {}
        for order, a in enumerate(actions, start=1):
            prefix = a["reference"].rsplit(".", 1)[0]
            notes = list(a["notes"])
            if prefix in obj_of:
                objective_pk, o = obj_of[prefix]
            else:
                objective_pk, o = obj_of[a["objective"]]
                notes.append(
                    f'Numbered "{a["reference"]}" (as if in objective {prefix}, theme {prefix.split(".")[0]}) but '
                    f"printed in theme {theme} under objective {a['objective']}; kept as printed "
                    f"(actions {theme}.3.3 and {theme}.3.4 are not printed)."
                )
            # The recommendations cell: its own if one is printed on its row (and it is this objective's or a
            # sub-cell), else that of the previous action of the same objective, else the objective's.
            cell = a["cell"]
            if cell.objective not in (None, o["number"]):
                cell = previous_cell.get(o["number"]) or o["cell"]
            previous_cell[o["number"]] = cell
            printed, codes, cnotes = resolve_cell(cell.text if cell else "")
            if cell is not None and cell is not o["cell"]:
                # Oddities of the objective's own cell are noted on the objective, not on each of its actions.
                notes.append(f'Recommendations column beside it: "{cell.text}".')
                notes += cnotes
            lead_key, lead_note = LEADS.get(a["lead"], (None, ""))
            if a["lead"] and lead_key is None:
                raise AssertionError(f"unknown lead {a['lead']!r}")
            if lead_note:
                notes.append(lead_note)
            supporting = []
            if a["progress"]:
                pnote, supporting = PROGRESS_NOTES[a["progress"]]
                notes.append(pnote)
            if not a["lead"]:
                notes.append("No accountable lead is printed.")
            notes += EXTRA_ACTION_NOTES.get((theme, a["reference"]), [])
            out.append(obj("plans.action", act_pk, theme=theme_pk, objective=objective_pk, reference=a["reference"],
                           reference_printed=True, activity=a["activity"],
                           desired_outcome=a["desired_outcome"], timeline=a["timeline"],
                           due_date=due_date(a["timeline"]),
                           lead=PERSON_PK[lead_key] if lead_key else None, lead_as_printed=a["lead"],
                           supporting_leads=[PERSON_PK[k] for k in supporting],
                           recommendations=[rec_pk[c] for c in codes], codes_as_printed=printed, order=order,
                           note=" ".join(notes), added_on=ADDED_ON))
            act_pk += 1
    return out


EXTRA_ACTION_NOTES = {
    (5, "5.3.3"): ["Theme 6 also prints an action numbered 5.3.3 (under objective 6.3)."],
    (5, "5.3.4"): ["Theme 6 also prints an action numbered 5.3.4 (under objective 6.3)."],
    (5, "5.5.3"): ['"Starting March 2019" is printed in the desired outcomes column and the timeline column is '
                   "empty: kept where printed."],
    (5, "5.8.1"): ['Timeline printed "January – June 201" (the year is cut short), so no due date is set.'],
    (6, "6.7.1"): ['Desired outcome and timeline printed "TBC".'],
}


SUCCESS_HEADING = "How success will be measured"
MEASURE_PK = {3: 150001, 5: 150101, 6: 150201}  # measures: clear of the other models' pks counted from 100001
# Themes 5 and 6 print their list in one table cell whose items the conversion ran together ("... of the service
# Improved management ..."): split by hand at each item's capital, and checked to join back to the printed cell.
# (Themes 1, 2 and 4 print no "How success will be measured" list: their cells are headed "What will this look
# like?" and "How will we know that Children's Outcomes have improved?", so they get no measures.)
SUCCESS_ITEMS = {
    5: [
        "Improved compliance across all areas of the service",
        "Improved management information leading to an accurate perception of quality of the service",
        "Robust and responsive management action to correct poor performance",
        "Reduced SW caseloads",
        "Reduced staff turnover- improved stability of the workforce",
        "Improved partnership working",
        "Increased innovation and collaborative working",
    ],
    6: [
        "Reduce total number of CLA",
        "Measures for improved offer for '16 & 17' year olds",
        "More local placements - Reduced reliance on externally purchased placements and associated costs",
        "Improved matching / placement choice",
        "More children leave care through increased use of SGO",
        "Increase the number of nights respite",
    ],
}
RUN_TOGETHER = ('The conversion ran the items of this "How success will be measured" cell together; split by hand at '
                "each item's capital letter, text unchanged.")


def success_measures(theme, theme_pk, measures):
    """The theme's "How success will be measured" list (as stored in success_measures) as Measure objects."""
    paragraphs = measures.split("\n\n")
    if theme == 3:
        assert paragraphs[0] == SUCCESS_HEADING, paragraphs
        items, note = paragraphs[1:], ""
    elif theme in SUCCESS_ITEMS:
        cell = next(p for p in paragraphs if p.startswith(SUCCESS_HEADING + " "))
        items, note = SUCCESS_ITEMS[theme], RUN_TOGETHER
        assert " ".join(items) == cell[len(SUCCESS_HEADING) + 1 :], (theme, cell)
    else:
        assert SUCCESS_HEADING not in measures, theme
        return []
    return measure_objects(plan=PLAN, theme=theme_pk, bullets=[("", check(i)) for i in items],
                           first_pk=MEASURE_PK[theme], extra_note=note)


def success_cells(success):
    """Success measures: the "How will we know" and "What will this look like" cells, continuation rows joined."""
    first, *rest = success
    cells = [[c] for c in first]
    for row in rest:
        for c in row:
            cells[-1].append(c)
    return cells


def theme_notes(theme, descriptions):
    heading = clean(line(THEME_HEADINGS[theme]))
    listed = re.sub(r"^\d\.\s*", "", clean(line(THEME_LIST[theme - 1])))
    notes = []
    if listed != theme_title(theme):
        notes.append(f'Listed after the foreword as "{listed}".')
    if re.match(r"^\d\.\S", heading):
        notes.append(f'Section heading printed "{heading}".')
    if theme == 3:
        notes.append(
            "The code table prints no recommendation codes for this theme, only the description: "
            f'"{check(descriptions[3])}". The section has no "What do we mean?" or "What does this mean for '
            'children?" headings: its opening paragraph is kept as what we mean; success measures are printed as '
            '"How success will be measured".'
        )
    if theme == 1:
        notes.append("AFI 22 and AFI 29 are printed in the code table on rows that carry the theme 2 label; taken as "
                     "this theme's (see those rows).")
    if theme == 5:
        notes.append('The code table prints this theme\'s rows after R 10 under a "6." label (see those rows).')
    if theme == 6:
        notes.append("Objective 6.3 holds two actions numbered 5.3.3 and 5.3.4 (theme 5 also has a 5.3.3 and a 5.3.4); "
                     "6.3.3 and 6.3.4 are not printed.")
    if theme == 2:
        notes.append("Objective 2.4's number is printed beside action 2.3.2; see objective 2.4.")
    return " ".join(notes)


def introduction():
    """The plan's vision, foreword and shared commitment, the six themes and the code table's preamble."""
    parts = [para(693, 715), para(717, 717), text(*THEME_LIST, sep="\n"), para(732, 736)]
    return "\n\n".join(parts)


def main():
    data = build()
    pks = {}
    for o in data:
        key = (o["model"], o["pk"])
        assert key not in pks, key
        pks[key] = o
        assert o["pk"] in (1, 2) or 100000 <= o["pk"] <= 199999, key
    OUT.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    counts = {}
    for o in data:
        counts[o["model"]] = counts.get(o["model"], 0) + 1
    print(f"wrote {OUT.relative_to(ROOT)}: " + ", ".join(f"{m} {n}" for m, n in counts.items()))


if __name__ == "__main__":
    main()
