/* A changelist's column chooser (in the manner of django-unfold's).
 *
 * A list wider than its box hides columns from the right until it fits
 * (status badges last: they are what a list is scanned for);
 * "Columns" lists them all, each with a checkbox to show or hide it. The
 * choice is remembered per user and table in this browser (localStorage);
 * "Fit to the screen" forgets it. The row's link column and the selection
 * checkbox always stay. Without JavaScript every column is shown.
 */
(function () {
  "use strict";

  const HIDDEN = "aria-col-hidden";

  function columnsOf(table) {
    const row = table.tBodies[0] && table.tBodies[0].rows[0];
    const columns = [];
    table.querySelectorAll("thead th").forEach(function (th) {
      const match = /(?:^|\s)column-(\S+)/.exec(th.className);
      if (!match || th.classList.contains("action-checkbox-column")) {
        return;
      }
      const name = match[1];
      const cell = row && row.querySelector(".field-" + CSS.escape(name));
      columns.push({
        name: name,
        label: th.textContent.trim() || name,
        keep: !!cell && cell.tagName === "TH",  // the link to the record
        status: !!cell && !!cell.querySelector(".aria-badge"),
        cells: table.querySelectorAll("th.column-" + CSS.escape(name) + ", .field-" + CSS.escape(name)),
      });
    });
    return columns;
  }

  function apply(columns, hidden) {
    columns.forEach(function (column) {
      const hide = !column.keep && hidden.has(column.name);
      column.cells.forEach(function (cell) { cell.classList.toggle(HIDDEN, hide); });
    });
  }

  function overflows(box) {
    return box.scrollWidth > box.clientWidth + 1;
  }

  function fit(box, columns) {
    const hidden = new Set();
    apply(columns, hidden);
    [false, true].forEach(function (statusPass) {
      for (let i = columns.length - 1; i >= 0 && overflows(box); i--) {
        if (!columns[i].keep && columns[i].status === statusPass) {
          hidden.add(columns[i].name);
          apply(columns, hidden);
        }
      }
    });
    return hidden;
  }

  function load(key) {
    try {
      const saved = JSON.parse(window.localStorage.getItem(key));
      return Array.isArray(saved) ? new Set(saved) : null;
    } catch (error) {
      return null;
    }
  }

  function save(key, hidden) {
    try {
      if (hidden === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, JSON.stringify(Array.from(hidden)));
      }
    } catch (error) { /* storage refused: the choice lasts for this page */ }
  }

  function chooser(root, box, columns, key) {
    const details = document.createElement("details");
    details.className = "aria-columns";
    const summary = document.createElement("summary");
    details.appendChild(summary);
    const list = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = "Show columns";
    list.appendChild(legend);
    const boxes = [];
    columns.forEach(function (column) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.value = column.name;
      input.disabled = column.keep;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + column.label));
      list.appendChild(label);
      boxes.push(input);
    });
    const reset = document.createElement("button");
    reset.type = "button";
    reset.className = "button";
    reset.textContent = "Fit to the screen";
    list.appendChild(reset);
    details.appendChild(list);

    function show(hidden) {
      apply(columns, hidden);
      boxes.forEach(function (input) { input.checked = input.disabled || !hidden.has(input.value); });
      const count = columns.filter(function (c) { return !c.keep && hidden.has(c.name); }).length;
      summary.textContent = count ? "Columns (" + count + " hidden)" : "Columns";
    }

    list.addEventListener("change", function () {
      const hidden = new Set(boxes.filter(function (i) { return !i.checked; }).map(function (i) { return i.value; }));
      save(key, hidden);
      show(hidden);
    });
    reset.addEventListener("click", function () {
      save(key, null);
      show(fit(box, columns));
    });
    root.insertBefore(details, root.firstChild);
    const saved = load(key);
    show(saved !== null ? saved : fit(box, columns));
  }

  function init() {
    const root = document.getElementById("aria-columns");
    const table = document.getElementById("result_list");
    const box = table && table.closest(".results");
    if (!root || !box || !table.tBodies[0] || !table.tBodies[0].rows.length) {
      return;
    }
    const key = "aria-admin:columns:" + root.dataset.user + ":" + root.dataset.table;
    chooser(root, box, columnsOf(table), key);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
