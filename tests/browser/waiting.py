"""Waiting for a condition in the page without Playwright's ``wait_for_function``.

Playwright re-evaluates a ``wait_for_function`` predicate with ``eval`` inside the page on every animation frame
after the first check, and our Content-Security-Policy (rightly) forbids ``unsafe-eval``: a condition that was not
already true on the first check fails with an EvalError. ``page.evaluate`` runs through the DevTools protocol, which
the policy does not block, so we poll with it instead.
"""

import time

from playwright.sync_api import Error as PlaywrightError


def wait_until(page, expression, timeout=5.0, interval=0.05):
    """Poll ``expression`` in the page until it is truthy; fail with the expression if it never is."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(f"() => Boolean({expression})"):
                return
        except PlaywrightError as error:
            # A form submitted a moment ago is still navigating: the old document went, so look again.
            if "context was destroyed" not in str(error):
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(interval * 1000)
