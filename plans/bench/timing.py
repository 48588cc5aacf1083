"""Timing pages through Django's test client, as a signed-in user behind a TLS proxy, and the bench summary.

A `Page` is one request (a URL name, a variant suffix, GET or POST). `time_pages` runs every page once to warm
up, then R rounds of every page in turn, so the pages listed next to each other (the register and the admin
changelist) take their runs alternately and machine noise falls on both alike. Each request is timed from the
call to the last byte of the body (a streamed response is consumed fully) and its SQL queries are counted with
CaptureQueriesContext (which records queries whatever settings.DEBUG says).
"""

import contextlib
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

# Not interactive: a download, judged by its own target (export_s, pdf_s), not by p95_max_ms.
EXPORT, PDF, WORD, INTERACTIVE, BASELINE = "export", "pdf", "word", "interactive", "baseline"


class PageFailed(Exception):
    """A page answered something other than what a working page answers."""


@dataclass
class Page:
    """One timed request. `data` is called before each POST for a fresh form (not timed); `expect` is the status
    a working page answers (302 for a POST that saved)."""

    name: str
    url: str
    kind: str = INTERACTIVE
    method: str = "get"
    data: Callable[[], dict] | None = None
    expect: int = 200
    expect_location: str | None = None


@dataclass
class Result:
    page: Page
    seconds: list = field(default_factory=list)
    queries: list = field(default_factory=list)
    error: str = ""

    @property
    def p50_ms(self) -> float:
        return 1000 * statistics.median(self.seconds)

    @property
    def p95_ms(self) -> float:
        return 1000 * percentile(self.seconds, 95)

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)

    @property
    def queries_max(self) -> int:
        return max(self.queries)

    @property
    def queries_shown(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(high) if low == high else f"{high} (varied {low}-{high})"


def percentile(values, pct: float) -> float:
    """The nearest-rank percentile: the smallest value with at least pct% of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def signed_in_client(user) -> Client:
    """A client signed in as `user` whose every request arrives as from a TLS-terminating proxy."""
    client = Client(enforce_csrf_checks=False, HTTP_X_FORWARDED_PROTO="https")
    # The sign-in backend that reads the login's Person (settings.AUTHENTICATION_BACKENDS' first is axes').
    client.force_login(user, backend="governance.backends.SignInBackend")
    return client


def request(client: Client, page: Page) -> tuple[float, int]:
    """Seconds and SQL queries for one request of `page`; PageFailed unless it answered as a working page."""
    data = page.data() if page.data else None
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        send = client.post if page.method == "post" else client.get
        response = send(page.url, data, secure=True)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seconds = time.perf_counter() - started
    if response.status_code != page.expect:
        raise PageFailed(f"{page.name} answered {response.status_code}, not {page.expect}: "
                         f"{body[:300].decode('utf-8', 'replace')!r}")
    if page.expect_location and response.headers.get("Location") != page.expect_location:
        raise PageFailed(f"{page.name} redirected to {response.headers.get('Location')!r}, "
                         f"not {page.expect_location!r} (a form error?)")
    if page.expect == 200 and not body:
        raise PageFailed(f"{page.name} answered an empty body")
    return seconds, len(captured.captured_queries)


# A query running longer than this is stopped and its page reported as failed, so that one pathological page
# cannot hold the whole run up for hours (the other pages are still timed).
QUERY_LIMIT_SECONDS = 60


@contextlib.contextmanager
def query_limit(seconds: float):
    """Stop any one SQL query after `seconds`: PostgreSQL's statement_timeout, SQLite's progress handler."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = %s", [int(seconds * 1000)])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET statement_timeout")
    elif connection.vendor == "sqlite":
        started = [time.perf_counter()]
        # The handler runs every 100,000 virtual machine steps; a non-zero answer interrupts the query.
        connection.connection.set_progress_handler(lambda: time.perf_counter() - started[0] > seconds, 100_000)
        try:
            with connection.execute_wrapper(_restart_clock(started)):
                yield
        finally:
            connection.connection.set_progress_handler(None, 0)
    else:
        yield


def _restart_clock(started):
    def wrapper(execute, sql, params, many, context):
        started[0] = time.perf_counter()
        return execute(sql, params, many, context)
    return wrapper


def time_pages(client: Client, pages: list[Page], runs: int, warmups: int = 1,
               progress: Callable[[str], None] | None = None) -> dict[str, Result]:
    """Warm up, then `runs` rounds of every page in list order. A page that fails (a wrong answer, an error, a
    query over QUERY_LIMIT_SECONDS) is reported (Result.error) and left out of later rounds; the others go on.
    `progress` is told each page's warm-up time as it comes."""
    results = {page.name: Result(page) for page in pages}
    with query_limit(QUERY_LIMIT_SECONDS):
        for round_number in range(warmups + runs):
            for page in pages:
                result = results[page.name]
                if result.error:
                    continue
                started = time.perf_counter()
                try:
                    seconds, queries = request(client, page)
                except PageFailed as failed:
                    result.error = str(failed)
                except Exception as crashed:  # a 500 raised through the test client: report it, time the rest
                    result.error = f"{page.name} raised {type(crashed).__name__}: {str(crashed).strip()[:300]}"
                    if isinstance(crashed, OperationalError) and time.perf_counter() - started > QUERY_LIMIT_SECONDS:
                        result.error += f" (a query ran over {QUERY_LIMIT_SECONDS} s and was stopped)"
                else:
                    if round_number >= warmups:
                        result.seconds.append(seconds)
                        result.queries.append(queries)
                    elif progress:
                        progress(f"  warm-up {page.name}: {seconds:.2f} s, {queries} queries")
                if result.error and progress:
                    progress(f"  FAILED {result.error}")
    return results


@dataclass
class Summary:
    pages: int
    p95_max_ms: float
    worst: str
    queries_max: int
    admin_ratio: float
    export_s: float
    pdf_s: float
    growth: float

    def line(self) -> str:
        return (f"bench: pages={self.pages} p95_max_ms={self.p95_max_ms:.1f} worst={self.worst} "
                f"queries_max={self.queries_max} admin_ratio={self.admin_ratio:.2f} export_s={self.export_s:.3f} "
                f"pdf_s={self.pdf_s:.3f} growth={self.growth:.2f}")


def summarise(results: dict[str, Result], *, register: str, admin: str, export: str, pdf: str,
              growth: float) -> Summary:
    """The summary over the key pages that worked (the admin changelist is the baseline, not a key page):
    p95_max_ms and worst over the interactive ones, queries_max over all of them."""
    key = [r for r in results.values() if r.page.kind != BASELINE and not r.error]
    interactive = [r for r in key if r.page.kind == INTERACTIVE]
    if not interactive:
        raise ValueError("No interactive page worked: there is nothing to summarise")
    worst = max(interactive, key=lambda r: r.p95_ms)
    ratio = (results[register].p95_ms / results[admin].p95_ms
             if not results[register].error and not results[admin].error else 0.0)
    return Summary(
        pages=len(key), p95_max_ms=worst.p95_ms, worst=worst.page.name,
        queries_max=max(r.queries_max for r in key), admin_ratio=ratio,
        export_s=results[export].median_s if not results[export].error else 0.0,
        pdf_s=results[pdf].median_s if not results[pdf].error else 0.0,
        growth=growth,
    )


def table(results: dict[str, Result]) -> list[str]:
    """The results as fixed-width lines: page, p50 ms, p95 ms, queries (or the error)."""
    width = max(len(name) + len(" (baseline)") for name in results) + 2
    lines = [f"{'page':<{width}}{'p50 ms':>10}{'p95 ms':>10}  queries"]
    for name, result in results.items():
        label = name + (" (baseline)" if result.page.kind == BASELINE else "")
        if result.error:
            lines.append(f"{label:<{width}}  FAILED: {result.error}")
        else:
            lines.append(f"{label:<{width}}{result.p50_ms:>10.1f}{result.p95_ms:>10.1f}  {result.queries_shown}")
    return lines
