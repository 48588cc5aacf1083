// Names for the Django admin's autocomplete boxes, which select2 (4.0.13, shipped with Django) draws from
// script, so no template can fix them. As drawn: the combobox is named only by its current value (by nothing
// when empty), the rendered value is a second, unnamed "textbox", the search box has no name, and the "remove
// all" cross sits inside the list of chosen items (axe: aria-input-field-name, label, list; WCAG 1.3.1, 4.1.2).
// Each part is named here from the field's own label (or, in a tabular inline, from the aria-label the server
// gives the field: ui/admin_a11y.py), and again whenever select2 redraws. Loaded by templates/admin/base_site.html.
(function () {
  "use strict";

  // The <select> a select2 box belongs to: the one it was drawn after, or, for the dropdown (appended to the
  // body), the one whose id its results list is named from ("select2-<id>-results").
  function selectOf(container) {
    var before = container.previousElementSibling;
    if (before && before.tagName === "SELECT") return before;
    var field = container.querySelector(".select2-search__field[aria-controls]");
    var match = field && /^select2-(.+)-results$/.exec(field.getAttribute("aria-controls"));
    return match ? document.getElementById(match[1]) : null;
  }

  // The id of the field's visible label (given one if it has none), or null when the field has no label.
  function labelId(select) {
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (!label) return null;
    if (!label.id) label.id = select.id + "-label";
    return label.id;
  }

  function name(element, select, alsoBy) {
    var id = labelId(select);
    if (id) {
      element.setAttribute("aria-labelledby", alsoBy ? id + " " + alsoBy : id);
    } else if (select.getAttribute("aria-label")) {
      element.setAttribute("aria-label", select.getAttribute("aria-label"));
    }
  }

  function fix(container) {
    var select = selectOf(container);
    if (!select) return;
    var rendered = container.querySelector(".select2-selection__rendered");
    var selection = container.querySelector(".select2-selection");
    if (rendered && rendered.getAttribute("role") === "textbox") {
      // The combobox's value, not a field of its own: the combobox is named by the label and this value.
      rendered.removeAttribute("role");
      rendered.removeAttribute("aria-readonly");
    }
    if (selection) {
      var single = selection.classList.contains("select2-selection--single");
      name(selection, select, single && rendered && rendered.id ? rendered.id : null);
    }
    container.querySelectorAll(".select2-search__field").forEach(function (field) {
      name(field, select, null);
    });
    // A mouse-only shortcut (Backspace does the same from the keyboard), so out of the accessibility tree.
    container.querySelectorAll(".select2-selection__clear").forEach(function (cross) {
      cross.setAttribute("aria-hidden", "true");
    });
  }

  function fixAll() {
    document.querySelectorAll(".select2-container").forEach(fix);
    // SelectFilter2.js (a "filter_horizontal" field) draws its search icon as a <span> with an aria-label,
    // which a plain span may not carry (axe aria-prohibited-attr): it is an image of the words.
    document.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  // Mutation callbacks run once select2's synchronous redraw is over; the changes made here are attributes
  // only, which this observer does not watch, so it never wakes itself.
  new MutationObserver(fixAll).observe(document.body, {childList: true, subtree: true});
  fixAll();
})();
