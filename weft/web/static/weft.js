// Weft's progressive enhancements. Every page works without this file: the
// buttons are forms, "Load more" is a link, carousels scroll. With it:
// - like / repost / save update in place (the form is sent with
//   Accept: application/json and the answer is the post's new state);
// - deleting a post removes it from the page;
// - "Share" copies the post's link;
// - "Load more" loads the next page as you reach it (X-Weft-Fragment: 1);
// (live.js keeps the page live: new posts, activity and replies as they come);
// - photo carousels get previous / next buttons and arrow keys;
// - a link card's video or embed loads only when its "Play" button is pressed;
// - spoilers (hidden ranges of text, blurred media) show when tapped;
// - looping animations stay still for people who ask for reduced motion.
// No inline script anywhere: the Content-Security-Policy forbids it.
(function () {
  "use strict";

  var MARKS = {
    favourite: { flag: "favourited", count: "favourites_count" },
    reblog: { flag: "reblogged", count: "reblogs_count" },
    bookmark: { flag: "bookmarked", count: null }
  };

  // A count with its noun, as weft.formatting.noun words it on the server.
  function plural(n, word, many) {
    return n + " " + (n === 1 ? word : many || word + "s");
  }

  function announce(message) {
    var live = document.getElementById("live");
    if (!live) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  function send(form) {
    return fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          throw new Error(body.error || "Something went wrong (" + response.status + ").");
        }
        return body;
      });
    });
  }

  // --- like / repost / save ----------------------------------------------

  function updateToggle(form, state) {
    var action = form.dataset.action;
    var mark = MARKS[action];
    if (!mark) return;
    var on = state[mark.flag] === true;
    var button = form.querySelector("button");
    var count = mark.count ? state[mark.count] : null;
    var base = form.getAttribute("action").replace(/\/[a-z]+$/, "/");
    form.setAttribute("action", base + (on ? form.dataset.undo : action));
    button.setAttribute("aria-pressed", on ? "true" : "false");
    var label = button.getAttribute("aria-label").replace(/ \(\d+\)$/, "");
    button.setAttribute("aria-label", count === null ? label : label + " (" + count + ")");
    var shown = button.querySelector(".count");
    if (shown && count !== null) shown.textContent = count ? String(count) : "";
  }

  function applyState(state) {
    var selector = 'form[data-toggle][action^="/statuses/' + state.id + '/"]';
    document.querySelectorAll(selector).forEach(function (form) { updateToggle(form, state); });
  }

  function onToggle(form) {
    var button = form.querySelector("button");
    button.disabled = true;
    send(form).then(function (state) {
      applyState(state);
      var mark = MARKS[form.dataset.action];
      var label = button.getAttribute("aria-label").replace(/ \(\d+\)$/, "");
      announce(label + (state[mark.flag] ? ": done" : ": undone"));
    }).catch(function (error) {
      announce(error.message);
    }).then(function () {
      button.disabled = false;
    });
  }

  // --- delete ------------------------------------------------------------

  function onDelete(form) {
    send(form).then(function (state) {
      if (window.location.pathname.split("/").pop() === state.id) {
        window.location.assign("/");
        return;
      }
      document.querySelectorAll('.post[data-id="' + state.id + '"]').forEach(function (post) {
        post.remove();
      });
      announce("Post deleted.");
    }).catch(function (error) {
      announce(error.message);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !window.fetch) return;
    if (form.matches("form[data-toggle]")) {
      event.preventDefault();
      onToggle(form);
    } else if (form.matches("form[data-delete]")) {
      event.preventDefault();
      onDelete(form);
    }
  });

  // --- share -------------------------------------------------------------

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-share]") : null;
    if (!link || !navigator.clipboard) return;
    event.preventDefault();
    var url = new URL(link.dataset.share || link.getAttribute("href"), window.location.href).href;
    navigator.clipboard.writeText(url).then(function () {
      link.classList.add("copied");
      announce("Link copied.");
    }, function () {
      window.location.assign(link.href);
    });
  });

  // --- infinite scroll ---------------------------------------------------

  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) loadMore(entry.target);
    });
  }, { rootMargin: "600px 0px" }) : null;

  function loadMore(link) {
    if (link.dataset.loading) return;
    link.dataset.loading = "1";
    link.textContent = "Loading…";
    if (observer) observer.unobserve(link);
    fetch(link.href, { credentials: "same-origin", headers: { "X-Weft-Fragment": "1" } })
      .then(function (response) {
        if (!response.ok) throw new Error("Could not load more posts (" + response.status + ").");
        return response.text();
      })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html;
        var holder = link.closest(".more") || link;
        // A page can repeat a post already shown (a post just made from the
        // composer is already on top).
        template.content.querySelectorAll(".post[data-id]").forEach(function (post) {
          if (document.getElementById(post.id)) post.remove();
        });
        var added = template.content.querySelectorAll(".post").length;
        var fresh = Array.prototype.slice.call(template.content.children);
        holder.replaceWith(template.content);
        fresh.forEach(enhance);
        announce(added ? plural(added, "more post") + " loaded." : "No more posts.");
      })
      .catch(function (error) {
        delete link.dataset.loading;
        link.textContent = "Load more";
        announce(error.message);
      });
  }

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-next]") : null;
    if (!link || !window.fetch) return;
    event.preventDefault();
    loadMore(link);
  });

  // --- carousels ---------------------------------------------------------

  function slideAt(track) {
    var slides = track.children;
    var step = slides.length > 1 ? slides[1].offsetLeft - slides[0].offsetLeft : track.clientWidth;
    return Math.round(track.scrollLeft / (step || 1));
  }

  function carousel(box) {
    var track = box.querySelector(".slides");
    if (!track || track.children.length < 2 || box.dataset.ready) return;
    box.dataset.ready = "1";
    if (!track.id) track.id = "slides-" + Math.random().toString(36).slice(2);
    function button(direction, label) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "carousel-button " + direction;
      b.setAttribute("aria-label", label);
      b.setAttribute("aria-controls", track.id);
      b.textContent = direction === "prev" ? "‹" : "›";
      b.addEventListener("click", function () { go(direction === "prev" ? -1 : 1); });
      box.appendChild(b);
      return b;
    }
    var prev = button("prev", "Previous photo");
    var next = button("next", "Next photo");
    // The photo a move heads for: a second press while the first still scrolls
    // goes one further (scrollBy from mid-way would snap back).
    var target = null;
    function go(step) {
      var slides = track.children;
      var from = target === null ? slideAt(track) : target;
      target = Math.max(0, Math.min(slides.length - 1, from + step));
      track.scrollTo({ left: slides[target].offsetLeft - slides[0].offsetLeft, behavior: "smooth" });
    }
    // A move is over when the track rests at its photo: a late scrollend of an
    // earlier move must not make the next press start from mid-way.
    function settle() {
      if (target !== null && slideAt(track) === target) target = null;
      update();
    }
    track.addEventListener("scrollend", settle);
    ["pointerdown", "wheel", "touchstart"].forEach(function (type) {
      track.addEventListener(type, function () { target = null; }, { passive: true });
    });
    function update() {
      prev.disabled = track.scrollLeft <= 2;
      next.disabled = track.scrollLeft + track.clientWidth >= track.scrollWidth - 2;
      // A button hides at the end it leads to; focus stays in the carousel.
      if (document.activeElement === prev && prev.disabled) track.focus();
      if (document.activeElement === next && next.disabled) track.focus();
    }
    track.addEventListener("scroll", update, { passive: true });
    // Lazy photos give the track its width only once they arrive.
    track.querySelectorAll("img").forEach(function (img) { img.addEventListener("load", update); });
    track.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        event.preventDefault();
        go(event.key === "ArrowLeft" ? -1 : 1);
      }
    });
    update();
  }

  // --- link card embeds -------------------------------------------------

  function embed(box) {
    var button = box.querySelector("[data-embed-load]");
    var src = box.dataset.embed || "";
    if (!button || box.dataset.ready || src.indexOf("https://") !== 0) return;
    box.dataset.ready = "1";
    button.hidden = false;
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = src;
      frame.title = box.dataset.embedTitle || "Embedded content";
      frame.setAttribute("allow", "autoplay; encrypted-media; fullscreen; picture-in-picture");
      frame.setAttribute("allowfullscreen", "");
      frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-presentation");
      frame.setAttribute("referrerpolicy", "no-referrer");
      var width = Number(box.dataset.embedWidth), height = Number(box.dataset.embedHeight);
      if (width > 0 && height > 0) frame.style.aspectRatio = width + " / " + height;
      box.replaceChildren(frame);
      box.classList.add("loaded");
      frame.focus();
    });
  }

  // --- spoilers -----------------------------------------------------------

  // Hidden ranges of a post's text and blurred media, shown when tapped.
  // (Without this file, hovering or focusing shows them: weft.css.)
  function spoilers(root) {
    root.querySelectorAll(".content .spoiler").forEach(function (range) {
      if (range.hasAttribute("role")) return;
      range.setAttribute("role", "button");
      range.setAttribute("tabindex", "0");
      range.setAttribute("aria-label", "Spoiler, press to show");
      function reveal(event) {
        if (range.classList.contains("revealed")) return;
        event.preventDefault();
        range.classList.add("revealed");
        range.removeAttribute("role");
        range.removeAttribute("tabindex");
        range.removeAttribute("aria-label");
      }
      range.addEventListener("click", reveal);
      range.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") reveal(event);
      });
    });
    root.querySelectorAll("[data-reveal-media]").forEach(function (button) {
      button.addEventListener("click", function () {
        button.closest("[data-spoiler-media]").classList.add("revealed");
        button.remove();
      });
    });
  }

  // --- motion ------------------------------------------------------------

  function calmAnimations(root) {
    if (!window.matchMedia || !window.matchMedia("(prefers-reduced-motion: reduce)").matches) return;
    root.querySelectorAll("figure.gifv video[autoplay]").forEach(function (video) {
      video.removeAttribute("autoplay");
      video.pause();
      video.controls = true;
    });
  }

  // --- wiring ------------------------------------------------------------

  function enhance(root) {
    if (!(root instanceof Element) && root !== document) return;
    root.querySelectorAll("[data-carousel]").forEach(carousel);
    root.querySelectorAll("[data-embed]").forEach(embed);
    spoilers(root);
    calmAnimations(root);
    if (observer) root.querySelectorAll("a[data-next]").forEach(function (link) { observer.observe(link); });
  }

  function start() {
    enhance(document);
    // compose.js announces the posts it puts at the top of a feed.
    document.addEventListener("weft:posts-added", function (event) { enhance(event.target); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
