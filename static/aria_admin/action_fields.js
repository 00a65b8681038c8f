/* The bulk-action bar shows only the fields of the chosen action.
 *
 * Each extra field names the actions it belongs to (data-aria-actions,
 * aria_admin.admin.actions.ActionFieldsForm); the others are hidden while
 * another action is chosen. Without JavaScript every field stays visible.
 */
(function () {
  "use strict";

  function update(bar) {
    const select = bar.querySelector("select[name=action]");
    const chosen = select ? select.value : "";
    bar.querySelectorAll("[data-aria-actions]").forEach(function (field) {
      const wanted = field.dataset.ariaActions.split(" ").indexOf(chosen) !== -1;
      const box = field.closest("label") || field;
      box.classList.toggle("aria-hidden-field", !wanted);
    });
  }

  function init() {
    document.querySelectorAll("#changelist-form div.actions").forEach(function (bar) {
      if (!bar.querySelector("[data-aria-actions]")) { return; }
      const select = bar.querySelector("select[name=action]");
      if (select) { select.addEventListener("change", function () { update(bar); }); }
      update(bar);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
