/* The review page's keys: space shows the answer, 1-4 grade it, u undoes the last grade. The
   page works without this: the answer is a <details>, each grade and the undo a form. */
(function () {
  "use strict";

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) return;
    var study = document.querySelector("[data-study]");
    if (!study) return;
    var answer = study.querySelector("[data-study-answer]");
    if (event.key === " " && answer) {
      // A focused button or summary keeps its own space.
      if (event.target.closest("button, summary, a")) return;
      event.preventDefault();
      answer.open = !answer.open;
      if (answer.open) answer.querySelector("[data-study-grade='3']").focus();
      return;
    }
    if (/^[1-4]$/.test(event.key) && answer && answer.open) {
      event.preventDefault();
      answer.querySelector("[data-study-grade='" + event.key + "']").click();
      return;
    }
    if (event.key === "u") {
      var undo = study.querySelector("[data-study-undo]");
      if (!undo) return;
      event.preventDefault();
      undo.click();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var answer = document.querySelector("[data-study-answer]");
    if (!answer) return;
    // Opening the answer by its summary (click, Enter, space) moves on to the grades too.
    answer.addEventListener("toggle", function () {
      if (answer.open) answer.querySelector("[data-study-grade='3']").focus();
    });
    answer.querySelector("summary").focus();
  });
})();
