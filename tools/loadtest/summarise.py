"""Print the load test's one line from locust's result file and the database (run by scripts/loadtest).

    loadtest: users=60 rps=X p95_ms=Y errors=E posted=P stored=S conflicts=C lost=L

posted is locust's count of update POSTs sent in the window; stored and conflicts are the ProgressUpdate and
EditConflict rows the load test's officers made in the window, counted in the database; lost is what is
left over. Exit status 1 unless there were no errors and nothing was lost.
"""

import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bradford_cs.settings")

import django  # noqa: E402

django.setup()

from plans.models import EditConflict, ProgressUpdate  # noqa: E402

OFFICER_PREFIX = "lt-officer-"


def main(result_path: str) -> int:
    result = json.loads(Path(result_path).read_text())
    if "error" in result:
        print(f"loadtest: did not run: {result['error']}", file=sys.stderr)
        return 1
    start, end = (datetime.datetime.fromtimestamp(result[k], tz=datetime.UTC) for k in ("start", "end"))
    stored = ProgressUpdate.objects.filter(recorded_at__range=(start, end),
                                           author__username__startswith=OFFICER_PREFIX).count()
    conflicts = EditConflict.objects.filter(created_at__range=(start, end),
                                            user__username__startswith=OFFICER_PREFIX).count()
    posted = result["posted"]
    lost = posted - stored - conflicts
    seconds = result["end"] - result["start"]
    for name, count in result["failures_by_name"].items():
        print(f"  error x{count}: {name}")
    print(f"  window {seconds:.1f} s from {start:%H:%M:%S} UTC: {result['requests']} requests")
    print(f"loadtest: users={result['users']} rps={result['requests'] / seconds:.1f} p95_ms={round(result['p95_ms'])} "
          f"errors={result['failures']} posted={posted} stored={stored} conflicts={conflicts} lost={lost}")
    return 0 if result["failures"] == 0 and lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
