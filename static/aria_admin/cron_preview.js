/* The cron form's live preview: as the schedule is typed, ask the server
 * (schedule-preview/, the form's own validation) what it means and when it
 * runs next, and show that, or the reason it is refused, next to the field.
 */
(function () {
  "use strict";

  const WAIT_MS = 250;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function render(box, body) {
    box.replaceChildren();
    if (!body.ok) {
      const list = el("ul", "errorlist");
      (body.errors || ["This schedule could not be checked."]).forEach(function (message) {
        list.appendChild(el("li", "", "Schedule: " + message));
      });
      box.appendChild(list);
      return;
    }
    box.appendChild(el("div", "aria-meaning", body.meaning));
    const runs = el("div", "aria-runs");
    body.next_runs.forEach(function (run) {
      const line = el("div");
      const time = el("time", "", run.relative);
      time.dateTime = run.datetime;
      time.title = run.text;
      line.appendChild(time);
      line.appendChild(el("small", "", " (" + run.text + ")"));
      runs.appendChild(line);
    });
    box.appendChild(runs);
  }

  function init() {
    const box = document.getElementById("aria-schedule-preview");
    const input = document.getElementById("id_schedule");
    if (!box || !input) { return; }
    let timer = null;
    let latest = 0;

    function update() {
      const asked = ++latest;
      const url = box.dataset.url + "?" + new URLSearchParams({ schedule: input.value });
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (body) { if (asked === latest) { render(box, body); } })
        .catch(function () { /* offline or signed out: the save still checks */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, WAIT_MS);
    });
    if (input.value.trim()) { update(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
