// Keeps each queued or running run's fragment fresh without reloading the page: every two
// seconds, an element with data-poll-url is replaced by the server's current fragment, which
// drops the attribute once the run has finished, and polling for it stops.
(function () {
  if (window.trackerRunProgress) return;
  window.trackerRunProgress = true;
  const INTERVAL_MS = 2000;

  async function refresh(element) {
    const url = new URL(element.dataset.pollUrl, window.location.href);
    url.searchParams.set("next", window.location.pathname + window.location.search);
    element.dataset.polling = "1";
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) return;
      const template = document.createElement("template");
      template.innerHTML = (await response.text()).trim();
      element.replaceWith(template.content);
    } catch (error) {
      // A network blip: try again on the next tick.
    } finally {
      delete element.dataset.polling;
    }
  }

  setInterval(function () {
    document.querySelectorAll("[data-poll-url]:not([data-polling])").forEach(refresh);
  }, INTERVAL_MS);
})();
