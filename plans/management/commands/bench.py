"""manage.py bench [--scale N] [--runs R] [--no-growth]: build the synthetic data set and time the key pages."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bradford_cs.runtime import tuned_garbage_collector
from governance.models import Organisation
from plans.bench import dataset, pages, timing
from plans.models import ProgressUpdate


class Command(BaseCommand):
    help = ("Build the benchmark's data set (issue 15) in this database, which must be empty (make bench uses a "
            "throwaway PostgreSQL), time the key pages as a board member of one organisation, and print a table "
            "and the summary line.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0,
                            help="From 0.1 up, multiplies the organisations, each full size (2,400 actions): 0.1 is "
                                 "1, 1 is 10 (24,000 actions), 2.5 is 25. Below 0.1, one organisation whose themes, "
                                 "actions (so updates), measures (so values), recommendations and meetings are "
                                 "multiplied by 10 x scale, with floors so that every page has content: 0.02 is one "
                                 "organisation of 480 actions and 4,800 updates. Default 1.")
        parser.add_argument("--runs", type=int, default=20, help="Timed runs of each page after a warm-up (20).")
        parser.add_argument("--no-growth", action="store_true",
                            help="Skip the run at four times the organisations (growth is then 1).")
        parser.add_argument("--skip", action="append", default=[], metavar="URL_NAME",
                            help="A debugging aid: leave out a page (by its name in the table, e.g. "
                                 "inspections:tracker) known to hang. The summary is then over the others and the "
                                 "command fails (exit status 1) after printing it, as it does when a page fails: a "
                                 "run with pages left out is never a passing run. Repeatable.")

    def handle(self, *args, scale, runs, no_growth, skip, **options):
        if settings.DEBUG:
            raise CommandError("bench times production settings: run it with DJANGO_DEBUG=0 (make bench does).")
        if not scale > 0 or scale == float("inf"):
            raise CommandError(f"--scale must be a number more than 0, not {scale}")
        if runs < 1:
            raise CommandError(f"--runs must be at least 1, not {runs}")
        refused = sorted(set(skip) - set(pages.NAMES) | set(skip) & set(pages.NEEDED))
        if refused:
            raise CommandError(f"--skip cannot leave out {', '.join(refused)}: it takes a page of the table "
                               f"other than {', '.join(pages.NEEDED)}, which the summary needs.")
        if Organisation.objects.exists():
            raise CommandError("This database already holds organisations: bench adds a million rows, so it runs "
                               "only on an empty (migrated) database, such as the throwaway one make bench starts.")

        info = dataset.build(scale)
        size = info.sizes
        self._say(f"Built {info.organisations} organisations on {connection.vendor} in {info.seconds:.1f} s "
                  f"(each {dataset.PLANS} plans, {size.themes_per_plan} themes a plan, {size.actions_per_theme} "
                  f"actions a theme, {size.measures_per_plan} measures a plan, {size.recommendations} "
                  f"recommendations, {size.meetings} meetings):")
        self._say("  " + ", ".join(f"{label} {n:,}" for label, n in info.counts.items()))
        self._say(f"Timing as {info.user.username}, {runs} runs after a warm-up, debug off, behind TLS.")

        client = timing.signed_in_client(info.user)
        key_pages = [page for page in pages.key_pages(info) if page.name not in skip]
        updates_before = ProgressUpdate.objects.count()
        started = time.perf_counter()
        results = self._time(client, key_pages, runs)
        post = results.get("plans:update")  # None when left out with --skip
        posted = len(post.seconds) + (0 if post.error else 1) if post else 0  # the warm-up posts too
        stored = ProgressUpdate.objects.count() - updates_before
        if post and stored != posted:
            post.error = post.error or f"posted {posted} updates but {stored} were stored"
        for line in timing.table(results):
            self._say(line)
        self._say(f"Progress updates posted {posted}, stored {stored}; pages timed in "
                  f"{time.perf_counter() - started:.0f} s.")

        growth = 1.0
        failures = [r.error for r in results.values() if r.error]
        if not no_growth:
            growth, grown_failures = self._growth(client, info, key_pages, runs)
            failures += grown_failures

        summary = timing.summarise(results, register=pages.REGISTER, admin=pages.ADMIN, export=pages.EXPORT_PAGE,
                                   pdf=pages.PDF_PAGE, growth=growth)
        for name in skip:
            self._say(f"SKIPPED (--skip): {name}")
        for failure in failures:
            self.stderr.write(f"FAILED: {failure}")
        self._say(summary.line())
        problems = [f"{len(failures)} page(s) failed"] if failures else []
        if skip:
            problems.append(f"{len(set(skip))} page(s) skipped with --skip")
        if problems:
            raise CommandError(f"{' and '.join(problems)}: the summary is over the others, not every key page.")

    def _time(self, client, chosen, runs):
        """timing.time_pages with the garbage collector set up as the WSGI entry point sets it up
        (bradford_cs.runtime), so the figures are a serving process's."""
        with tuned_garbage_collector():
            return timing.time_pages(client, chosen, runs, progress=self._say)

    def _say(self, line: str):
        # Flushed at once: a run takes minutes, and whoever watches make bench sees each stage as it ends.
        self.stdout.write(line)
        self.stdout.flush()

    def _growth(self, client, info, key_pages, runs):
        """The growth pages timed at this scale and again at four times the organisations, in the same loop."""
        chosen = [page for page in key_pages if page.name in pages.GROWTH]
        before = self._time(client, chosen, runs)
        target = 4 * info.organisations
        dataset.grow(info, target)
        self._say(f"Grew to {info.organisations} organisations in {info.seconds:.1f} s in all:")
        self._say("  " + ", ".join(f"{label} {n:,}" for label, n in info.counts.items()))
        after = self._time(client, chosen, runs)
        self._say(f"{'page':<24}{'p95 ms x1':>12}{'p95 ms x4':>12}{'ratio':>8}")
        ratios, failures = [], []
        for name in pages.GROWTH:
            one, four = before[name], after[name]
            if one.error or four.error:
                failures.append(f"growth: {one.error or four.error}")
                continue
            ratios.append(four.p95_ms / one.p95_ms)
            self._say(f"{name:<24}{one.p95_ms:>12.1f}{four.p95_ms:>12.1f}{ratios[-1]:>8.2f}")
        return (max(ratios) if ratios else 0.0), failures
