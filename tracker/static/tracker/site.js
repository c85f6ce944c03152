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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-filter-list]").forEach(setUpFilter);
    document.querySelectorAll("textarea[data-draft-key]").forEach(setUpDraft);
  });
})();
