// Runs first thing in <body> (templates/base.html), before anything is drawn, so GOV.UK Frontend's
// JavaScript-only styles apply without a flash. A file, not an inline script: the CSP allows no inline script.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
