"""URLs of one object by its id, for lists that link hundreds of rows (a dashboard names every action that moved).

Django's reverse() matches the URL's pattern afresh on each call, some tens of microseconds; a URL whose only
argument is an integer id differs from row to row in that id alone, so it is reversed once (per URLconf and
script prefix) with a stand-in id and the stand-in is swapped for each row's."""

from django.urls import get_script_prefix, get_urlconf, reverse

# No route's fixed text holds these digits, so the one place they appear is where the id goes.
_STAND_IN = 918273645546372819
_STAND_IN_TEXT = str(_STAND_IN)
_patterns: dict[tuple, tuple[str, str]] = {}


def reverse_id(name: str, pk: int) -> str:
    """reverse(name, args=[pk]) for a URL taking one <int:...> argument."""
    key = (name, get_urlconf(), get_script_prefix())
    parts = _patterns.get(key)
    if parts is None:
        url = reverse(name, args=[_STAND_IN])
        before, found, after = url.partition(_STAND_IN_TEXT)
        if not found or _STAND_IN_TEXT in after:
            raise ValueError(f"{name} does not take a single integer id")
        parts = _patterns[key] = (before, after)
    return f"{parts[0]}{int(pk)}{parts[1]}"
