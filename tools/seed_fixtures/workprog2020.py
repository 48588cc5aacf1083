"""Build fixtures/40_scrutiny_work_programme_2019_20.json from the January 2020 scrutiny agenda pack.

Seed: /work/shared/seeds/2020-01-childrens-scrutiny-exploitation-post16-work-programme.txt, the agenda pack of
the Children's Services Overview and Scrutiny Committee (Board 3) for Wednesday 29 January 2020. Its agenda
(items 1-8, seed lines 1-162) is read from the seed by line range; the Committee's Work Programme 2019/20
(Document "S", appendix 1, seed lines 6931-7257) is a PDF table whose columns the conversion split, so it is
hand-curated below, and every curated wording is checked against the seed's words.

PK range 400000-499999: meetings 400001.., agenda items 400101...
Referenced, defined elsewhere: Board 3, Plan 100001, Themes 100001..100006 (2019 themes 1..6).

Run: .venv/bin/python tools/seed_fixtures/workprog2020.py
"""

import json
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
# The seeds sit beside the repository (../shared/seeds), as on every machine and in CI.
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED = SEEDS / "2020-01-childrens-scrutiny-exploitation-post16-work-programme.txt"
OUT = ROOT / "fixtures" / "40_scrutiny_work_programme_2019_20.json"

BOARD = 3
PLAN_2019 = 100001
THEME = {n: 100000 + n for n in range(1, 7)}
LONDON = ZoneInfo("Europe/London")

LINES = SEED.read_text(encoding="utf-8").splitlines()
WP_FIRST, WP_LAST = 6931, 7339  # work programme appendices (1-based, inclusive)


def norm(text):
    return re.sub(r"\s+", " ", text).strip()


def seed_lines(first, last, skip=()):
    """Seed lines first..last (1-based, inclusive), minus the line numbers in skip, whitespace-normalised."""
    return norm(" ".join(LINES[i - 1] for i in range(first, last + 1) if i not in skip))


def words(text):
    return re.findall(r"[\w’']+", text.lower())


WP_WORDS = words(" ".join(LINES[WP_FIRST - 1 : WP_LAST]))
WP_VOCAB = set(WP_WORDS)


def printed(text):
    """Check that every word of a hand-curated wording is printed in the work programme; return the text."""
    missing = [w for w in words(text) if w not in WP_VOCAB]
    if missing:
        raise ValueError(f"not printed in the work programme: {missing!r} in {text!r}")
    return text


def fix_recommended(text):
    # The conversion glued the "Recommended" label to the text that follows it ("Recommended(1)",
    # "RecommendedThat"); only a space is restored, no word is changed.
    return re.sub(r"Recommended(?=[(A-Z])", "Recommended ", text)


NO_TIME = "No time is printed in the seed (work programme or agenda pack); start stored as 00:00 Europe/London."
WP_SOURCE = "Source: Work Programme 2019/20 (Document \"S\", appendix 1, dated 20th January 2020 in its footer)."
INFERRED = (
    "Report and comments columns: the conversion split the work programme table into columns, so the "
    "report lead and comments are matched to items by their printed order."
)

# Meetings of the work programme, in order: (date, heading line, chair's briefing, report deadline, note).
MEETINGS = [
    (date(2019, 7, 3), 6946, "18/06/2019", date(2019, 6, 20), ""),
    (date(2019, 9, 4), 6963, "19/08/2019", date(2019, 8, 22), "Heading repeated on the next page (line 7019)."),
    (date(2019, 10, 9), 7033, "24/09/2019", date(2019, 9, 26), ""),
    (date(2020, 1, 15), 7052, "03/12/2019", date(2020, 1, 2), "Heading repeated on the next page (line 7092)."),
    (
        date(2020, 1, 29),
        7113,
        "16/01/2020",
        date(2020, 1, 17),
        "This is the meeting of the agenda pack itself (the seed): its reports are Documents \"P\" to \"S\" "
        "and its covers say \"to be held on the 29th January 2020\". The pack's front page (venue, time, "
        "membership) is not in the conversion, which starts at \"A. PROCEDURAL ITEMS\"; the venue is the "
        "work programme's. Its agenda items are the pack's items 1-8; the work programme's four items for "
        "this date (1) Child Exploitation, 2) Post 16 Education, 3) SEND., 4) Work Planning) are agenda "
        "items 5-8 and their work-programme wording is kept in those items' notes.",
    ),
    (date(2020, 2, 12), 7169, "28/01/2020", date(2020, 1, 30), ""),
    (date(2020, 3, 18), 7189, "03/03/2020", date(2020, 3, 5), ""),
    (date(2020, 4, 15), 7200, "31/03/2020", date(2020, 4, 1), "Heading repeated on the next page (line 7236)."),
]

IMPROVEMENT_PLAN = "Ofsted inspection of LACS - Improvement Plan"
WORK_PLANNING = "Work Planning"
WP_REVIEW = "There is a need to regularly review the work programme, in order to prioritise and manage the work."
FURTHER_UPDATE = (
    "The Committee will receive a further update report on the work of the Improvement Board, along with the "
    "latest version of the \"Vital Signs\""
)
TRUNCATED_VS = "The description stops at \"Vital Signs\" as printed (the rest of the cell is cut off in the seed)."


def item(number, title, description="", author="", comments=(), themes=None, themes_as_printed="", note=""):
    return {
        "number": number,
        "title": printed(title),
        "description": printed(description),
        "report_author": printed(author),
        "comments": [printed(c) for c in comments],
        "themes": themes,
        "themes_as_printed": themes_as_printed,
        "note": note,
    }


WORK_PROGRAMME = {
    date(2019, 7, 3): [
        item("1", "Referral to the Committee", note="No report lead or description printed."),
        item(
            "2",
            IMPROVEMENT_PLAN,
            "The Committee will receive a report on the \"Improving management oversight and quality assurance\" "
            "theme of the Children's Services Improvement Plan.",
            "Mark Douglas.",
            themes=[THEME[5]],
            themes_as_printed="Improving management oversight and quality assurance",
            note="Theme as printed matches 2019 theme 5 (Improving management oversight and quality assurance).",
        ),
        item(
            "3",
            "Special Educational Needs and Disability reforms",
            "The Committee will receive a report on the SEND reforms, and representatives of the service users "
            "be invited to attend the meeting to share their views.",
            "Marium Haque / Ali Jan Haider",
            ["Children's Services Overview & Scrutiny recommendation on 13 December 2019."],
            note="The title's last word \"reforms\" is printed on the next line, inside the description column. "
            "The comment cites a recommendation of 13 December 2019, a date after this 3 July 2019 meeting and "
            "not one of the programme's meetings; kept as printed.",
        ),
        item(
            "4",
            WORK_PLANNING,
            "The Committee will discuss issues for its work programme for 2019-20.",
            "Licia Woodhead",
        ),
    ],
    date(2019, 9, 4): [
        item(
            "1",
            "Joseph Nutter's Foundation",
            "The Committee will receive information on the work of the Joseph Nutter's Foundation.",
            "Sir James Hill",
        ),
        item(
            "2",
            IMPROVEMENT_PLAN,
            "The Committee will receive a report on the \"Improving outcomes for children\" theme of the "
            "Children's Services Improvement Plan, along with the latest version of the \"Vital Signs\" report.",
            "Mark Douglas",
            themes=[],
            themes_as_printed="Improving outcomes for children",
            note="Theme as printed, \"Improving outcomes for children\", matches no theme of the 2019 plan "
            "(themes 1-6); left unlinked to any theme.",
        ),
        item(
            "3",
            "Family Hubs, Prevention and Early Help Intervention",
            "The Committee will receive a report to include the current impact on the Service compared to the "
            "effectiveness of previously available provision, the impacts on Children’s Services Social Work "
            "caseloads and the progress on any milestones achieved.",
            "Mark Douglas",
            ["Children's Services Overview & Scrutiny recommednation on 26 September 2018."],
            note="The title's last word \"Intervention\" is printed on the next line, inside the description "
            "column. \"recommednation\" is printed so in the comment.",
        ),
        item(
            "4",
            "Special Educational Needs and Disability reforms",
            "The Committee will consider a report giving an update on progress to establish a single point of "
            "contact (SPOC) and the co location all the SEND teams.",
            "Marium Haque",
            ["Children's Services Overview & Scrutiny recommendation on 3 July 2019."],
            note="The title's last word \"reforms\" is printed on the next line, inside the description column.",
        ),
        item(
            "5",
            "Children's Services Overview & Scrutiny Work Programme",
            "The Committee will consider its work programme and make changes as necessary.",
            "Licia Woodhead",
            note="The title's last words \"Work Programme\" are printed on the next line, inside the description "
            "column.",
        ),
    ],
    date(2019, 10, 9): [
        item(
            "1",
            IMPROVEMENT_PLAN,
            "The Committee will receive a report on the \"Lived experience and the voice of the child\" theme of "
            "the Children's Services Improvement Plan, along with the latest version of the \"Vital Signs\" "
            "report.",
            "Mark Douglas",
            themes=[THEME[1]],
            themes_as_printed="Lived experience and the voice of the child",
            note="Theme as printed matches 2019 theme 1 (The \"Lived Experience\" and the voice of the child).",
        ),
        item(
            "2",
            "Young Carers",
            "The Committee will receive a report monitoring the progress of the new contract, including details of "
            "what action is being taken to address any issues of concern.",
            "Cath Dew",
            [
                "Childrens Services O&S recommendation from Wednesday 13 February 2019 - to be schedule for "
                "September 2019."
            ],
            note="The comment says \"to be schedule for September 2019\" but the item is listed for October 2019.",
        ),
        item(
            "4",
            WORK_PLANNING,
            WP_REVIEW,
            "Mustansir Butt",
            note="Numbered 4) as printed; the programme prints no item 3) for this meeting.",
        ),
    ],
    date(2020, 1, 15): [
        item(
            "1",
            IMPROVEMENT_PLAN,
            FURTHER_UPDATE,
            "Mark Douglas",
            note="An update on the Improvement Board's work, not one theme of the plan. " + TRUNCATED_VS,
        ),
        item(
            "2",
            "Educational Standards - Early Years to Key Stage 4",
            "The Committee will receive a report on the Validated data.",
            "Marium Haque",
            note="The title's last words \"Stage 4\" are printed on the next line, inside the description column.",
        ),
        item(
            "3",
            "Opportunity Area",
            "The Committee will receive an update report detailing how the Services are monitored and an initial "
            "analysis of outcomes. Officers who are able to present evidence based outcomes on the various schemes "
            "are requested to attend the meeting.",
            "Kathryn Loftus / Damon Boxer",
            ["Children's Services Overview & Scrutiny recommendation on 26 September 2018."],
        ),
        item(
            "4",
            "Draft Tems of Reference - Scrutiny Review Alternative School Provision, (including Home Schooled "
            "Children).",
            author="Mustansir Butt.",
            note="\"Tems\" is printed so. No description printed; the title runs over two lines.",
        ),
        item("5", WORK_PLANNING, WP_REVIEW, "Mustansir Butt"),
    ],
    date(2020, 2, 12): [
        item(
            "1",
            IMPROVEMENT_PLAN,
            FURTHER_UPDATE,
            "Mark Douglas",
            note="An update on the Improvement Board's work, not one theme of the plan. " + TRUNCATED_VS,
        ),
        item(
            "2",
            "Child Friendly City",
            "The Committee will receive a report detailing the progress towards Bradford becoming a \"Child Friendly",
            "Sue Woolmore",
            note="The description stops at \"Child Friendly as printed (the rest of the cell is cut off in the "
            "seed).",
        ),
        item(
            "3",
            "Bradford Safeguarding Children Board Annual report",
            "The Committee will recive a report monitoring progress of the new contract, including details of "
            "action taken to address any issues of",
            "David Walmsley / Mark Griffin",
            [
                "Stuart Smith suggested the report be presented to O&S rather than the Improvement Board",
                "Children's Service's Overview & Scrutiny recommendation on 13 December 2019 - to schedule for "
                "February 2020",
            ],
            note="The title's last words \"Annual report\" are printed on the next line. The description (\"recive\" "
            "as printed) speaks of a new contract, like the Young Carers items, and stops at \"issues of\" (the "
            "rest of the cell is cut off in the seed); kept as printed.",
        ),
        item("4", WORK_PLANNING, WP_REVIEW, "Mustansir Butt"),
    ],
    date(2020, 3, 18): [
        item(
            "1",
            IMPROVEMENT_PLAN,
            FURTHER_UPDATE,
            "Mark Douglas",
            note="An update on the Improvement Board's work, not one theme of the plan. " + TRUNCATED_VS,
        ),
        item("2", WORK_PLANNING, WP_REVIEW, "Mustansir Butt"),
    ],
    date(2020, 4, 15): [
        item(
            "1",
            IMPROVEMENT_PLAN,
            FURTHER_UPDATE,
            "Mark Douglas",
            note="An update on the Improvement Board's work, not one theme of the plan. " + TRUNCATED_VS,
        ),
        item(
            "2",
            "School Expansion Programme, Education Capital Funding, and Academy Conversions",
            "The Committee will receive a report on a number of key areas related to school organisation in the "
            "Bradford District.",
            "Ian Smart",
            note="The title runs over two lines, its second line printed inside the description column.",
        ),
        item(
            "3",
            "Young Carers.",
            "Report to focus specifically on the progress being made against kep performance indicators and the "
            "new model for providing support to young people.",
            "Cath Dew.",
            ["Children's Services Overview and Scrutiny recommendation from Wednesday 9 October 2019."],
            note="\"kep\" is printed so.",
        ),
        item(
            "4",
            "Resolution Tracking.",
            "Monitoring the progress made against the recommendations of Children's Services Overview and Scrutiny "
            "Committee.",
            "Mustansir Butt",
        ),
    ],
}

# The 29 January 2020 meeting: the agenda pack's own items 1-8 (seed lines), with documents and contacts.
# (number, title lines, description blocks as line ranges (first, last, skip), contact, document, note)
PACK_ITEMS = [
    ("1", (4, 4), [(5, 6, ())], "", "", "Under \"A. PROCEDURAL ITEMS\"."),
    (
        "2",
        (10, 10),
        [(11, 17, ()), (21, 48, (19,))],
        "",
        "",
        "Under \"A. PROCEDURAL ITEMS\". The conversion printed item 3's number (\"3.\") between \"Notes:\" and "
        "note (1) of this item.",
    ),
    (
        "3",
        (50, 50),
        [(51, 62, ())],
        "",
        "",
        "Under \"A. PROCEDURAL ITEMS\". The number \"3.\" is printed inside item 2's notes (line 19) in the "
        "conversion. Fatima Butt is the officer to contact about an appeal, not a report author.",
    ),
    ("4", (65, 65), [(66, 71, ())], "", "", "Under \"A. PROCEDURAL ITEMS\"."),
    (
        "5",
        (76, 77),
        [(78, 90, ()), (91, 117, ())],
        "Mark Griffin",
        "P",
        "Under \"B. OVERVIEW AND SCRUTINY ACTIVITIES\". Contact as printed: \"(Mark Griffin – 01274 434361)\"; "
        "the report (Document \"P\") is of the Chief Executive Office (Kersten England, Chief Executive), report "
        "contact Mark Griffin, Manager of Bradford Safeguarding Children Board. Work programme: \"1) Child "
        "Exploitation\" - \"The Committee will receive an update on the progress of the response to exploitation "
        "of children.\"; report: \"Irfan Alam/Mark Griffin/David Walmsley\"; comment: \"Children's Services "
        "Overview & Scrutiny recommendation on 10 October 2018.\"",
    ),
    (
        "6",
        (122, 122),
        [(123, 127, ()), (128, 129, ())],
        "Marium Haque",
        "Q",
        "Under \"B. OVERVIEW AND SCRUTINY ACTIVITIES\". Contact as printed: \"(Marium Haque – 01274 431078)\"; "
        "Document \"Q\" is submitted by the Strategic Director, Children’s Services (its cover page is garbled "
        "in the conversion). Work programme: \"3) SEND.\" with no description; report: \"Jane Hall.\"; comment "
        "\"Requested update from members.\" (the conversion prints this comment after the next item's lead, "
        "\"Mustansir Butt\", so it may belong to \"4) Work Planning\" instead).",
    ),
    (
        "7",
        (134, 134),
        [(135, 138, ()), (139, 141, ())],
        "Matt Findull",
        "R",
        "Under \"B. OVERVIEW AND SCRUTINY ACTIVITIES\". Contact as printed: \"(Matt Findull – 01274 439572)\"; "
        "Document \"R\" is of the Strategic Director Children’s Services (Mark Douglas), report contact Matt "
        "Findull. Work programme: \"2) Post 16 Education\" - \"The Committee will receive a report on the "
        "outcome of the Post 16 review detailing issues and challenges, along with information on the "
        "destinations of all year 11s for 2018-19.\"; report: \"Jenny Cryer\".",
    ),
    (
        "8",
        (146, 147),
        [(148, 150, ()), (152, 161, ())],
        "Mustansir Butt",
        "S",
        "Under \"B. OVERVIEW AND SCRUTINY ACTIVITIES\". Contact as printed: \"(Mustansir Butt – 01274 432574)\"; "
        "Document \"S\" is the report of the Chair, Cllr Mike Gibbons, report contact Mustansir Butt, Overview "
        "and Scrutiny Lead. Work programme: \"4) Work Planning\" - \"" + WP_REVIEW + "\"; report: \"Mustansir "
        "Butt\". Appendix Two of Document \"S\" lists Unscheduled Items (in no meeting): 1 Performance "
        "Outturn report; 2 Schools Forum.; 3 Child Adult Mental Health Services, (CAMHS).; 4 Children's Services "
        "Overview and Scrutiny - Programme of Scrutiny Reviews ((a) Alternative School Provision, (including "
        "Home Schooled Children). (b) Looked after Children. (c) Children’s Homes. (d) Fostering. (e) Children’s "
        "Mental Health. (f) Recruitment and retention of Social Workers. (g) SEND, (Special Educational Needs "
        "and Disabilities). (h) YOT, (Youth Offending Team).; (c) and (e) are converted as \"©\" and \"€\"); "
        "5 Commissioned Servcies for Chidlren's.; 6 Care Quality Commission review in relation to CAMHS. Its "
        "author and comment columns are scrambled by the conversion and cannot be matched to items reliably: "
        "authors Phil Witcherley, Mark Douglas., Andrew Redding., Mustansir Butt., Mark Douglas/Irfan Alam., "
        "Jenny Cryer.; comments \"An update on the work of the Schools Forum.\", \"That a report relating to "
        "the structures and effectiveness of Child Adult Mental Health Services, (CAMHS), be presented to this "
        "Committee.\", \"Children's Services Overview and Scrutiny recommendation from Wednesday 9 October "
        "2019.\" (printed twice), \"That a programme of Scrutiny Reviews be undertaken across key areas within "
        "Children’s Services which include:\", \"Monthly Electronic briefing to members.\", \"The Committee "
        "will receive a report detailing the outcome of the Care Quality Commission review in relation children "
        "who are looked after and safeguarding.\", \"Recommendationl from Corporate parenting on 15 April "
        "2019.\"",
    ),
]


def start_of(day):
    return datetime(day.year, day.month, day.day, 0, 0, tzinfo=LONDON).isoformat()


def build():
    objects = []
    meeting_pk = 400000
    item_pk = 400100
    for day, line, briefing, deadline, extra in MEETINGS:
        heading = norm(LINES[line - 1])
        assert heading.endswith("at City Hall, Bradford."), heading
        sub = norm(LINES[line])
        assert sub == f"Chair's briefing {briefing}. Report deadline {deadline:%d/%m/%Y}.", sub
        meeting_pk += 1
        note = " ".join(
            p for p in [f"Heading as printed: \"{heading}\" (line {line}).", f"Chair's briefing {briefing}.",
                        NO_TIME, WP_SOURCE, extra] if p
        )
        objects.append({
            "model": "governance.meeting",
            "pk": meeting_pk,
            "fields": {
                "board": BOARD,
                "start": start_of(day),
                "venue": "City Hall, Bradford",
                "papers_deadline": deadline.isoformat(),
                "note": note,
            },
        })
        if day == date(2020, 1, 29):
            for order, (number, (t1, t2), blocks, contact, document, note) in enumerate(PACK_ITEMS, 1):
                description = "\n\n".join(fix_recommended(seed_lines(a, b, skip)) for a, b, skip in blocks)
                item_pk += 1
                objects.append({
                    "model": "governance.agendaitem",
                    "pk": item_pk,
                    "fields": {
                        "meeting": meeting_pk,
                        "number": number,
                        "title": seed_lines(t1, t2),
                        "description": description,
                        "report_author": contact,
                        "document": document,
                        "plans": [],
                        "themes": [],
                        "themes_as_printed": "",
                        "order": order,
                        "note": note,
                    },
                })
            continue
        for order, it in enumerate(WORK_PROGRAMME[day], 1):
            notes = []
            if it["comments"]:
                notes.append("Comments as printed: " + " | ".join(f"\"{c}\"" for c in it["comments"]) + ".")
            if it["report_author"] or it["comments"]:
                notes.append(INFERRED)
            if it["note"]:
                notes.append(it["note"])
            is_plan = it["title"] == IMPROVEMENT_PLAN
            item_pk += 1
            objects.append({
                "model": "governance.agendaitem",
                "pk": item_pk,
                "fields": {
                    "meeting": meeting_pk,
                    "number": it["number"],
                    "title": it["title"],
                    "description": it["description"],
                    "report_author": it["report_author"],
                    "document": "",
                    "plans": [PLAN_2019] if is_plan else [],
                    "themes": it["themes"] or [],
                    "themes_as_printed": it["themes_as_printed"],
                    "order": order,
                    "note": " ".join(notes),
                },
            })
    assert meeting_pk < 400100 and item_pk < 500000
    return objects


def main():
    objects = build()
    OUT.write_text(json.dumps(objects, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    meetings = sum(o["model"] == "governance.meeting" for o in objects)
    print(f"wrote {OUT}: {meetings} meetings, {len(objects) - meetings} agenda items")


if __name__ == "__main__":
    main()
