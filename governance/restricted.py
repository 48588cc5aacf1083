"""How a restricted object (governance.models.Restrictable, and an issued BoardPack) is labelled wherever it
is shown: pages, exports, the feed, packs and emails all take their words from here, so they say the same.

Who may see a restricted object is governance.visibility's business, not this module's: by the time
something is labelled, the reader is allowed to see it.
"""

from .models import EXEMPTION_PARAGRAPHS, AgendaItem

SHORT = "Restricted — not for publication"
_DESCRIPTIONS = dict(EXEMPTION_PARAGRAPHS)


def paragraph_words(paragraph: int | None) -> str:
    """ "Schedule 12A, paragraph 1: information relating to any individual" (the record's own description). """
    described = _DESCRIPTIONS.get(paragraph)
    if described is None:
        return "Schedule 12A, paragraph not recorded"
    return "Schedule 12A, p" + described[1:]


def label(obj) -> str:
    """The label of a restricted object, or "" for one that is open."""
    if not getattr(obj, "restricted", False):
        return ""
    return f"{SHORT} ({paragraph_words(obj.exemption_paragraph)})"


def exemption_line(paragraph: int | None) -> str:
    """What makes a pack not for publication, in the Act's own words for exempt information: the line under
    "NOT FOR PUBLICATION" on its cover."""
    if paragraph is None:
        return ("Exempt information under Schedule 12A to the Local Government Act 1972 (the paragraph is chosen "
                "when the pack is issued).")
    return (f"Exempt information under paragraph {paragraph} of Schedule 12A to the Local Government Act 1972 "
            f"({_DESCRIPTIONS[paragraph].split(': ', 1)[1]}).")


def withheld_words(item) -> str:
    """A restricted agenda item listed to someone outside it: its number and exempting paragraph only, what a
    council publishes when it excludes the public from an item (Local Government Act 1972, s.100A(5)); never
    its title or content."""
    return (f"{f'Item {item.number}' if item.number else 'An item'}: restricted — not for publication "
            f"({paragraph_words(item.exemption_paragraph)})")


def split_agenda(meeting, user=None, *, restricted: bool = False, items=None) -> tuple[list, list[str]]:
    """The meeting's agenda items (`items`, a queryset of them, to add prefetches) as (those the reader may see,
    the words listing the restricted ones they may not), in one query. The reader is `user`, by the rule; or,
    with no user, a pack: an open one holds no restricted item, a restricted one holds them all (their
    insiders are the pack's own: governance.report.PackContentRule)."""
    from .visibility import visible_flag

    items = AgendaItem.objects.filter(meeting=meeting) if items is None else items
    if user is not None:
        items = items.annotate(is_seen=visible_flag(AgendaItem, user, "pk"))
    seen, withheld = [], []
    for item in items.order_by("order", "pk"):
        if (item.is_seen if user is not None else (restricted or not item.restricted)):
            seen.append(item)
        elif item.restricted:
            withheld.append(withheld_words(item))
    return seen, withheld
