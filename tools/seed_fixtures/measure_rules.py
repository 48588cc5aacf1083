"""How a printed success measure or KPI becomes a plans.Measure: shared by seed2019.py, seed2021.py and seed2022.py.

Imported by the builders; run on its own (as `make fixtures` runs every script here) it writes nothing.

A measure keeps its bullet exactly as printed (name and text_as_printed). Kind, unit and polarity are set only
where the printed words say them, and the note says each time which words they were inferred from:

- unit: "%" or "Proportion" is percent; "Number"/"Numbers" is number. A bullet mixing units gets none.
- polarity: only for a figure whose bullet opens with a direction ("Reduce", "Reduction", "Decrease" are lower is
  better; "Increase", "More" higher is better). Nothing else is guessed: "% repeat referrals" has no polarity.
- kind: quantitative where the bullet names a figure (a unit word, "data", or a KPI list, whose items are
  indicators); qualitative where it is a statement to be met, feedback or a report. The model needs a kind, so
  every bullet gets one: the ones not decided by a unit word are listed by hand below, and a bullet that is in no
  list and has no unit word stops the build instead of being guessed.
- a compound bullet (several figures in one line) is kept whole, with a note; a line that is a process or a
  placeholder, not a measure, is kept as qualitative with a note that says so.

No figure, target, tolerance, baseline, frequency, source or owner is set: the seeds print none.
"""

import re

# Notes the tests and the README count: keep these words in every note of their kind.
NOT_A_MEASURE = "Not a measure"
INFERRED = "inferred"

STATEMENT = "Kind inferred: a statement to be met (Met / Partly met / Not met), not a figure."
FEEDBACK = "Kind inferred: feedback or a survey, read as a statement, not a figure."
EVIDENCE = "Kind inferred: names a source of evidence (a report or a review), not a figure."

# Bullets whose kind no unit word decides, by printed text (whitespace single-spaced).
QUALITATIVE = {
    # 2019 draft plan
    "Cost effective measures that deliver timely and measurable improvements across all themes of the plan": STATEMENT,
    "Efficient progress is made in the delivery, and monitoring of improvement actions": STATEMENT,
    "Improved compliance across all areas of the service": STATEMENT,
    "Improved management information leading to an accurate perception of quality of the service": STATEMENT,
    "Robust and responsive management action to correct poor performance": STATEMENT,
    "Improved partnership working": STATEMENT,
    "Increased innovation and collaborative working": STATEMENT,
    "Improved matching / placement choice": STATEMENT,
    # 2021 Outcomes Improvement Plan
    "Social work survey": FEEDBACK,
    # 2022-24 plan
    "Families receive the right support and the right time.": STATEMENT,
    "Partners are confident in shared decision-making.": STATEMENT,
    "Children's EDT is operational.": STATEMENT,
    "Feedback from families about if they feel they have been helped": FEEDBACK,
    "Review and audit show strong and improving decision-making practice.": STATEMENT,
    "All relevant agencies have processes in place to support identification of Privately Fostered children": STATEMENT,
    "Corporate Parenting Panel includes elected members, and key partners.": STATEMENT,
    "Children in Care and Care Leavers service is established.": STATEMENT,
    "Housing protocol is agreed, approved and operational.": STATEMENT,
    "Quarterly report is implemented": STATEMENT,
    "External validation from Ofsted (Monitoring Visits, JTAI, Focused Visits, Annual Conversation)": EVIDENCE,
    "Feedback from staff e.g. through staff briefings and consultation, Staff Reference group, Pulse Surveys, and Social "
    "Work Health Check Survey": FEEDBACK,
    "Feedback from children, young people and families": FEEDBACK,
    "Vital Signs reports": EVIDENCE,
    "Financial Reports": EVIDENCE,
    "Improvement plan strands progress and achieve objectives in timescales": STATEMENT,
    "Evidence of strong staff engagement": STATEMENT,
    "Impact on budgetary pressures": STATEMENT,
    "Positive external validation e.g. Ofsted": EVIDENCE,
    "Audit shows increasing quality of practice.": STATEMENT,
    "Analysis of workforce development opportunities offered, taken up and followed up when not attended.": EVIDENCE,
    "Partners report improved satisfaction and confidence in partnership arrangements and joint working.": FEEDBACK,
    "Partners report improved confidence and knowledge of key local safeguarding policies and services including "
    "'thresholds' and local hubs.": FEEDBACK,
    "Audit and data show improvements to practice in key areas of joint working including CP processes, and domestic "
    "violence.": STATEMENT,
    "Feedback from children, young people and families.": FEEDBACK,
    "Staff satisfaction survey": FEEDBACK,
    "Feedback from managers on time spent on HR, IG and finance activities": FEEDBACK,
    "Impact on statutory timescales": STATEMENT,
    "New PM and QA framework is implemented": STATEMENT,
    "Quality Assurance report is implemented": STATEMENT,
    "Partners share relevant data reports at the Improvement Board": STATEMENT,
}

# Figures outside a KPI list with no unit word: why they are read as figures.
QUANTITATIVE = {
    "Reduced SW caseloads": "Kind inferred: caseloads are counted; no unit printed.",
    "Reduced staff turnover- improved stability of the workforce": "Kind inferred: turnover is a figure; no unit "
    "printed.",
    "More children leave care through increased use of SGO": "Kind inferred: a count of children; no unit printed.",
    "Educational attendance data": "Kind inferred from 'data'; no unit printed.",
    "Attendance data of key partners at ICPCs and RCPCs.": "Kind inferred from 'data'; no unit printed.",
    "Reduction in time spent on recruitment and other HR activities by social work managers": "Kind inferred: time "
    "is measured; no unit printed.",
}

# Several figures (or a figure and a step) in one bullet: kept whole, as printed.
COMPOUND = {
    "More local placements - Reduced reliance on externally purchased placements and associated costs":
        'Compound: "More local placements" and "Reduced reliance on externally purchased placements and associated '
        'costs", printed joined by " - "; kept whole. Kind inferred: counts and costs are figures; no unit or '
        "polarity set (the two parts point in opposite directions).",
    "% children visited on time – CPP, CIN and CiC":
        "Compound: a figure for each of three groups (CPP, CIN and CiC); kept whole.",
    "FGC – number of referrals and number held":
        "Compound: two figures (Family Group Conference referrals, and conferences held); kept whole.",
    "Number of starters and leavers": "Compound: two figures (starters, leavers); kept whole.",
    "Number/ percentages of personal supervision":
        "Compound: a number and a percentage; kept whole, so no unit set. Kind inferred: printed as a KPI.",
    "Number of adverts, time between application and interview":
        "Compound: a count of adverts and a time; kept whole, so no unit set. Kind inferred: printed as a KPI.",
    "Compliance data on strategy discussions – timeliness and attendance.":
        "Compound: two figures (timeliness, attendance); kept whole. Kind inferred from 'data'; no unit printed.",
    "Number and RPTT of children in care and number and RPTT new entrants to care.":
        'Compound: four figures (the number and the rate per 10,000 children, "RPTT", of children in care and of '
        "new entrants to care); kept whole, so no unit set. Kind inferred from 'Number'.",
    "Data: on % placement stability, % Strengths and Difficulties Questionnaires (SDQs) where scores indicate need; % "
    "care leavers in suitable accommodation; % care leavers who are in Education, employment and training; and % "
    "Children in care and care leavers who have a digital life story.":
        "Compound: five percentages in one bullet; kept whole.",
    "Establishment of celebration events; feedback from children and young people.":
        "Compound: a step (celebration events established) and feedback; kept whole. " + STATEMENT,
    "Number of children and young people participating in each of the three groups (younger children in care (CiC), "
    "older children CiC and care leavers)":
        "Compound: a figure for each of three groups; kept whole.",
    "Establishment of digital mechanism and number of children and young people being informed, consulted and "
    "providing feedback":
        "Compound: a step (a digital mechanism established) and a count; kept whole, so no unit set. Kind "
        "inferred from 'number'.",
    "Number and proportion of Exit Interviews carried out with care leavers":
        "Compound: a number and a proportion; kept whole, so no unit set. Kind inferred from 'Number'.",
    "Increase in number of permanent staff and reduction in turnover":
        "Compound: two figures (permanent staff, turnover) moving in opposite directions; kept whole, so no unit or "
        "polarity set. Kind inferred from 'number'.",
    "Proportion of (a) Bradford staff and (b) partner staff trained in Restorative Based Practice Model.":
        "Compound: two proportions, (a) and (b); kept whole.",
}
# Compounds whose parts share a unit and a kind the note does not already give.
COMPOUND_QUALITATIVE = {"Establishment of celebration events; feedback from children and young people."}
COMPOUND_NO_UNIT = {
    "More local placements - Reduced reliance on externally purchased placements and associated costs",
    "Number/ percentages of personal supervision",
    "Number of adverts, time between application and interview",
    "Compliance data on strategy discussions – timeliness and attendance.",
    "Number and RPTT of children in care and number and RPTT new entrants to care.",
    "Establishment of digital mechanism and number of children and young people being informed, consulted and "
    "providing feedback",
    "Number and proportion of Exit Interviews carried out with care leavers",
    "Increase in number of permanent staff and reduction in turnover",
}

# Lines printed among the measures that are a process, a step or a placeholder.
PROCESS = {
    "We will monitor the number and outcomes of contacts and referrals on a quarterly basis.":
        "it says how the strand's contacts and referrals will be monitored (quarterly), not what shows success.",
    "We will monitor data on a quarterly basis": "it says how the strand's data will be monitored (quarterly).",
    "Success measure to be identified in February 2023": "a placeholder: the strand's measure was still to be "
    "identified when the plan was printed.",
    "A 12 week plan will be developed within the first 3 months": "a step of the plan (a 12 week plan to be written), "
    "not what shows success.",
    "Budget monitoring": "it names an activity (monitoring the budget), not a figure or a state to be met.",
    "Measures for improved offer for '16 & 17' year olds": "it refers to measures of the offer to 16 and 17 year "
    "olds that the plan does not print.",
}

# Oddities of the printed text, kept as printed.
AS_PRINTED = {
    "% children seen by alone during an IRO visit": '"seen by alone" as printed.',
    "Families receive the right support and the right time.": '"the right support and the right time" as printed.',
    "% of audits recommendations are followed up": '"audits recommendations" as printed.',
}

LOWER = re.compile(r"^(Reduce|Reduced|Reduction|Decrease)\b")
HIGHER = re.compile(r"^(Increase|More)\b")
NUMBER = re.compile(r"\bnumbers?\b", re.IGNORECASE)
PROPORTION = re.compile(r"^Proportion\b")


def classify(text, *, in_kpi_list):
    """kind, unit, polarity and note of one printed bullet (see the module docstring for the rules)."""
    notes, unit, polarity = [], "", ""
    if text in PROCESS:
        notes.append(f"{NOT_A_MEASURE}: {PROCESS[text]} Kept as printed, as a qualitative line.")
        kind = "qualitative"
    elif text in QUALITATIVE:
        kind = "qualitative"
        notes.append(QUALITATIVE[text])
    elif text in COMPOUND:
        kind = "qualitative" if text in COMPOUND_QUALITATIVE else "quantitative"
        notes.append(COMPOUND[text])
        if text not in COMPOUND_NO_UNIT and text not in COMPOUND_QUALITATIVE:
            unit, word = _unit(text)
            assert unit, text
            notes.append(f"Kind and unit inferred from '{word}'.")
    else:
        kind = "quantitative"
        unit, word = _unit(text)
        if unit:
            notes.append(f"Kind and unit inferred from '{word}'.")
        elif text in QUANTITATIVE:
            notes.append(QUANTITATIVE[text])
        elif in_kpi_list:
            notes.append("Kind inferred: printed as a KPI; no unit printed.")
        else:
            raise AssertionError(f"no rule says what kind of measure this is: {text!r}")
        direction = LOWER.match(text) or HIGHER.match(text)
        if direction:
            polarity = "lower" if LOWER.match(text) else "higher"
            notes.append(f"Polarity inferred from '{direction.group(1)}'.")
    if text in AS_PRINTED:
        notes.append(AS_PRINTED[text])
    return {"kind": kind, "unit": unit, "polarity": polarity, "note": " ".join(notes)}


def _unit(text):
    if "%" in text:
        return "percent", "%"
    if PROPORTION.match(text):
        return "percent", "Proportion"
    number = NUMBER.search(text)
    if number:
        return "number", number.group(0)
    return "", ""


def measures(*, plan, theme, bullets, first_pk, in_kpi_list=False, extra_note=""):
    """One plans.measure fixture object per (tier, text) bullet of a theme, in printed order from first_pk.

    A name printed twice in one theme would break the model's uniqueness: the repeat gets " (2)" and a note."""
    out, seen = [], {}
    for order, (tier, text) in enumerate(bullets, start=1):
        text = " ".join(text.split())
        assert text, (theme, bullets)
        fields = classify(text, in_kpi_list=in_kpi_list)
        name, note = text, [fields["note"]]
        seen[text] = seen.get(text, 0) + 1
        if seen[text] > 1:
            name = f"{text} ({seen[text]})"
            note.append(f'Printed {seen[text]} times in this theme\'s list: " ({seen[text]})" added to the name, '
                        "which must be unique in its theme.")
        if extra_note:
            note.append(extra_note)
        out.append({"model": "plans.measure", "pk": first_pk + order - 1, "fields": {
            "plan": plan, "theme": theme, "name": name, "kind": fields["kind"], "text_as_printed": text,
            "definition": "", "unit": fields["unit"], "unit_label": "", "polarity": fields["polarity"],
            "target": None, "tolerance": None, "baseline_value": None, "baseline_period": "", "frequency": "",
            "source": "", "owner": None, "tier": tier, "recommendations": [], "order": order,
            "note": " ".join(n for n in note if n), "demo_fields": [],
        }})
    return out


if __name__ == "__main__":
    print(f"{__file__}: rules for the builders; nothing to write")
