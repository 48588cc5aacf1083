"""The one RAG scale used across the product, with each rating's meaning and its GOV.UK tag colour.

Ratings are never shown by colour alone (WCAG 1.4.1): templates always print the label too.
"""

from django.db import models


class RAG(models.TextChoices):
    NOT_RATED = "not_rated", "Not yet rated"
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"


# Each rating by its stored value: a dict lookup for the folds that read thousands of rows (RAG(value) costs an
# enum call each time). A RAG member is a str equal to its value, so RAG members look up too.
BY_VALUE = {rag.value: rag for rag in RAG}

MEANINGS = {
    RAG.NOT_RATED: "No update yet.",
    RAG.RED: "Off track: the due date has been or will be missed, or delivery is in serious doubt. "
    "Needs the board's attention.",
    RAG.AMBER: "At risk: some slippage or issues, with mitigation in hand.",
    RAG.GREEN: "On track to deliver the desired outcome by the due date.",
    RAG.BLUE: "Complete, with evidence of the outcome.",
}

# The only place a rating maps to a colour: GOV.UK Frontend tag modifier classes.
TAG_CLASSES = {
    RAG.NOT_RATED: "govuk-tag--grey",
    RAG.RED: "govuk-tag--red",
    RAG.AMBER: "govuk-tag--orange",
    RAG.GREEN: "govuk-tag--green",
    RAG.BLUE: "",  # the default GOV.UK tag is blue (v6 has no --blue modifier)
}

# Worst first: the order boards read exception reports in.
SEVERITY = [RAG.RED, RAG.AMBER, RAG.NOT_RATED, RAG.GREEN, RAG.BLUE]


def parse(value: str) -> RAG:
    """Read a rating written loosely ("red", "R", "Not yet rated", "not_rated"); ValueError otherwise."""
    text = " ".join(str(value).replace("_", " ").split()).lower()
    aliases = {"r": RAG.RED, "a": RAG.AMBER, "g": RAG.GREEN, "b": RAG.BLUE, "": RAG.NOT_RATED}
    if text in aliases:
        return aliases[text]
    for rag in RAG:
        if text in (rag.value.replace("_", " "), rag.label.lower()):
            return rag
    if text in ("not rated", "none", "n/a"):
        return RAG.NOT_RATED
    raise ValueError(f"{value!r} is not a RAG rating: use Red, Amber, Green, Blue or Not yet rated")
