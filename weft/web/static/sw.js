// Weft's service worker: shows the web push notifications the server sends
// (weft/actions/push.py builds them: title, body, icon, url) and opens the
// page a notification is about when it is clicked.
"use strict";

self.addEventListener("push", function (event) {
  var message = {};
  try { message = event.data ? event.data.json() : {}; } catch (e) { message = {}; }
  var title = message.title || "Weft";
  event.waitUntil(self.registration.showNotification(title, {
    body: message.body || "",
    icon: message.icon,
    tag: message.notification_id ? "weft-" + message.notification_id : undefined,
    data: { url: message.url || "/activity" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/activity";
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i += 1) {
      if (new URL(windows[i].url).origin === self.location.origin && "focus" in windows[i]) {
        windows[i].navigate(url);
        return windows[i].focus();
      }
    }
    return self.clients.openWindow(url);
  }));
});
