// Starts GOV.UK Frontend's components (templates/base.html). The bundle's address comes from the script
// element's data attribute, written by {% static %}, so it is the fingerprinted file in production.
const script = document.querySelector("script[data-govuk-frontend]");
const { initAll } = await import(script.dataset.govukFrontend);
initAll();
