/* The few behaviours htmx does not cover: filtering the glossary as you type, keeping an
   unsaved copy of what is typed into a writing form, so a crash or an error loses nothing, and
   asking before a form that deletes something is sent. */
(function () {
  "use strict";

  function setUpFilter(input) {
    var list = document.querySelector(input.dataset.filterList);
    var status = document.getElementById(input.id + "-status");
    if (!list) return;
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      list.querySelectorAll(".term-item").forEach(function (item) {
        var match = !query || item.dataset.names.indexOf(query) !== -1;
        item.hidden = !match;
        if (match) shown += 1;
      });
      list.querySelectorAll(".term-group").forEach(function (group) {
        group.hidden = !group.querySelector(".term-item:not([hidden])");
      });
      if (status) status.textContent = shown + (shown === 1 ? " term" : " terms") + (query ? " match." : ".");
    });
  }

  function setUpDraft(area) {
    var key = "tracker-draft:" + area.dataset.draftKey;
    var stored = null;
    try { stored = window.localStorage.getItem(key); } catch (e) { return; }
    if (stored !== null && stored === area.value) {
      window.localStorage.removeItem(key); // the page already shows it: it was saved
    } else if (stored) {
      var notice = document.createElement("p");
      notice.className = "notice draft-notice";
      notice.setAttribute("role", "status");
      notice.textContent = "You have unsaved text from an earlier visit. ";
      var restore = document.createElement("button");
      restore.type = "button";
      restore.className = "secondary small";
      restore.textContent = "Put it back";
      restore.addEventListener("click", function () {
        area.value = stored;
        area.dispatchEvent(new Event("input", { bubbles: true }));
        notice.remove();
        area.focus();
      });
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "link-button small";
      discard.textContent = "Discard it";
      discard.addEventListener("click", function () {
        window.localStorage.removeItem(key);
        notice.remove();
      });
      notice.append(restore, " ", discard);
      area.parentNode.insertBefore(notice, area);
    }
    var timer = null;
    area.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        try { window.localStorage.setItem(key, area.value); } catch (e) { /* storage full or off */ }
      }, 400);
    });
  }

  // A form with data-confirm (deleting a run, a notebook) asks first. Listening on the document
  // covers forms that htmx swaps in later; inline onsubmit handlers are barred by the CSP.
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // A filter form with data-auto-submit applies a choice as soon as it is made; its Apply
  // button stays for typed values and for browsers without scripts.
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-auto-submit") && event.target.tagName === "SELECT") {
      form.requestSubmit();
    }
  });

  // "/" jumps to the search box, as on most sites with one, unless someone is typing.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var typing = event.target.closest && event.target.closest("input, textarea, select, [contenteditable]");
    var search = document.querySelector(".search-box input[type=search]");
    if (typing || !search) return;
    event.preventDefault();
    search.focus();
  });

  // Other one-key shortcuts, listed in the footer: an element with data-shortcut="n" (a folded
  // form) is opened and its first field focused; "?" opens that list. Not while typing.
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "?") {
      var help = document.getElementById("keyboard-shortcuts");
      if (!help) return;
      event.preventDefault();
      help.open = true;
      help.querySelector("summary").focus();
      return;
    }
    if (event.key.length !== 1 || event.key === "/") return;
    var target = document.querySelector('[data-shortcut="' + event.key + '"]');
    if (!target) return;
    event.preventDefault(); // or the key would be typed into the field it focuses
    if (target.tagName === "DETAILS") target.open = true;
    var field = target.querySelector("textarea, input:not([type=hidden]), select");
    (field || target).focus();
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-filter-list]").forEach(setUpFilter);
    document.querySelectorAll("textarea[data-draft-key]").forEach(setUpDraft);
  });
})();

/* The session form's reading picker (templates/sessions/_reading_picker.html). Without scripts
   it is a list of checkboxes; here a filter box narrows the library as you type, a ticked
   reading moves up among the attached ones with a role to choose, and those can be reordered
   (the form sends them in the order they appear). */
(function () {
  "use strict";

  function setUpReadingPicker(picker) {
    var name = picker.dataset.readingPicker;
    var picked = picker.querySelector("[data-picked]");
    var library = picker.querySelector("[data-library]");
    var filter = picker.querySelector("[data-reading-filter]");
    var input = filter.querySelector("input");
    var status = filter.querySelector("[role=status]");
    var roleTemplate = picker.querySelector("template[data-role-template]");
    filter.hidden = false;

    function addMoveButtons(item) {
      [["\u2191", "up"], ["\u2193", "down"]].forEach(function (pair) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "secondary small";
        button.textContent = pair[0];
        button.setAttribute("aria-label", "Move " + item.dataset.title + " " + pair[1]);
        button.addEventListener("click", function () {
          var before = pair[1] === "up" ? item.previousElementSibling : item.nextElementSibling;
          if (!before) return;
          if (pair[1] === "up") picked.insertBefore(item, before);
          else picked.insertBefore(before, item);
          button.focus();
        });
        item.append(button);
      });
    }

    picked.querySelectorAll("li").forEach(addMoveButtons);

    library.addEventListener("change", function (event) {
      var box = event.target;
      var item = box.closest("li");
      if (!box.checked || !item) return;
      var role = roleTemplate.content.firstElementChild.cloneNode(true);
      role.name = name + "-role-" + box.value;
      role.setAttribute("aria-label", "Role of " + item.dataset.title);
      item.className = "picked-reading";
      item.removeAttribute("data-search");
      item.append(" ", role);
      addMoveButtons(item);
      picked.append(item);
      box.focus();
      if (input.value) input.dispatchEvent(new Event("input")); // recount what still matches
    });

    input.addEventListener("input", function () {
      var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      library.querySelectorAll("li[data-search]").forEach(function (item) {
        var text = item.dataset.search;
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        item.hidden = !match;
        if (match) shown += 1;
      });
      status.textContent = words.length ? shown + (shown === 1 ? " reading matches." : " readings match.") : "";
      library.scrollTop = 0;
    });
    // Enter in the filter box would otherwise send the whole session form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-reading-picker]").forEach(setUpReadingPicker);
  });
})();

/* The course form suggests an address from the title until the person types one of their own,
   and an invitation's "Copy link" button copies the link beside it. */
(function () {
  "use strict";

  function slugify(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\w\s-]/g, "").replace(/[\s_-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80)
      .replace(/-+$/, "");
  }

  function setUpSlug(slug) {
    var title = document.getElementById(slug.dataset.slugFrom);
    if (!title) return;
    // An address already there (typed, or kept after an error) is the person's own choice.
    var typed = slug.value !== "" && slug.value !== slugify(title.value);
    slug.addEventListener("input", function () { typed = slug.value !== ""; });
    title.addEventListener("input", function () {
      if (!typed) slug.value = slugify(title.value);
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    var label = button.textContent;
    function done(text) {
      button.textContent = text;
      window.setTimeout(function () { button.textContent = label; }, 2000);
    }
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { done("Copied"); },
        function () { done("Press Ctrl+C to copy"); });
    } else {
      done(document.execCommand("copy") ? "Copied" : "Press Ctrl+C to copy");
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-slug-from]").forEach(setUpSlug);
  });
})();
