"""The load test's users (scripts/loadtest runs this headless against gunicorn on 127.0.0.1).

Board members browse the dashboards, reports and the register; officers post progress updates on the actions
they lead, each from the version its form showed. Every user signs in first; the timed window opens when the
last one has, with the statistics reset, and closes LOADTEST_DURATION seconds later (users finish the request
they are in). The window and the counts are written to LOADTEST_RESULT for tools/loadtest/summarise.py.

The client stands for the browser and the TLS proxy together: it sends X-Forwarded-Proto: https, as the proxy
would, and sends the Secure cookies the service sets, as a browser talking https to the proxy would. A user
whose sign-in fails stops the run before the window opens (LOADTEST_SIGN_IN_SECONDS bounds the wait).
"""

import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from gevent.event import Event
from locust import HttpUser, between, events, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
PASSWORD = os.environ["LOADTEST_PASSWORD"]
DURATION = float(os.environ.get("LOADTEST_DURATION", "60"))
SIGN_IN_SECONDS = float(os.environ.get("LOADTEST_SIGN_IN_SECONDS", "300"))  # a bound on signing everyone in
RESULT = Path(os.environ["LOADTEST_RESULT"])
POST_NAME = "/actions/[id]/update/ POST"
CONFLICT_TEXT = "Someone else updated this action while you were writing"
SIGNED_IN_TEXT = "Sign out"

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_FIELD = re.compile(r'name="version" value="(\d+)"')

window_open = Event()
window = {}
board_usernames = list(PLAN["board_members"])
officer_work = list(PLAN["officers"])
signed_in = []


def open_window(environment):
    """All users are signed in: start the clock on a clean slate and stop the run DURATION seconds on."""
    environment.stats.reset_all()
    window["start"] = time.time()
    window_open.set()
    gevent.spawn_later(DURATION, environment.runner.quit)


@events.test_start.add_listener
def bound_sign_in(environment, **kwargs):
    def give_up():
        if not window_open.is_set():
            environment.runner.quit()
    gevent.spawn_later(SIGN_IN_SECONDS, give_up)


@events.test_stop.add_listener
def write_result(environment, **kwargs):
    """After the users have stopped (each finishing its request): the window and locust's own counts."""
    if "start" not in window:
        error = window.get("error", f"only {len(signed_in)} users signed in in {SIGN_IN_SECONDS:.0f} s")
        RESULT.write_text(json.dumps({"error": error}))
        return
    window["end"] = time.time()
    total = environment.stats.total
    posts = environment.stats.get(POST_NAME, "POST")
    RESULT.write_text(json.dumps({
        "users": len(signed_in), "start": window["start"], "end": window["end"],
        # A task that raised (a page without its form, say) is an error too, though no request failed.
        "requests": total.num_requests,
        "failures": total.num_failures + sum(e["count"] for e in environment.runner.exceptions.values()),
        "p95_ms": total.get_response_time_percentile(0.95) or 0, "posted": posts.num_requests,
        "failures_by_name": {f"{e.method} {e.name}: {e.error}": e.occurrences for e in environment.stats.errors.values()}
        | {f"exception in a task: {e['msg']}": e["count"] for e in environment.runner.exceptions.values()},
    }, indent=1))


class SignedInUser(HttpUser):
    abstract = True

    def on_start(self):
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.origin = self.host.replace("http://", "https://", 1)
        self.username = self.next_username()
        login = self.fetch("GET", "/account/login/", name="sign in GET")
        response = self.fetch("POST", "/account/login/", name="sign in POST", allow_redirects=False, data={
            "username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": csrf(login.text),
        }, headers={"Origin": self.origin})
        if response.status_code != 302:
            window["error"] = f"{self.username} could not sign in: {response.status_code}"
            gevent.spawn(self.environment.runner.quit)
            raise StopUser()
        signed_in.append(self.username)
        if len(signed_in) == self.environment.runner.target_user_count:
            open_window(self.environment)
        window_open.wait()

    def fetch(self, method, url, **kwargs):
        """A request as the browser makes it to the proxy: over https, so with the Secure cookies the service
        set (the cookie jar would keep them from a plain-HTTP URL, which is only the proxy's side here)."""
        for cookie in self.client.cookies:
            cookie.secure = False
        return self.client.request(method, url, **kwargs)

    def page(self, url, name):
        """GET a page that must answer 200 signed in (a redirect would be to the sign-in page: an error)."""
        with self.fetch("GET", url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
            elif SIGNED_IN_TEXT not in response.text:
                response.failure(f"not signed in on {url}")
            return response


def csrf(html):
    found = CSRF_FIELD.search(html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


class BoardMember(SignedInUser):
    fixed_count = len(board_usernames)
    wait_time = between(1, 3)

    def next_username(self):
        return board_usernames.pop()

    @task(4)
    def dashboard(self):
        self.page(PLAN["pages"]["dashboard"], "dashboard")

    @task(3)
    def register(self):
        self.page(PLAN["pages"]["register"], "register")

    @task(1)
    def register_filtered(self):
        self.page(PLAN["pages"]["register_filtered"], "register filtered")

    @task(2)
    def report(self):
        if "report" in PLAN["pages"]:
            self.page(PLAN["pages"]["report"], "highlight report")

    @task(1)
    def vital_signs(self):
        self.page(PLAN["pages"]["vital_signs"], "vital signs")

    @task(1)
    def tracker(self):
        if "tracker" in PLAN["pages"]:
            self.page(PLAN["pages"]["tracker"], "recommendation tracker")

    @task(1)
    def home(self):
        self.page(PLAN["pages"]["home"], "home")


class Officer(SignedInUser):
    fixed_count = len(officer_work)
    wait_time = between(2, 5)

    def next_username(self):
        self.work = officer_work.pop()
        return self.work["username"]

    @task
    def post_update(self):
        action = random.choice(self.work["actions"])
        url = f"/actions/{action}/update/"
        form = self.page(url, "/actions/[id]/update/")
        if not form.ok:
            return
        gevent.sleep(random.uniform(0.5, 2))  # writing the update
        for _attempt in range(2):  # a conflict hands the form back on the current version: save once more
            data = {"csrfmiddlewaretoken": csrf(form.text), "version": VERSION_FIELD.search(form.text).group(1),
                    "rag": "amber", "narrative": f"Load test update by {self.username}.",
                    "mitigation": "Load test: cover arranged while the post is recruited to."}
            with self.fetch("POST", url, data=data, name=POST_NAME, allow_redirects=False, catch_response=True,
                              headers={"Origin": self.origin}) as form:
                if form.status_code == 302 and form.headers.get("Location") == f"/actions/{action}/":
                    self.page(f"/actions/{action}/", "/actions/[id]/")
                    return
                if form.status_code == 200 and CONFLICT_TEXT in form.text:
                    continue  # a conflict, recorded by the service: expected, not an error
                form.failure(f"{form.status_code} for the update of action {action}")
                return
