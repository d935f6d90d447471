/* The composer, made livelier (templates/_composer.html and edit.html work without it).

   - A live counter that counts exactly as the server does (weft/text/entities.py
     and length.py): code points, every link 23, a remote mention as its @user part,
     the content warning included; posting is disabled, with the reason shown, over
     500 characters or past 5 distinct links.
   - Threads: "Add another post" and "Remove" add and drop boxes in place.
   - Photos and videos: one picker per post, a preview and an alt-text field per file.
   - Posting without a page reload: the same multipart POST to /compose with
     Accept: application/json; on the home page the new posts go to the top of the feed.
     Each post sent in place gets a fresh idempotency_key for the next one.

   The counting functions are also exported for Node, where tests compare them
   with the server's numbers (tests/web/fixtures/count_cases.json). */
(function () {
  "use strict";

  // ---- Counting: a port of weft/text (keep the two in step) -----------------------

  var URL_LENGTH = 23;
  var MAX_LINKS = 5;
  var MAX_TAG_LENGTH = 255;
  var MAX_MEDIA = 20;
  // Python's \w with the combining marks Ruby's [[:word:]] keeps (entities._WORD).
  var WORD = "\\p{L}\\p{N}\\p{M}_";
  // Python's \s: str.isspace() (JavaScript's \s differs: it has U+FEFF, lacks U+001C-1F and U+0085).
  var SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var TAG_SEPARATORS = "\\u00b7\\u30fb\\u200c";
  var URL_RE = new RegExp("(?<![\\p{L}\\p{N}_@$#])https?://[^" + SPACE + "<>\"]+", "giu");
  var MENTION_RE = new RegExp(
    "(?<![=/" + WORD + "])@([A-Za-z0-9_]+(?:[.-]+[A-Za-z0-9_]+)*)" +
    "(?:@([" + WORD + "]+(?:[.-]+[" + WORD + "]+)*(?::[0-9]{1,5}(?![0-9]))?))?", "gu");
  var HASHTAG_RE = new RegExp(
    "(?<![=/)" + WORD + "])#([" + WORD + "](?:[" + WORD + TAG_SEPARATORS + "]*[" + WORD + "])?)", "gu");
  var URL_TRAILING = ".,:;!?'\"*";
  var OPENING = { ")": "(", "]": "[", "}": "{" };

  function codePoints(text) {
    var n = 0;
    for (var ignored of text) n += 1; // eslint-disable-line no-unused-vars
    return n;
  }

  function occurrences(text, ch) {
    return text.split(ch).length - 1;
  }

  function unbalanced(url) {
    var closing = url[url.length - 1];
    var opening = OPENING[closing];
    return opening !== undefined && occurrences(url, closing) > occurrences(url, opening);
  }

  function trimUrl(url) {
    while (url && (URL_TRAILING.indexOf(url[url.length - 1]) >= 0 || unbalanced(url))) {
      url = url.slice(0, -1);
    }
    return url;
  }

  function matches(re, text) {
    var found = [];
    var m;
    re.lastIndex = 0;
    while ((m = re.exec(text)) !== null) found.push(m);
    return found;
  }

  function urls(text) {
    var found = [];
    matches(URL_RE, text).forEach(function (m) {
      var url = trimUrl(m[0]);
      var host = url.slice(url.indexOf("://") + 3).split("/")[0].split("?")[0].split("#")[0];
      if (!/[\p{L}\p{N}]/u.test(host)) return;
      found.push({ kind: "url", start: m.index, end: m.index + url.length, value: url });
    });
    return found;
  }

  function mentions(text) {
    return matches(MENTION_RE, text).map(function (m) {
      return { kind: "mention", start: m.index, end: m.index + m[0].length, username: m[1], domain: m[2] || null };
    });
  }

  function hashtags(text) {
    return matches(HASHTAG_RE, text).filter(function (m) {
      return codePoints(m[1]) <= MAX_TAG_LENGTH && /\p{L}/u.test(m[1]);
    }).map(function (m) {
      return { kind: "hashtag", start: m.index, end: m.index + m[0].length, value: m[1] };
    });
  }

  /* Links, mentions and hashtags, none overlapping: the earliest wins, then the longest. */
  function extract(text) {
    var found = urls(text).concat(mentions(text), hashtags(text));
    found.sort(function (a, b) { return a.start - b.start || b.end - a.end; });
    var kept = [];
    found.forEach(function (entity) {
      if (!kept.length || entity.start >= kept[kept.length - 1].end) kept.push(entity);
    });
    return kept;
  }

  function countableLength(text, spoilerText) {
    var length = codePoints(spoilerText || "");
    var position = 0;
    extract(text).forEach(function (entity) {
      if (entity.kind === "hashtag") return;
      length += codePoints(text.slice(position, entity.start));
      length += entity.kind === "mention" ? 1 + codePoints(entity.username) : URL_LENGTH;
      position = entity.end;
    });
    return length + codePoints(text.slice(position));
  }

  /* As length._normalized: scheme and host lower-cased, an empty "?" or "#" dropped
     (Python's urlsplit/geturl); a host with a lone bracket is kept as written. */
  function normalized(url) {
    var cut = url.indexOf("://");
    var rest = url.slice(cut + 3);
    var end = rest.search(/[/?#]/);
    var netloc = end < 0 ? rest : rest.slice(0, end);
    var tail = end < 0 ? "" : rest.slice(end);
    if ((netloc.indexOf("[") >= 0) !== (netloc.indexOf("]") >= 0)) return url;
    var hash = tail.indexOf("#");
    var fragment = hash < 0 ? "" : tail.slice(hash + 1);
    var beforeHash = hash < 0 ? tail : tail.slice(0, hash);
    var mark = beforeHash.indexOf("?");
    var query = mark < 0 ? "" : beforeHash.slice(mark + 1);
    var path = mark < 0 ? beforeHash : beforeHash.slice(0, mark);
    return url.slice(0, cut).toLowerCase() + "://" + netloc.toLowerCase() + path +
      (query ? "?" + query : "") + (fragment ? "#" + fragment : "");
  }

  function distinctLinks(text) {
    var result = new Set();
    extract(text).forEach(function (entity) {
      if (entity.kind === "url") result.add(normalized(entity.value));
    });
    return result;
  }

  var counting = { countableLength: countableLength, distinctLinks: distinctLinks, extract: extract };
  if (typeof module === "object" && module.exports) module.exports = counting;
  if (typeof document === "undefined") return;
  window.WeftCount = counting;

  // ---- The counter -----------------------------------------------------------------

  /* How close to the limit: announcing only when this changes keeps a screen reader quiet. */
  function band(remaining) {
    if (remaining < 0) return 3;
    if (remaining <= 20) return 2;
    if (remaining <= 50) return 1;
    return 0;
  }

  // 32 random bytes in hex; crypto.getRandomValues works on plain http too.
  function newKey() {
    var bytes = crypto.getRandomValues(new Uint8Array(32));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  // A count with its noun, as weft.formatting.noun words it on the server.
  function plural(n, word, many) {
    return n + " " + (n === 1 ? word : many || word + "s");
  }

  function remainingText(remaining) {
    return remaining < 0 ? plural(-remaining, "character") + " over the limit" : plural(remaining, "character") + " left";
  }

  function Composer(form) {
    this.form = form;
    this.limit = Number(form.getAttribute("data-limit")) || 500;
    this.spoiler = form.querySelector("[data-spoiler]");
    this.problem = form.querySelector("[data-problem]");
    this.submit = form.querySelector("[data-submit]");
    this.boxes = form.querySelector("[data-boxes]");
    this.files = new Map(); // box element -> [{file, alt}]
    this.live = document.createElement("p");
    this.live.className = "visually-hidden";
    this.live.setAttribute("aria-live", "polite");
    form.appendChild(this.live);
  }

  Composer.prototype.textareas = function () {
    return Array.prototype.slice.call(this.form.querySelectorAll("textarea[data-count]"));
  };

  Composer.prototype.update = function () {
    var self = this;
    var spoiler = this.spoiler ? this.spoiler.value : "";
    var problems = [];
    var areas = this.textareas();
    areas.forEach(function (area, index) {
      var box = area.closest("[data-box]");
      var counter = box.querySelector("[data-counter]");
      var remaining = self.limit - countableLength(unmarked(area.value), spoiler);
      var label = areas.length > 1 ? "Post " + (index + 1) + ": " : "";
      counter.textContent = remainingText(remaining);
      counter.classList.toggle("over", remaining < 0);
      counter.classList.toggle("near", remaining >= 0 && remaining <= 20);
      var now = band(remaining);
      var before = Number(area.getAttribute("data-band") || "0");
      if (now !== before) {
        area.setAttribute("data-band", String(now));
        if (now > 0 || before === 3) self.say(label + remainingText(remaining));
      }
      if (remaining < 0) problems.push(label + remainingText(remaining) + ".");
      var links = distinctLinks(area.value).size;
      if (links > MAX_LINKS) problems.push(label + plural(links, "link") + "; at most " + MAX_LINKS + " are allowed.");
    });
    this.setProblem(problems);
  };

  Composer.prototype.setProblem = function (problems) {
    if (!this.problem || !this.submit) return;
    this.problem.textContent = problems.join(" ");
    this.problem.hidden = problems.length === 0;
    this.submit.disabled = problems.length > 0;
    if (problems.length) this.submit.setAttribute("aria-describedby", this.problem.id);
    else this.submit.removeAttribute("aria-describedby");
  };

  Composer.prototype.say = function (message) {
    var live = this.live;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  };

  // ---- Threads -------------------------------------------------------------------

  Composer.prototype.boxList = function () {
    return Array.prototype.slice.call(this.boxes.querySelectorAll(":scope > [data-box]"));
  };

  Composer.prototype.addBox = function () {
    var boxes = this.boxList();
    if (boxes.length >= 20) return;
    var box = boxes[0].cloneNode(true);
    box.querySelector("textarea[data-count]").value = "";
    box.querySelector("textarea[data-count]").removeAttribute("autofocus");
    box.querySelectorAll(".error").forEach(function (el) { el.remove(); });
    box.classList.remove("has-error");
    this.boxes.appendChild(box);
    this.files.set(box, []);
    this.enhanceMedia(box);
    this.renumber();
    box.querySelector("textarea[data-count]").focus();
    this.say("Post " + this.boxList().length + " added.");
  };

  Composer.prototype.removeBox = function (box) {
    this.files.delete(box);
    box.remove();
    this.renumber();
    this.boxList()[0].querySelector("textarea[data-count]").focus();
    this.say("Post removed.");
  };

  /* Names, ids and labels follow each box's place: text-<i>, media-<i>-<k>, alt-<i>-<k>. */
  Composer.prototype.renumber = function () {
    var self = this;
    var boxes = this.boxList();
    boxes.forEach(function (box, i) {
      box.querySelectorAll("[id], [name], [for], [aria-describedby]").forEach(function (el) {
        ["id", "name", "for", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(/\b(text|media|alt)-\d+/g, "$1-" + i));
        });
      });
      box.querySelector(".box-label").textContent = boxes.length > 1 ? "Post " + (i + 1) + " of " + boxes.length : "Your post";
      var remove = box.querySelector("[data-remove-post]");
      if (boxes.length > 1 && !remove) {
        remove = document.createElement("button");
        remove.type = "button";
        remove.className = "secondary small";
        remove.setAttribute("data-remove-post", "");
        box.appendChild(remove);
      } else if (boxes.length === 1 && remove) {
        remove.remove();
        remove = null;
      }
      if (remove) {
        remove.type = "button";
        remove.textContent = "Remove post " + (i + 1);
      }
    });
    this.form.querySelector("[data-posts]").value = String(boxes.length);
    if (this.submit && !this.form.hasAttribute("data-edit")) this.submit.textContent = boxes.length > 1 ? "Post all" : "Post";
    this.update();
  };

  // ---- Photos and videos ----------------------------------------------------------

  /* Replace the form's fixed file slots with one picker and a list of chosen files.
     A box cloned from another gets fresh ones (a clone keeps no event listeners). */
  Composer.prototype.enhanceMedia = function (box) {
    var self = this;
    var area = box.querySelector("[data-media]");
    if (!area) return;
    area.querySelectorAll("[data-slots], [data-js-media]").forEach(function (el) { el.remove(); });
    var picker = document.createElement("input");
    picker.type = "file";
    picker.multiple = true;
    picker.accept = "image/*,video/*";
    picker.className = "visually-hidden";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary small media-button";
    button.textContent = "Add photos or videos to this post";
    button.addEventListener("click", function () { picker.click(); });
    picker.addEventListener("change", function () {
      self.addFiles(box, Array.prototype.slice.call(picker.files));
      picker.value = "";
    });
    var list = document.createElement("ul");
    list.className = "media-list";
    list.setAttribute("data-media-list", "");
    [picker, button, list].forEach(function (el) { el.setAttribute("data-js-media", ""); });
    area.prepend(picker, button, list);
    if (!this.files.has(box)) this.files.set(box, []);
  };

  Composer.prototype.addFiles = function (box, files) {
    var chosen = this.files.get(box);
    var room = MAX_MEDIA - chosen.length;
    if (files.length > room) this.say("Only " + plural(MAX_MEDIA, "photo or video", "photos or videos") + " fit in one post; the rest were left out.");
    files.slice(0, Math.max(0, room)).forEach(function (file) {
      chosen.push({ file: file, alt: "" });
    });
    this.renderFiles(box);
  };

  Composer.prototype.renderFiles = function (box) {
    var self = this;
    var list = box.querySelector("[data-media-list]");
    var chosen = this.files.get(box);
    list.textContent = "";
    chosen.forEach(function (item, k) {
      var li = document.createElement("li");
      li.className = "media-item";
      li.appendChild(preview(item.file));
      var id = "alt-js-" + Math.random().toString(36).slice(2);
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = "Alt text for " + item.file.name;
      var alt = document.createElement("textarea");
      alt.id = id;
      alt.rows = 2;
      alt.maxLength = 1500;
      alt.value = item.alt;
      alt.addEventListener("input", function () { item.alt = alt.value; });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "secondary small";
      remove.textContent = "Remove " + item.file.name;
      remove.addEventListener("click", function () {
        chosen.splice(k, 1);
        self.renderFiles(box);
        self.say(item.file.name + " removed.");
      });
      li.append(label, alt, remove);
      list.appendChild(li);
    });
  };

  /* Photos are previewed from a data: URL (the page's CSP allows data: images). */
  function preview(file) {
    var figure = document.createElement("div");
    figure.className = "media-preview";
    if (file.type.indexOf("image/") === 0) {
      var img = document.createElement("img");
      img.alt = "";
      var reader = new FileReader();
      reader.addEventListener("load", function () { img.src = String(reader.result); });
      reader.readAsDataURL(file);
      figure.appendChild(img);
    } else {
      var name = document.createElement("span");
      name.className = "muted";
      name.textContent = "Video: " + file.name;
      figure.appendChild(name);
    }
    return figure;
  }

  // ---- Posting without a reload ---------------------------------------------------

  Composer.prototype.formData = function () {
    var data = new FormData(this.form);
    var self = this;
    this.boxList().forEach(function (box, i) {
      (self.files.get(box) || []).forEach(function (item, k) {
        data.append("media-" + i + "-" + k, item.file, item.file.name);
        data.append("alt-" + i + "-" + k, item.alt);
      });
    });
    return data;
  };

  Composer.prototype.send = function (submitter) {
    var self = this;
    var form = this.form;
    if (this.submit.disabled) return;
    this.submit.disabled = true;
    form.setAttribute("aria-busy", "true");
    this.showErrors({});
    var data = this.formData();
    // "Save draft" keeps the post in /drafts instead of publishing it.
    if (submitter && submitter.hasAttribute("data-save-draft")) data.append(submitter.name, submitter.value);
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.ok) self.posted(body);
        else self.showErrors(body.errors || { form: body.error || "The post could not be published (error " + response.status + ")." });
      });
    }).catch(function () {
      self.showErrors({ form: "The server could not be reached; your post is still here. Try again." });
    }).finally(function () {
      form.removeAttribute("aria-busy");
      self.update();
    });
  };

  Composer.prototype.posted = function (body) {
    var feed = document.querySelector("[data-feed]");
    if (!feed || !body.html) {
      window.location.assign(body.location || body.url);
      return;
    }
    var empty = feed.querySelector(".empty");
    if (empty) empty.remove();
    feed.insertAdjacentHTML("afterbegin", body.html);
    feed.dispatchEvent(new CustomEvent("weft:posts-added", { bubbles: true }));
    this.reset();
    this.say("Posted.");
  };

  Composer.prototype.reset = function () {
    var self = this;
    this.form.reset();
    // The next post is a new request: it gets a key of its own (weft/web/compose_form.py).
    var key = this.form.querySelector("[data-idempotency-key]");
    if (key) key.value = newKey();
    this.boxList().slice(1).forEach(function (box) { self.files.delete(box); box.remove(); });
    var first = this.boxList()[0];
    this.files.set(first, []);
    this.renderFiles(first);
    this.renumber();
    if (this.styled) this.styled.clear();
    this.form.querySelectorAll("details[data-part]").forEach(function (part) { part.open = false; });
  };

  /* Errors from the server: a summary at the top, and each against its field. */
  Composer.prototype.showErrors = function (errors) {
    var form = this.form;
    form.querySelectorAll("[data-js-error]").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var keys = Object.keys(errors);
    if (!keys.length) return;
    var summary = document.createElement("div");
    summary.className = "error-summary";
    summary.setAttribute("role", "alert");
    summary.setAttribute("data-js-error", "");
    summary.tabIndex = -1;
    var list = document.createElement("ul");
    keys.forEach(function (key) {
      var item = document.createElement("li");
      item.className = "error";
      item.textContent = errors[key];
      list.appendChild(item);
      var field = form.querySelector("#" + CSS.escape(key));
      if (field) field.setAttribute("aria-invalid", "true");
    });
    summary.appendChild(list);
    form.insertBefore(summary, form.firstChild);
    summary.focus();
  };

  // ---- Tools: the row of icon buttons and the spoiler mark ---------------------------

  /* The text without the composer's ||spoiler bars|| (compose_form.unmarked): the
     server counts it so. A bar left open stays as typed. */
  function unmarked(text) {
    var out = "";
    var rest = text;
    for (;;) {
      var start = rest.indexOf("||");
      var end = start >= 0 ? rest.indexOf("||", start + 2) : -1;
      if (end < 0) return out + rest;
      out += rest.slice(0, start) + rest.slice(start + 2, end);
      rest = rest.slice(end + 2);
    }
  }

  /* Each tool opens its part of the form (a <details>, whose own summary the
     script hides) only when chosen; the photo tool opens the first post's picker. */
  Composer.prototype.enhanceTools = function () {
    var self = this;
    var form = this.form;
    var tools = form.querySelector("[data-tools]");
    if (!tools) return;
    tools.hidden = false;
    form.classList.add("has-tools");
    tools.querySelectorAll("[data-tool]").forEach(function (button) {
      var part = document.getElementById(button.getAttribute("aria-controls"));
      if (!part) return;
      function sync() {
        button.setAttribute("aria-expanded", String(part.open));
      }
      sync();
      part.addEventListener("toggle", sync);
      button.addEventListener("click", function () {
        part.open = !part.open;
        sync();
        if (part.open) {
          var first = part.querySelector("input:not([type=hidden]), textarea, select");
          if (first) first.focus();
        }
      });
    });
    var media = tools.querySelector("[data-tool-media]");
    if (media) {
      media.addEventListener("click", function () {
        var picker = self.boxList()[0].querySelector("input[type=file][data-js-media]");
        if (picker) picker.click();
      });
    }
    form.addEventListener("focusin", function (event) {
      if (event.target.matches("textarea[data-count]")) self.lastText = event.target;
    });
    form.querySelectorAll("[data-mark-spoiler]").forEach(function (button) {
      button.addEventListener("click", function () { self.markSpoiler(); });
    });
    form.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.shiftKey && event.key.toLowerCase() === "s" &&
          event.target.matches("textarea[data-count]")) {
        event.preventDefault();
        self.lastText = event.target;
        self.markSpoiler();
      }
    });
  };

  /* Put the selected words of the last text box between ||bars||: a spoiler range. */
  Composer.prototype.markSpoiler = function () {
    var area = this.lastText || this.form.querySelector("textarea[data-count]");
    if (!area) return;
    var start = area.selectionStart;
    var end = area.selectionEnd;
    var chosen = area.value.slice(start, end);
    if (!chosen.trim()) {
      area.focus();
      this.say("Select some words first, then mark them as a spoiler.");
      return;
    }
    area.value = area.value.slice(0, start) + "||" + chosen + "||" + area.value.slice(end);
    area.focus();
    area.setSelectionRange(start + 2, end + 2);
    area.dispatchEvent(new Event("input", { bubbles: true }));
    this.say("Marked as a spoiler.");
  };

  // ---- The long text's styles ----------------------------------------------------

  /* The styles as the server names them (text/styled.py); each code point of the
     long text carries a set of them, sent as Threads' text_with_styling_info. */
  var STYLE_TAGS = { bold: "strong", italic: "em", underline: "u", strikethrough: "s", highlight: "mark" };

  function Styled(part, say) {
    this.area = part.querySelector("[data-styled-text]");
    this.field = part.querySelector("[data-styling]");
    this.tools = part.querySelector("[data-style-tools]");
    this.preview = part.querySelector("[data-styled-preview]");
    this.previewText = part.querySelector("[data-preview-text]");
    this.say = say;
    this.text = Array.from(this.area.value);
    this.marks = this.text.map(function () { return []; });
    var stored = [];
    try { stored = JSON.parse(this.field.value || "[]"); } catch (e) { stored = []; }
    var self = this;
    (Array.isArray(stored) ? stored : []).forEach(function (range) {
      for (var i = range.offset; i < range.offset + range.length && i < self.marks.length; i++) {
        (range.styling_info || []).forEach(function (style) {
          if (self.marks[i].indexOf(style) < 0) self.marks[i].push(style);
        });
      }
    });
  }

  // A UTF-16 position in the textarea as a code point offset.
  Styled.prototype.points = function (index) {
    return Array.from(this.area.value.slice(0, index)).length;
  };

  /* After typing: the marks of the unchanged start and end stay; new characters have none. */
  Styled.prototype.follow = function () {
    var now = Array.from(this.area.value);
    var before = this.text;
    var head = 0;
    while (head < now.length && head < before.length && now[head] === before[head]) head++;
    var tail = 0;
    while (tail < now.length - head && tail < before.length - head &&
           now[now.length - 1 - tail] === before[before.length - 1 - tail]) tail++;
    var added = now.slice(head, now.length - tail).map(function () { return []; });
    this.marks = this.marks.slice(0, head).concat(added, this.marks.slice(before.length - tail));
    this.text = now;
    this.store();
  };

  Styled.prototype.selection = function () {
    return [this.points(this.area.selectionStart), this.points(this.area.selectionEnd)];
  };

  Styled.prototype.has = function (style, from, to) {
    if (from >= to) return false;
    for (var i = from; i < to; i++) if (this.marks[i].indexOf(style) < 0) return false;
    return true;
  };

  Styled.prototype.toggle = function (style) {
    var range = this.selection();
    var label = this.tools.querySelector('[data-style="' + style + '"]').getAttribute("aria-label");
    if (range[0] >= range[1]) {
      this.say("Select some of the long text first, then choose " + label + ".");
      this.area.focus();
      return;
    }
    var on = !this.has(style, range[0], range[1]);
    for (var i = range[0]; i < range[1]; i++) {
      var at = this.marks[i].indexOf(style);
      if (on && at < 0) this.marks[i].push(style);
      if (!on && at >= 0) this.marks[i].splice(at, 1);
    }
    this.store();
    this.area.focus();
    this.say(label + (on ? " on" : " off"));
  };

  /* Runs of equal, non-empty style sets, as the API takes them. */
  Styled.prototype.ranges = function () {
    var ranges = [];
    var self = this;
    var key = function (i) { return self.marks[i].slice().sort().join(","); };
    var i = 0;
    while (i < this.marks.length) {
      var j = i;
      while (j < this.marks.length && key(j) === key(i)) j++;
      if (this.marks[i].length) {
        var styles = Object.keys(STYLE_TAGS).filter(function (s) { return self.marks[i].indexOf(s) >= 0; });
        ranges.push({ offset: i, length: j - i, styling_info: styles });
      }
      i = j;
    }
    return ranges;
  };

  Styled.prototype.store = function () {
    var ranges = this.ranges();
    this.field.value = ranges.length ? JSON.stringify(ranges) : "";
    this.draw(ranges);
    this.pressed();
  };

  Styled.prototype.draw = function (ranges) {
    var box = this.previewText;
    box.textContent = "";
    var at = 0;
    var text = this.text;
    ranges.forEach(function (range) {
      box.appendChild(document.createTextNode(text.slice(at, range.offset).join("")));
      var node = box;
      var outer = null;
      range.styling_info.forEach(function (style) {
        var el = document.createElement(STYLE_TAGS[style]);
        if (outer === null) outer = el; else node.appendChild(el);
        node = el;
      });
      node.textContent = text.slice(range.offset, range.offset + range.length).join("");
      box.appendChild(outer);
      at = range.offset + range.length;
    });
    box.appendChild(document.createTextNode(text.slice(at).join("")));
    this.preview.hidden = ranges.length === 0;
  };

  Styled.prototype.pressed = function () {
    var range = this.selection();
    var self = this;
    this.tools.querySelectorAll("[data-style]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(self.has(button.getAttribute("data-style"), range[0], range[1])));
    });
  };

  var SHORTCUTS = { b: "bold", i: "italic", h: "highlight", u: "underline" };

  Styled.prototype.start = function () {
    var self = this;
    this.tools.hidden = false;
    this.tools.querySelectorAll("[data-style]").forEach(function (button) {
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () { self.toggle(button.getAttribute("data-style")); });
    });
    this.area.addEventListener("input", function () { self.follow(); });
    ["select", "keyup", "mouseup", "focus"].forEach(function (kind) {
      self.area.addEventListener(kind, function () { self.pressed(); });
    });
    this.area.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      var key = event.key.toLowerCase();
      var style = event.shiftKey ? (key === "x" ? "strikethrough" : null) : SHORTCUTS[key];
      if (!style) return;
      event.preventDefault();
      self.toggle(style);
    });
    this.draw(this.ranges());
  };

  Styled.prototype.clear = function () {
    this.text = Array.from(this.area.value);
    this.marks = this.text.map(function () { return []; });
    this.store();
  };

  // ---- Wiring ---------------------------------------------------------------------

  Composer.prototype.start = function () {
    var self = this;
    var form = this.form;
    var isEdit = form.hasAttribute("data-edit");
    this.enhanceTools();
    var longText = form.querySelector("[data-style-tools]");
    if (longText) {
      this.styled = new Styled(longText.closest(".field"), function (message) { self.say(message); });
      this.styled.start();
    }
    form.addEventListener("input", function () { self.update(); });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.matches("textarea[data-count]")) {
        event.preventDefault();
        if (!self.submit.disabled) form.requestSubmit(self.submit);
      }
    });
    if (!isEdit) {
      this.boxList().forEach(function (box) { self.enhanceMedia(box); });
      form.addEventListener("click", function (event) {
        var button = event.target.closest("button");
        if (!button || !form.contains(button)) return;
        if (button.hasAttribute("data-add-post")) {
          event.preventDefault();
          self.addBox();
        } else if (button.hasAttribute("data-remove-post")) {
          event.preventDefault();
          self.removeBox(button.closest("[data-box]"));
        }
      });
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        self.send(event.submitter);
      });
      this.boxList().forEach(function (box) {
        var remove = box.querySelector("[data-remove-post]");
        if (remove) remove.type = "button";
      });
      var add = form.querySelector("[data-add-post]");
      if (add) add.type = "button";
    }
    this.update();
  };

  document.querySelectorAll("form[data-composer]").forEach(function (form) {
    if (form.hasAttribute("data-enhanced")) return;
    form.setAttribute("data-enhanced", "");
    new Composer(form).start();
  });
})();
