"""Slugs for URLs shared by every organisation: `/plans/<slug>/`, `/inspections/<slug>/`, `/boards/<slug>/`.

A slug is unique across the whole service, so two councils importing a plan of the same title must not
collide, and nothing may tell one council what another has called its plans. `unique_slug` never raises
and never names what it found taken: it returns a slug nobody holds.
"""

from django.db import models
from django.utils.text import slugify


class SlugRule:
    """Use the plain slugified text when it is free; otherwise prefix the organisation's slug
    (`<org-slug>-<text>`); only if that is also taken add a numeric suffix (`-2`, `-3`, ...)."""

    @staticmethod
    def candidates(text: str, organisation_slug: str, max_length: int, fallback: str) -> tuple[str, str]:
        """The plain slug and the prefixed one (the same when there is no organisation), both within
        `max_length` and without a hyphen left dangling by the cut."""
        plain = _cut(slugify(text), max_length) or fallback
        prefixed = _cut(slugify(f"{organisation_slug} {text}"), max_length) if organisation_slug else plain
        return plain, prefixed or plain


def _cut(slug: str, max_length: int) -> str:
    return slug[:max_length].strip("-")


def unique_slug(model: type[models.Model], text: str, *, organisation=None, max_length: int | None = None) -> str:
    """A slug for a new `model` row made from `text`, held by no row of any organisation (SlugRule).

    Taken means held by any row of the model, whoever owns it: the check reads the whole table, not what
    a user sees, because the URL space is shared. Two imports racing for the same slug meet the column's
    unique constraint, which rolls the loser back rather than sharing a URL.
    """
    field = model._meta.get_field("slug")
    max_length = min(max_length or field.max_length, field.max_length)
    fallback = model._meta.model_name
    plain, prefixed = SlugRule.candidates(text, getattr(organisation, "slug", "") or "", max_length, fallback)
    rows = model._base_manager
    held = set(rows.filter(slug__in={plain, prefixed}).values_list("slug", flat=True))
    for candidate in (plain, prefixed):
        if candidate not in held:
            return candidate
    # Every numbered candidate starts with this stem (a suffix of up to ten digits is cut from the end).
    stem = prefixed[: max(max_length - 11, 1)]
    taken = set(rows.filter(slug__startswith=stem).values_list("slug", flat=True))
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = _cut(prefixed, max_length - len(suffix)) + suffix
        if candidate not in taken:
            return candidate
        number += 1
