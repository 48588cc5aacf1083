"""How a serving process sets up Python's cyclic garbage collector: called by the WSGI entry point once the
application is loaded, and by `manage.py bench` before it times pages, so the figures are production's.

A board page builds tens of thousands of short-lived objects (a council's actions, their updates, rows and
template nodes), which at Python's default thresholds set off a collection every 700 and, about once a report,
a full one that walks every object the process holds: a fifth of the highlight report's time, at benchmark
scale. What was loaded at start-up (Django, the apps, their modules) lives as long as the process, so it is
frozen out of the collector's walks; and the young generation is collected after 200,000 new objects rather
than 700, so a page's own objects are mostly freed by reference counting before a collection comes round: a
collection walks every young object still alive, and a report holds 24,000 updates while it folds them, so at
50,000 each report paid for one or two walks of them (20 ms each) and the walks of the middle generation they were
promoted to (up to half a second, now and then). Cyclic garbage still goes: pages leave little
(ui.template_backend), a PDF collects its own (governance.packs.render_pdf), and every collection still runs, less
often; at most 200,000 objects (tens of MB) wait for one.
"""

import contextlib
import gc

THRESHOLDS = (200_000, 20, 10)


def tune_garbage_collector() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


@contextlib.contextmanager
def tuned_garbage_collector():
    """tune_garbage_collector() for a while, then the collector as it was (a bench run inside the test suite
    leaves the rest of the suite's process alone)."""
    before = gc.get_threshold()
    tune_garbage_collector()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
