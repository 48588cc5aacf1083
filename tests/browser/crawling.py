"""A bounded accessibility crawl for browser tests: follow a signed-in page's internal links, sample each kind of
page, and on each one run axe (WCAG 2.0, 2.1 and 2.2 A and AA), record the title and check reflow at 320 px.

Usage (a signed-in Playwright `page`):

    result = crawl(page, f"{live_server.url}/")
    assert result.ok, result.failure_message()

A page's kind is its URL name (`django.urls.resolve(path).view_name`) plus the names of its query-string keys, so
"an action" is sampled K times, not once per action. Downloads (by URL name or content type), sign-out, POST-only
and destructive URLs are never visited.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

from django.urls import Resolver404, resolve

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
               "resultTypes": ["violations"]}
REFLOW_WIDTH = 320  # WCAG 1.4.10: 1280 px at 400% zoom

# URL names and paths that are files, feeds or actions rather than pages. Matched against the view name and path.
DOWNLOAD = re.compile(r"(\.(csv|xlsx|xls|pdf|docx|json|zip|ods)$)|(export|download|_csv$|_xlsx$|_pdf$|_docx$|feed)",
                      re.IGNORECASE)
DESTRUCTIVE = re.compile(r"(logout|log-out|sign-out|signout|delete|revoke|remove|/approve/|:approve$|"
                         r"keep-alive|keep_alive)", re.IGNORECASE)
# Sorting or paging a list shows the same kind of page: these keys do not make a new kind.
SAME_PAGE_KEYS = {"sort", "o", "page", "p", "next"}
HTML = re.compile(r"^(text/html|application/xhtml\+xml)", re.IGNORECASE)

# Each element wider than the viewport that is not inside its own horizontal scroll container: what breaks reflow.
OVERFLOWING_JS = """() => {
  const width = window.innerWidth, found = [];
  const scrolls = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
    return false; };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1 && !scrolls(el)) found.push(name(el) + ' (right edge ' + Math.round(r.right) + 'px)');
    if (found.length >= 5) break;
  }
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, overflowing: found};
}"""


@dataclass
class Violation:
    url: str
    rule: str
    impact: str
    help: str
    targets: list[str]
    summary: str

    def __str__(self):
        return f"{self.url}: {self.rule} ({self.impact}) {self.help}\n    at {', '.join(self.targets)}\n    {self.summary}"


@dataclass
class Page:
    url: str
    kind: str
    status: int
    title: str
    seconds: float = 0.0  # opening, axe and the reflow check: finds the pages that make a crawl slow


@dataclass
class CrawlResult:
    pages: list[Page] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    reflow: list[str] = field(default_factory=list)  # pages that scroll sideways at 320 px, with the culprits
    bad_status: list[str] = field(default_factory=list)  # links that answered 4xx or 5xx
    skipped: dict[str, str] = field(default_factory=dict)  # URL: why it was not visited
    not_sampled: int = 0  # links left out because their kind had been sampled K times, or the page cap was hit

    @property
    def by_kind(self) -> dict[str, list[str]]:
        kinds = defaultdict(list)
        for visited in self.pages:
            kinds[visited.kind].append(visited.url)
        return dict(kinds)

    def title_problems(self, service_name: str) -> list[str]:
        """Titles that are empty, only the service name, or shared by two different paths (query strings aside:
        a filtered list is the same page)."""
        problems, paths_by_title = [], defaultdict(set)
        for visited in self.pages:
            if visited.status >= 400:
                continue
            title = " ".join(visited.title.split())
            if not title or title == service_name or title.startswith(("–", "-")):
                problems.append(f"{visited.url}: title {title!r} does not say what the page is")
            paths_by_title[title].add(urlsplit(visited.url).path)
        for title, paths in paths_by_title.items():
            if len(paths) > 1:
                problems.append(f"title {title!r} is shared by {', '.join(sorted(paths))}")
        return problems

    @property
    def ok(self) -> bool:
        return not (self.violations or self.reflow or self.bad_status)

    def failure_message(self) -> str:
        lines = [f"{len(self.pages)} pages of {len(self.by_kind)} kinds checked."]
        if self.violations:
            lines.append(f"{len(self.violations)} axe violations:")
            lines += [f"  {v}" for v in self.violations]
        if self.reflow:
            lines.append("Sideways scrolling at 320 px:")
            lines += [f"  {r}" for r in self.reflow]
        if self.bad_status:
            lines.append("Links that fail:")
            lines += [f"  {b}" for b in self.bad_status]
        return "\n".join(lines)

    def summary(self) -> str:
        seconds = defaultdict(float)
        for visited in self.pages:
            seconds[visited.kind] += visited.seconds
        return "\n".join(f"  {kind}: {len(urls)} ({seconds[kind]:.0f} s)" for kind, urls in sorted(self.by_kind.items()))


def kind_of(url: str) -> str:
    """The URL name and the query-string keys (sorting and paging aside): `plans:action`, `plans:register?rag`."""
    parts = urlsplit(url)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = f"unresolved {parts.path}"
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)} - SAME_PAGE_KEYS)
    return name + (f"?{'&'.join(keys)}" if keys else "")


def why_skip(url: str, origin: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != origin:
        return "external"
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = ""
    if DESTRUCTIVE.search(parts.path) or DESTRUCTIVE.search(name):
        return "sign-out, destructive or POST-only"
    if DOWNLOAD.search(parts.path) or DOWNLOAD.search(name):
        return "download"
    return None


def check_page(page, url: str, result: CrawlResult, *, kind: str | None = None, expect_status: int | None = None,
               axe=None, reflow_width: int = REFLOW_WIDTH) -> list[str]:
    """Open `url`, run axe, record its title and check reflow; return the page's internal links (absolute, no
    fragment). A status other than `expect_status` (default: below 400) is a bad link."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import Error as PlaywrightError

    if os.environ.get("CRAWL_LOG"):  # progress, for finding a slow page
        print(f"{time.strftime('%X')} {url}", file=sys.stderr, flush=True)
    began = time.monotonic()
    try:
        response = page.goto(url, wait_until="load")
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            result.skipped[url] = "download"
            return []
        raise
    status = response.status if response else 0
    content_type = (response.headers.get("content-type", "") if response else "")
    if status == 405:
        result.skipped[url] = "POST only"
        return []
    if status < 400 and not HTML.match(content_type):
        result.skipped[url] = f"not a page ({content_type})"
        return []
    if (expect_status is None and status >= 400) or (expect_status is not None and status != expect_status):
        result.bad_status.append(f"{url} answered {status}")
    if page.url != url:  # redirected (signed out, or to a canonical address): the page is where it landed
        url, kind = page.url, None
    result.pages.append(Page(url=url, kind=kind or kind_of(url), status=status, title=page.title()))

    for violation in (axe or Axe()).run(page, options=AXE_OPTIONS).response["violations"]:
        nodes = violation["nodes"]
        result.violations.append(Violation(
            url=url, rule=violation["id"], impact=violation.get("impact") or "", help=violation["help"],
            targets=[" ".join(map(str, node["target"])) for node in nodes][:6],
            summary=(nodes[0].get("failureSummary") or "").replace("\n", " ") if nodes else ""))

    if os.environ.get("CRAWL_LOG"):
        for v in result.violations:
            if v.url == url:
                print(f"    {v}", file=sys.stderr, flush=True)
    links = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    viewport = page.viewport_size
    page.set_viewport_size({"width": reflow_width, "height": 800})
    measured = page.evaluate(OVERFLOWING_JS)
    if measured["scrollWidth"] > measured["innerWidth"]:
        if os.environ.get("CRAWL_LOG"):
            print(f"    reflow {measured}", file=sys.stderr, flush=True)
        result.reflow.append(f"{url}: {measured['scrollWidth']} px wide at {measured['innerWidth']} px; "
                             f"{'; '.join(measured['overflowing']) or 'no single culprit found'}")
    if viewport:
        page.set_viewport_size(viewport)
    result.pages[-1].seconds = time.monotonic() - began
    return [urldefrag(urljoin(url, link))[0] for link in links]


def crawl(page, start_url: str, *, per_kind: int = 2, max_pages: int = 40, result: CrawlResult | None = None,
          skip=None, kind=kind_of) -> CrawlResult:
    """Breadth first from `start_url`: each kind of page at most `per_kind` times, `max_pages` in all.

    `skip(url)` may return a reason to leave a URL out (on top of downloads, sign-out, destructive links);
    `kind(url)` may group URLs differently. Pass `result` to add several crawls (roles) to one result.
    """
    from axe_playwright_python.sync_playwright import Axe

    result = result if result is not None else CrawlResult()
    parts = urlsplit(start_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    axe = Axe()  # reads axe-core's 500 KB script once
    queue, seen, sampled = [start_url], {start_url}, defaultdict(int)
    sampled[kind(start_url)] += 1
    visited = 0
    while queue and visited < max_pages:
        url = queue.pop(0)
        visited += 1
        for link in check_page(page, url, result, kind=kind(url), axe=axe):
            if link in seen:
                continue
            seen.add(link)
            reason = why_skip(link, origin) or (skip(link) if skip else None)
            if reason:
                if reason != "external":
                    result.skipped[link] = reason
                continue
            link_kind = kind(link)
            if sampled[link_kind] >= per_kind:
                result.not_sampled += 1
                continue
            sampled[link_kind] += 1
            queue.append(link)
    result.not_sampled += len(queue)
    return result
