/* Goals board: move a card with the mouse, a finger or the keyboard. Every
   way ends in the card's own move form (the one that works without
   JavaScript): the script sets its column and position and submits it, so
   the server applies the move with the CSRF token and the goal's version.

   - Mouse: HTML5 drag and drop.
   - Touch and pen: pointer events on the card's grip (a button with
     touch-action: none), so that swiping elsewhere still scrolls; pressing
     the grip picks the card up as Space on the card does.
   - Keyboard, in the pattern of accessible drag-and-drop libraries: the
     board is one Tab stop (roving tabindex over the cards; only the current
     card's own link and controls are in the Tab order), the arrow keys go
     from card to card; Space or Enter picks a card up, the arrow keys move
     it (left/right between columns, up/down within one), Space or Enter
     drops it and Escape cancels; each step is said in the aria-live region.
     After the drop the page reloads; the announcement and the focus are
     carried across in sessionStorage.
   No inline script or style anywhere: the page's Content-Security-Policy. */
(function () {
  "use strict";

  var STORED = "aria-admin.board.after-move";
  var CONTROLS = "a[href], select, input:not([type=hidden]), button";

  function toArray(list) { return Array.prototype.slice.call(list); }
  function cardsOf(column) { return toArray(column.querySelectorAll(".card")); }
  function columnOf(card) { return card.closest(".board-column"); }
  function titleOf(card) { return card.querySelector("header a").textContent; }
  function columnTitle(column) { return column.querySelector("h2").getAttribute("data-title"); }

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

  function submitMove(card, column, position, announcement) {
    var form = card.querySelector("form.move");
    form.elements.column.value = column.getAttribute("data-column");
    form.elements.position.value = position;
    if (announcement) {
      try {
        sessionStorage.setItem(STORED, JSON.stringify({
          goal: card.getAttribute("data-goal-id"), text: announcement
        }));
      } catch (e) { /* storage refused: the page's own message still says it */ }
    }
    form.submit();
  }

  function Board(element) {
    this.element = element;
    this.columns = toArray(element.querySelectorAll(".board-column"));
    this.announcer = document.getElementById("board-announcer");
    this.current = null;
    this.picked = null;
    this.dragged = null;
    this.pointer = null;
  }

  Board.prototype.announce = function (text) {
    var announcer = this.announcer;
    announcer.textContent = "";
    // A change after a short pause is announced even when the text repeats.
    window.setTimeout(function () { announcer.textContent = text; }, 30);
  };

  // Roving tabindex -------------------------------------------------------
  Board.prototype.makeCurrent = function (card, focus) {
    if (this.current && this.current !== card) {
      this.current.tabIndex = -1;
      toArray(this.current.querySelectorAll(CONTROLS)).forEach(function (c) { c.tabIndex = -1; });
    }
    this.current = card;
    card.tabIndex = 0;
    toArray(card.querySelectorAll(CONTROLS)).forEach(function (c) { c.removeAttribute("tabindex"); });
    if (focus) { card.focus(); }
  };

  Board.prototype.initFocus = function () {
    var cards = toArray(this.element.querySelectorAll(".card"));
    cards.forEach(function (card) {
      card.tabIndex = -1;
      toArray(card.querySelectorAll(CONTROLS)).forEach(function (c) { c.tabIndex = -1; });
    });
    if (cards.length) { this.makeCurrent(cards[0], false); }
  };

  Board.prototype.neighbour = function (card, key) {
    // The card the arrow key goes to while nothing is picked up.
    var column = columnOf(card), cards = cardsOf(column), index = cards.indexOf(card);
    if (key === "ArrowUp") { return cards[index - 1] || null; }
    if (key === "ArrowDown") { return cards[index + 1] || null; }
    var step = key === "ArrowLeft" ? -1 : 1;
    for (var c = this.columns.indexOf(column) + step; c >= 0 && c < this.columns.length; c += step) {
      var others = cardsOf(this.columns[c]);
      if (others.length) { return others[Math.min(index, others.length - 1)]; }
    }
    return null;
  };

  // Keyboard drag ---------------------------------------------------------
  Board.prototype.where = function (card) {
    var column = columnOf(card), cards = cardsOf(column);
    return "Column " + columnTitle(column) + ", position " + (cards.indexOf(card) + 1) + " of " + cards.length;
  };

  Board.prototype.pickUp = function (card) {
    this.picked = { card: card, column: columnOf(card), next: card.nextElementSibling };
    card.classList.add("picked");
    this.announce("Picked up " + titleOf(card) + ". " + this.where(card) +
      ". Arrow keys move it, Space or Enter drops it, Escape cancels.");
  };

  Board.prototype.place = function (card, column, index) {
    var list = column.querySelector(".cards"), cards = cardsOf(column).filter(function (c) { return c !== card; });
    list.insertBefore(card, cards[index] || null);
    card.focus();  // moving an element in the DOM takes its focus away
    this.announce(titleOf(card) + ": " + this.where(card) + ".");
  };

  Board.prototype.movePicked = function (key) {
    var card = this.picked.card, column = columnOf(card), cards = cardsOf(column), index = cards.indexOf(card);
    if (key === "ArrowUp" && index > 0) { this.place(card, column, index - 1); }
    if (key === "ArrowDown" && index < cards.length - 1) { this.place(card, column, index + 1); }
    if (key === "ArrowLeft" || key === "ArrowRight") {
      var target = this.columns[this.columns.indexOf(column) + (key === "ArrowLeft" ? -1 : 1)];
      if (target) {
        this.place(card, target, Math.min(index, cardsOf(target).length));
        card.scrollIntoView({ block: "nearest", inline: "nearest" });
      }
    }
  };

  Board.prototype.release = function () {
    var card = this.picked.card;
    card.classList.remove("picked");
    this.picked = null;
    return card;
  };

  Board.prototype.drop = function () {
    var origin = this.picked, card = this.release(), column = columnOf(card);
    var position = cardsOf(column).indexOf(card);
    if (column === origin.column && card.nextElementSibling === origin.next) {
      this.announce(titleOf(card) + " dropped where it was. " + this.where(card) + ".");
      return;
    }
    var text = "Moved " + titleOf(card) + " to " + columnTitle(column) + ", position " + (position + 1) + ".";
    this.announce(text + " Saving…");
    submitMove(card, column, position, text);
  };

  Board.prototype.cancel = function () {
    var origin = this.picked, card = this.release();
    origin.column.querySelector(".cards").insertBefore(card, origin.next);
    card.focus();
    this.announce("Cancelled. " + titleOf(card) + " is back in " + this.where(card) + ".");
  };

  Board.prototype.onKey = function (event) {
    var card = event.target;
    if (!card.classList || !card.classList.contains("card")) { return; }  // its link, its form: their own keys
    var key = event.key, arrow = /^Arrow(Up|Down|Left|Right)$/.test(key);
    if (this.picked) {
      if (arrow) { this.movePicked(key); } else if (key === " " || key === "Enter") { this.drop(); } else if (key === "Escape") { this.cancel(); } else { return; }
    } else if (key === " " || key === "Enter") {
      this.pickUp(card);
    } else if (arrow) {
      var next = this.neighbour(card, key);
      if (next) { this.makeCurrent(next, true); next.scrollIntoView({ block: "nearest", inline: "nearest" }); }
    } else {
      return;
    }
    event.preventDefault();
  };

  // Mouse: HTML5 drag and drop --------------------------------------------
  Board.prototype.initMouse = function () {
    var self = this;
    this.element.addEventListener("dragstart", function (event) {
      var card = event.target.closest ? event.target.closest(".card") : null;
      if (!card) { return; }
      self.dragged = card;
      card.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.getAttribute("data-goal-id"));
    });
    this.element.addEventListener("dragend", function () {
      if (self.dragged) { self.dragged.classList.remove("dragging"); }
      self.dragged = null;
    });
    this.columns.forEach(function (column) {
      column.addEventListener("dragover", function (event) {
        if (!self.dragged) { return; }
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
        column.classList.add("drop-target");
      });
      column.addEventListener("dragleave", function () { column.classList.remove("drop-target"); });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        column.classList.remove("drop-target");
        if (!self.dragged) { return; }
        submitMove(self.dragged, column, dropIndex(cardsOf(column), self.dragged, event.clientY));
      });
    });
  };

  // Touch and pen: pointer events on the grip -----------------------------
  Board.prototype.columnAt = function (x, y) {
    var under = document.elementsFromPoint(x, y);
    for (var i = 0; i < under.length; i++) {
      if (under[i].classList && under[i].classList.contains("board-column")) { return under[i]; }
    }
    return null;
  };

  Board.prototype.target = function (column) {
    this.columns.forEach(function (c) { c.classList.toggle("drop-target", c === column); });
  };

  Board.prototype.initPointer = function () {
    var self = this, element = this.element;
    element.addEventListener("pointerdown", function (event) {
      var grip = event.pointerType !== "mouse" && event.target.closest(".grip");
      if (!grip || self.pointer) { return; }
      var card = grip.closest(".card");
      self.pointer = { id: event.pointerId, card: card };
      grip.setPointerCapture(event.pointerId);
      card.classList.add("dragging");
      event.preventDefault();
    });
    element.addEventListener("pointermove", function (event) {
      if (!self.pointer || event.pointerId !== self.pointer.id) { return; }
      var box = element.getBoundingClientRect(), edge = 40;
      // Near the board's edge: scroll the (phone's scrolling) row of columns.
      if (event.clientX < box.left + edge) { element.scrollLeft -= 20; }
      if (event.clientX > box.right - edge) { element.scrollLeft += 20; }
      self.target(self.columnAt(event.clientX, event.clientY));
    });
    function end(event) {
      if (!self.pointer || event.pointerId !== self.pointer.id) { return; }
      var card = self.pointer.card, column = event.type === "pointerup" ? self.columnAt(event.clientX, event.clientY) : null;
      self.pointer = null;
      self.target(null);
      card.classList.remove("dragging");
      if (column) { submitMove(card, column, dropIndex(cardsOf(column), card, event.clientY)); }
    }
    element.addEventListener("pointerup", end);
    element.addEventListener("pointercancel", end);
  };

  // After a keyboard move's reload: say what happened, focus the card again.
  Board.prototype.resume = function () {
    var stored = null;
    try {
      stored = JSON.parse(sessionStorage.getItem(STORED) || "null");
      sessionStorage.removeItem(STORED);
    } catch (e) { stored = null; }
    if (!stored) { return; }
    var card = toArray(this.element.querySelectorAll(".card")).filter(function (c) {
      return c.getAttribute("data-goal-id") === stored.goal;
    })[0];
    var error = document.querySelector(".messagelist .error");
    if (card) { this.makeCurrent(card, true); }
    this.announce(error ? error.textContent : stored.text);
  };

  function init() {
    var element = document.querySelector(".board[data-can-change='1']");
    if (!element) { return; }
    var board = new Board(element);
    board.initFocus();
    board.initMouse();
    board.initPointer();
    element.addEventListener("keydown", function (event) { board.onKey(event); });
    element.addEventListener("click", function (event) {
      var grip = event.target.closest(".grip");
      if (!grip) { return; }
      var card = grip.closest(".card");
      board.makeCurrent(card, true);
      if (board.picked) { board.drop(); } else { board.pickUp(card); }
    });
    element.addEventListener("focusin", function (event) {
      var card = event.target.closest(".card");
      if (card && card !== board.current) { board.makeCurrent(card, false); }
    });
    board.resume();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
