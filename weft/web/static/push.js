// Browser notifications (Settings, Notifications): subscribes this browser to
// web push with the server's VAPID key and hands the subscription to the
// server, which keeps it for this signed-in session. /sw.js shows what comes.
(function () {
  "use strict";

  function base64urlToBytes(text) {
    var padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function bytesToBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i += 1) raw += String.fromCharCode(bytes[i]);
    return window.btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function start() {
    var box = document.querySelector("[data-push]");
    if (!box) return;
    var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
    var on = box.querySelector("[data-push-on]");
    var off = box.querySelector("[data-push-off]");
    var error = box.querySelector("[data-push-error]");
    if (!supported) return;
    box.querySelector("[data-push-unsupported]").hidden = true;
    on.hidden = Boolean(box.dataset.subscribed);

    function fail(message) {
      error.textContent = message;
      error.hidden = false;
    }

    on.addEventListener("submit", function (event) {
      event.preventDefault();
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") throw new Error("Notifications are blocked for this site in your browser's settings.");
        return navigator.serviceWorker.register("/sw.js");
      }).then(function (registration) {
        return registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: base64urlToBytes(box.dataset.vapidKey)
        });
      }).then(function (subscription) {
        var form = new FormData(on);
        form.append("endpoint", subscription.endpoint);
        form.append("p256dh", bytesToBase64url(subscription.getKey("p256dh")));
        form.append("auth", bytesToBase64url(subscription.getKey("auth")));
        return fetch(on.action, { method: "POST", body: form, credentials: "same-origin", headers: { Accept: "application/json" } });
      }).then(function (response) {
        if (!response.ok) throw new Error("The server did not take the subscription (" + response.status + ").");
        window.location.assign("/settings/notifications?done=on");
      }).catch(function (problem) {
        fail(problem.message || "Notifications could not be turned on.");
      });
    });

    off.addEventListener("submit", function () {
      // The form is sent as it is; the browser's own subscription is dropped too.
      navigator.serviceWorker.getRegistration("/").then(function (registration) {
        return registration && registration.pushManager.getSubscription();
      }).then(function (subscription) {
        if (subscription) subscription.unsubscribe();
      }).catch(function () { /* the server forgets it either way */ });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
