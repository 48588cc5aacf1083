// The session-timeout warning (WCAG 2.2.1 Timing adjustable). The session ends after the idle window
// (settings.SESSION_IDLE_MINUTES) without a request; shortly before, this opens the dialog that
// ui/templates/ui/session_timeout.html renders hidden. "Stay signed in" (or Escape) posts the dialog's form
// to the keep-alive URL with fetch, so the page, and whatever the officer has typed in it, is never reloaded.
// Without JavaScript the dialog is never shown and nothing else changes.
(function () {
  "use strict";
  var dialog = document.getElementById("session-timeout");
  if (!dialog || typeof dialog.showModal !== "function" || !window.fetch) return;

  var sessionSeconds = Number(dialog.dataset.sessionSeconds);
  var warningSeconds = Number(dialog.dataset.warningSeconds);
  // The server's window started a moment before this page arrived: end a little early rather than late.
  var marginSeconds = sessionSeconds >= 60 ? 5 : 0;
  var form = dialog.querySelector("form");
  var countdown = dialog.querySelector(".app-session-timeout__countdown");
  var warning = dialog.querySelector(".app-session-timeout__warning");
  var expired = dialog.querySelector(".app-session-timeout__expired");
  // Other tabs of the service share the session: a page loaded or kept alive in one restarts the clock in all.
  var channel = window.BroadcastChannel ? new BroadcastChannel("app-session-timeout") : null;
  var expiresAt, warnTimer, tick, ended = false;

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function remaining() { return Math.max(0, Math.round((expiresAt - Date.now()) / 1000)); }

  function describe(seconds) {
    return seconds >= 60 ? plural(Math.ceil(seconds / 60), "minute") : plural(seconds, "second");
  }

  function start(announce) {
    expiresAt = Date.now() + (sessionSeconds - marginSeconds) * 1000;
    clearTimeout(warnTimer);
    clearInterval(tick);
    warnTimer = setTimeout(warn, (sessionSeconds - marginSeconds - warningSeconds) * 1000);
    if (announce && channel) channel.postMessage("restarted");
  }

  function show() {
    dialog.hidden = false;
    if (!dialog.open) dialog.showModal();
  }

  function warn() {
    warning.hidden = false;
    expired.hidden = true;
    countdown.textContent = describe(remaining());
    show();
    // The countdown is no live region: screen readers hear it as the dialog opens, not every second.
    tick = setInterval(function () {
      var left = remaining();
      if (left <= 0) return signedOut();
      var text = describe(left);
      if (countdown.textContent !== text) countdown.textContent = text;
    }, 1000);
  }

  function signedOut() {
    ended = true;
    clearTimeout(warnTimer);
    clearInterval(tick);
    warning.hidden = true;
    expired.hidden = false;
    dialog.setAttribute("aria-labelledby", "session-timeout-ended-title");
    dialog.setAttribute("aria-describedby", "session-timeout-ended-text");
    show();
    expired.querySelector("h2").focus();
  }

  function stay() {
    // redirect "manual": a session that has already ended answers with a redirect to sign in, not 204.
    return fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                               redirect: "manual"})
      .then(function (response) {
        if (response.status !== 204) throw new Error("The session has ended");
        if (dialog.open) dialog.close();
        start(true);
      })
      .catch(signedOut);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    stay();
  });
  // Escape closes a modal dialog: someone pressing it is plainly still here, so it keeps the session too.
  dialog.addEventListener("cancel", function (event) {
    if (ended) return;
    event.preventDefault();
    stay();
  });
  dialog.querySelector(".app-session-timeout__close").addEventListener("click", function () {
    dialog.close();
  });
  dialog.addEventListener("close", function () {
    dialog.hidden = true;
  });
  // Once signed out, sending a form would land on the sign-in page and lose what was typed: say so instead.
  document.addEventListener("submit", function (event) {
    if (ended && event.target !== form) {
      event.preventDefault();
      signedOut();
    }
  }, true);
  if (channel) {
    channel.onmessage = function () {
      if (ended) return;
      if (dialog.open) dialog.close();
      start(false);
    };
  }
  start(true);
})();
