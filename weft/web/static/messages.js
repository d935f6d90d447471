// Messages, enhanced (every form also works without this file):
// - a chat opens at its newest message;
// - the composer sends without leaving the page (Enter sends, Shift+Enter is
//   a new line) and names the chosen photos and videos;
// - reacting and deleting happen in place;
// - when static/live.js hears of a change to this chat (a `weft:chat` event
//   on document), the messages are read again; the chat list likewise.
// Reading the chat's page moves the read position, so "Seen" follows.
(function () {
  "use strict";

  var page = document.querySelector("[data-chat]");
  var list = document.querySelector("[data-chat-list]");
  if (!window.fetch || !window.DOMParser || (!page && !list)) return;

  function announce(message) {
    var live = document.getElementById("live");
    if (!live) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  function fetchPage(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      return html ? new DOMParser().parseFromString(html, "text/html") : null;
    });
  }

  function nearBottom() {
    var doc = document.documentElement;
    return doc.scrollHeight - (window.scrollY + window.innerHeight) < 240;
  }

  function toBottom() {
    window.scrollTo(0, document.documentElement.scrollHeight);
  }

  // --- the chat list ---------------------------------------------------------

  var listBusy = false;
  function refreshList() {
    if (listBusy) return;
    listBusy = true;
    fetchPage(window.location.href).then(function (doc) {
      var next = doc && doc.querySelector("[data-chat-list]");
      var current = document.querySelector("[data-chat-list]");
      if (next && current) current.replaceWith(document.importNode(next, true));
    }).catch(function () { /* the next event tries again */ }).then(function () { listBusy = false; });
  }

  if (list && !page) {
    document.addEventListener("weft:chat", refreshList);
    return;
  }

  // --- one chat ----------------------------------------------------------------

  var chatId = page.dataset.chat;
  var newest = !/[?&]max_id=/.test(window.location.search);
  var busy = false;
  var again = false;

  function lastId() {
    var items = document.querySelectorAll("[data-messages] [data-message]");
    return items.length ? items[items.length - 1].dataset.message : "";
  }

  function refresh(stick, focusId) {
    if (!newest) return Promise.resolve();
    if (busy) { again = true; return Promise.resolve(); }
    busy = true;
    var before = lastId();
    var follow = stick || nearBottom();
    return fetchPage("/messages/" + chatId).then(function (doc) {
      var next = doc && doc.querySelector("[data-messages]");
      var current = document.querySelector("[data-messages]");
      if (!next || !current) return;
      // A menu open while the list is read again stays open (and focused).
      var open = current.querySelector("details.message-menu[open]");
      var openId = open ? open.closest("[data-message]").dataset.message : null;
      var focused = open && open.contains(document.activeElement);
      current.replaceWith(document.importNode(next, true));
      var reopened = openId && !focusId && document.querySelector("#message-" + openId + " details.message-menu");
      if (reopened) {
        reopened.open = true;
        if (focused) reopened.querySelector("summary").focus();
      }
      if (follow) toBottom();
      if (focusId) {
        var summary = document.querySelector("#message-" + focusId + " .message-menu summary");
        if (summary) summary.focus();
      }
      var items = document.querySelectorAll("[data-messages] .message.theirs");
      var last = items.length ? items[items.length - 1] : null;
      if (last && last.dataset.message !== before && lastId() === last.dataset.message) {
        var text = last.querySelector(".bubble");
        announce("New message" + (text ? ": " + text.textContent.trim() : "."));
      }
    }).catch(function () { /* the next event tries again */ }).then(function () {
      busy = false;
      if (again) { again = false; refresh(false); }
    });
  }

  document.addEventListener("weft:chat", function (event) {
    var detail = event.detail || {};
    if (!detail.chatId || detail.chatId === chatId) refresh(false);
  });

  function post(form) {
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (answer) {
        return { ok: response.ok, answer: answer };
      });
    });
  }

  // Reactions and deleting, in place.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-chat-form]")) return;
    event.preventDefault();
    var item = form.closest("[data-message]");
    var menu = form.closest("details.message-menu");
    if (menu) menu.open = false; // done with the menu: a live refresh won't reopen it
    post(form).then(function (result) {
      if (!result.ok) { announce(result.answer.error || "That didn't work."); return; }
      refresh(false, item ? item.dataset.message : null);
    }).catch(function () { form.submit(); });
  });

  // The composer.
  var composer = document.querySelector("[data-chat-composer]");
  if (newest && !window.location.hash) toBottom();
  if (!composer) return;
  var text = composer.querySelector("textarea");
  var files = composer.querySelector("input[type=file]");
  var chosen = composer.querySelector("[data-chosen-files]");
  var error = composer.querySelector("#composer-error");

  function showChosen() {
    var names = Array.prototype.map.call(files.files || [], function (f) { return f.name; });
    chosen.hidden = names.length === 0;
    chosen.textContent = names.length ? "To send: " + names.join(", ") : "";
  }
  files.addEventListener("change", showChosen);

  function grow() {
    text.style.height = "auto";
    text.style.height = Math.min(text.scrollHeight + 2, 200) + "px";
  }
  text.addEventListener("input", grow);
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      composer.requestSubmit();
    }
  });

  composer.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!text.value.trim() && !(files.files && files.files.length)) {
      error.textContent = "Message can't be blank";
      error.hidden = false;
      text.setAttribute("aria-invalid", "true");
      text.focus();
      return;
    }
    var button = composer.querySelector("button[type=submit]");
    button.disabled = true;
    post(composer).then(function (result) {
      if (!result.ok) {
        error.textContent = result.answer.error || "Your message was not sent.";
        error.hidden = false;
        text.setAttribute("aria-invalid", "true");
        return;
      }
      error.hidden = true;
      error.textContent = "";
      text.removeAttribute("aria-invalid");
      text.value = "";
      files.value = "";
      showChosen();
      grow();
      var reply = composer.querySelector(".replying");
      var replyId = composer.querySelector("input[name=reply_to_id]");
      if (reply) reply.remove();
      if (replyId) replyId.remove();
      if (window.history.replaceState) window.history.replaceState(null, "", "/messages/" + chatId);
      return refresh(true);
    }).catch(function () {
      error.textContent = "Your message was not sent: check your connection and try again.";
      error.hidden = false;
    }).then(function () {
      button.disabled = false;
      text.focus();
    });
  });
})();
