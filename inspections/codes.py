"""Recommendation codes as plans print them, read into the clean codes stored on Recommendation."""

import re

# R, then the bullet's number, then an optional letter for a split bullet: "R5", "R 6a", "r6A".
_RECOMMENDATION = re.compile(r"R[\s.\-]*(?P<number>\d+)[\s.\-]*(?P<letter>[a-z])?", re.IGNORECASE)
# AFI, misprinted AF1 or shortened AF, then the report paragraph: "AFI 22", "AF1 18", "AF 17", "afi22".
_AREA_FOR_IMPROVEMENT = re.compile(r"AF[I1]?[\s.\-]*(?P<number>\d+)", re.IGNORECASE)


def clean_code(text: str) -> str:
    """Read one recommendation code written loosely into its clean form.

    The rule (the domain notes, "Inspections"): "The report's 'What needs to improve' list gives ten
    recommendations, R1..R10 in its order ... the sixth bullet ... is split into R6a and R6b ... the plan
    codes wider areas for improvement as AFI n, n being the paragraph. Codes are written loosely
    ("R 4", "R4", "AFI 7&8", "AF1 18", "R1& R5", "AF 17"): parse them into clean codes."

    So:
    - a recommendation is "R", the number and an optional lower-case letter: "R 5" -> "R5", "r6A" -> "R6a";
    - an area for improvement is "AFI", a space and the paragraph: "AFI22", "afi 22", "AF1 22" (a 1 printed
      for the I) and "AF 22" all -> "AFI 22";
    - spaces, full stops and hyphens between the parts are ignored; case is ignored.

    One code only: split lists ("AFI 7&8", "R1; R5") before calling. Raises ValueError for anything else.
    """
    stripped = " ".join(str(text).split())
    if match := _RECOMMENDATION.fullmatch(stripped):
        return f"R{int(match['number'])}{(match['letter'] or '').lower()}"
    if match := _AREA_FOR_IMPROVEMENT.fullmatch(stripped):
        return f"AFI {int(match['number'])}"
    if not stripped:
        raise ValueError("an empty code: expected R and a number (e.g. R5, R6a) or AFI and a paragraph (e.g. AFI 22)")
    raise ValueError(
        f'"{stripped}" is not a recommendation code: expected R and a number (e.g. R5, R6a) '
        "or AFI and a paragraph number (e.g. AFI 22)"
    )


def split_codes(text: str, separator: str = ";") -> list[str]:
    """Clean each code of a separated list ("R 5; AFI22" -> ["R5", "AFI 22"]), dropping blanks and repeats.

    Raises ValueError naming the first code that cannot be read.
    """
    codes: list[str] = []
    for part in str(text).split(separator):
        if part.strip():
            code = clean_code(part)
            if code not in codes:
                codes.append(code)
    return codes
