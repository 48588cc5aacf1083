import gc
import subprocess
import sys

from bradford_cs.runtime import THRESHOLDS, tuned_garbage_collector


def test_the_bench_times_with_the_collector_tuned_and_leaves_it_as_it_was():
    before = gc.get_threshold()
    with tuned_garbage_collector():
        assert gc.get_threshold() == THRESHOLDS
        assert gc.get_freeze_count() > 0  # what was loaded is out of the collector's walks
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_the_wsgi_entry_point_tunes_the_collector_once_the_application_is_loaded():
    probe = ("import gc, bradford_cs.wsgi; "
             "print(gc.get_threshold() == bradford_cs.runtime.THRESHOLDS, gc.get_freeze_count() > 1000)")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                           env={"DJANGO_SECRET_KEY": "x" * 50, "PATH": "/usr/bin:/bin"})
    assert found.stdout.split() == ["True", "True"], found.stderr
