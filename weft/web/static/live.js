// The web app, live: one WebSocket to the streaming API (/api/v1/streaming,
// opened with the session cookie; the server checks that the page is ours),
// subscribed to the person's `user` stream and, on a post's page, to Weft's
// `weft:thread` stream of its replies. No polling:
// - Home (For you, Following) offers "New posts" as they arrive;
// - Activity's badge counts new notifications, and the Activity page
//   refreshes its list as they come;
// - a post's page offers its new replies;
// - Messages' badge counts unread chats, and a chat's page (or the chat
//   list) reads itself again when one of its chats changes
//   (static/messages.js listens for the `weft:chat` event).
// When the socket drops it reconnects with backoff (1 s doubling to 30 s,
// with jitter) and catches up from the last id it saw: the home count is
// asked again from the newest post shown, Activity reloads its list.
// Every page works without this file. No inline script (the CSP forbids it).
(function () {
  "use strict";

  var body = document.body;
  if (!body || !body.dataset.signedIn || !window.WebSocket || !window.fetch) return;

  var me = body.dataset.accountId || "";
  var FIRST_WAIT_MS = 1000;
  var LONGEST_WAIT_MS = 30000;
  var wait = FIRST_WAIT_MS;
  var dropped = false;
  var UNSEEN_KEY = "weft.unseenActivity";

  function announce(message) {
    var live = document.getElementById("live");
    if (!live) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function idAbove(a, b) {
    // Ids are 64-bit numbers as decimal strings: longer is larger.
    if (!b) return true;
    return a.length !== b.length ? a.length > b.length : a > b;
  }

  // --- home: "New posts" ---------------------------------------------------

  var newPosts = document.querySelector("[data-new-posts]");
  var fresh = {};
  var freshCount = 0;
  var newest = newPosts ? newPosts.dataset.since || "" : "";

  function showNewPosts(count, more) {
    if (!newPosts || !count) return;
    var text = (more ? count + "+ new posts" : plural(count, "new post"));
    var button = newPosts.querySelector("button");
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "new-posts";
      button.addEventListener("click", function () {
        window.scrollTo(0, 0);
        window.location.assign(newPosts.dataset.href || window.location.pathname);
      });
      newPosts.appendChild(button);
    }
    button.textContent = text + ": show";
    announce(text + ".");
  }

  function onUpdate(status) {
    if (!newPosts || !status || fresh[status.id]) return;
    if (status.account && status.account.id === me) return; // one's own: already on top
    if (newPosts.dataset.since && !idAbove(status.id, newPosts.dataset.since)) return;
    fresh[status.id] = true;
    freshCount += 1;
    if (idAbove(status.id, newest)) newest = status.id;
    showNewPosts(freshCount, false);
  }

  function catchUpHome() {
    var since = newPosts && newPosts.dataset.since;
    if (!since) return;
    fetch("/home/new_count?since_id=" + encodeURIComponent(since), {
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      if (answer && answer.count > freshCount) {
        freshCount = answer.count;
        showNewPosts(answer.count, answer.more);
      }
    }).catch(function () { /* the next reconnection tries again */ });
  }

  // --- Activity ------------------------------------------------------------

  var onActivity = window.location.pathname === "/activity";
  var badge = document.querySelector("[data-activity-badge]");

  function unseen() {
    try { return Number(window.sessionStorage.getItem(UNSEEN_KEY)) || 0; } catch (e) { return 0; }
  }

  function setUnseen(n) {
    try { window.sessionStorage.setItem(UNSEEN_KEY, String(n)); } catch (e) { /* private mode */ }
    if (!badge) return;
    badge.hidden = n === 0;
    badge.textContent = n > 99 ? "99+" : String(n);
    var link = badge.closest("a");
    if (link) link.setAttribute("aria-label", n ? "Activity, " + plural(n, "new notification") : "Activity");
  }

  function refreshActivity() {
    var list = document.querySelector("[data-activity-list]");
    if (!list) return;
    fetch(window.location.href, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (!html) return;
      var page = new DOMParser().parseFromString(html, "text/html");
      var next = page.querySelector("[data-activity-list]");
      if (next) list.replaceWith(document.importNode(next, true));
    }).catch(function () { /* the next event or reconnection tries again */ });
  }

  function onNotification(notification) {
    if (onActivity) {
      refreshActivity();
      announce("New activity.");
      return;
    }
    setUnseen(unseen() + 1);
    var who = notification && notification.account ? notification.account.display_name || notification.account.username : "";
    announce(who ? "New activity from " + who + "." : "New activity.");
  }

  // --- a post's replies ----------------------------------------------------

  var thread = document.querySelector("[data-thread]");
  var newReplies = 0;

  function onReply(status) {
    if (!thread || !status || document.getElementById("post-" + status.id)) return;
    newReplies += 1;
    var box = thread.querySelector("[data-new-replies]");
    var button = box.querySelector("button");
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "new-posts";
      button.addEventListener("click", function () { window.location.reload(); });
      box.appendChild(button);
    }
    var text = plural(newReplies, "new reply").replace("replys", "replies");
    button.textContent = text + ": show";
    announce(text + ".");
  }

  // --- Messages: the badge, and the chat pages (static/messages.js) ----------

  var messagesBadge = document.querySelector("[data-messages-badge]");

  function setMessagesBadge(n) {
    if (!messagesBadge) return;
    messagesBadge.hidden = n === 0;
    messagesBadge.textContent = n ? (n > 99 ? "99+" : String(n)) : "";
    var link = messagesBadge.closest("a");
    if (link) {
      if (n) link.setAttribute("aria-label", "Messages, " + n + " unread");
      else link.removeAttribute("aria-label");
    }
  }

  var badgeTimer = null;
  function refreshMessagesBadge() {
    // After the chat's own page has read it again (it moves the read position).
    if (badgeTimer) window.clearTimeout(badgeTimer);
    badgeTimer = window.setTimeout(function () {
      fetch("/messages/unread", {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (answer) {
        if (answer) setMessagesBadge(answer.count);
      }).catch(function () { /* the next event tries again */ });
    }, 400);
  }

  function onChat(name, payload) {
    var chatId = payload && (payload.chat_id || (payload.chat && payload.chat.id) || payload.id);
    document.dispatchEvent(new CustomEvent("weft:chat", { detail: { event: name, chatId: chatId, payload: payload } }));
    refreshMessagesBadge();
    var onThisChat = document.querySelector("[data-chat='" + chatId + "']");
    if (name === "chat.message" && !onThisChat && payload && payload.account && payload.account.id !== me) {
      announce("New message from " + (payload.account.display_name || payload.account.username) + ".");
    }
  }

  // --- the socket ------------------------------------------------------------

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/api/v1/streaming");
    socket.addEventListener("open", function () {
      wait = FIRST_WAIT_MS;
      socket.send(JSON.stringify({ type: "subscribe", stream: "user" }));
      if (thread) {
        socket.send(JSON.stringify({ type: "subscribe", stream: "weft:thread", status: thread.dataset.thread }));
      }
      body.dataset.live = "1";
      if (dropped) {
        dropped = false;
        catchUpHome();
        if (onActivity) refreshActivity();
        onChat("chat.reconnected", null);
      }
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (!frame || !frame.event || !frame.stream) return;
      var payload;
      try { payload = JSON.parse(frame.payload); } catch (e) { payload = frame.payload; }
      if (frame.stream[0] === "weft:thread" && frame.event === "update") {
        onReply(payload);
      } else if (frame.event === "update") {
        onUpdate(payload);
      } else if (frame.event === "notification") {
        onNotification(payload);
      } else if (frame.event.indexOf("chat.") === 0) {
        onChat(frame.event, payload);
      }
    });
    socket.addEventListener("close", function () {
      delete body.dataset.live;
      dropped = true;
      var delay = wait / 2 + Math.random() * wait / 2;
      wait = Math.min(wait * 2, LONGEST_WAIT_MS);
      window.setTimeout(connect, delay);
    });
  }

  if (onActivity) setUnseen(0); else setUnseen(unseen());
  connect();
})();
