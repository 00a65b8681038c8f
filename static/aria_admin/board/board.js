/* Goals board: drag a card to another column or place, then submit the
   card's own move form (the same form that works without JavaScript), so
   the server applies the move with the CSRF token and the goal's version.
   Plain HTML5 drag and drop, no library. */
(function () {
  "use strict";

  function dropIndex(cards, dragged, y) {
    // Index among the column's other cards of the first card below the pointer.
    var index = 0;
    for (var i = 0; i < cards.length; i++) {
      if (cards[i] === dragged) { continue; }
      var box = cards[i].getBoundingClientRect();
      if (y < box.top + box.height / 2) { return index; }
      index++;
    }
    return index;
  }

  function init() {
    var board = document.querySelector(".board[data-can-change='1']");
    if (!board) { return; }
    var dragged = null;

    board.addEventListener("dragstart", function (event) {
      var card = event.target.closest ? event.target.closest(".card") : null;
      if (!card) { return; }
      dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.getAttribute("data-goal"));
    });
    board.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("dragging"); }
      dragged = null;
    });
    board.querySelectorAll(".board-column").forEach(function (column) {
      column.addEventListener("dragover", function (event) {
        if (!dragged) { return; }
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        column.classList.add("drop-target");
      });
      column.addEventListener("dragleave", function () {
        column.classList.remove("drop-target");
      });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        column.classList.remove("drop-target");
        if (!dragged) { return; }
        var cards = column.querySelectorAll(".card");
        var form = dragged.querySelector("form.move");
        form.elements.column.value = column.getAttribute("data-column");
        form.elements.position.value = dropIndex(cards, dragged, event.clientY);
        form.submit();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
