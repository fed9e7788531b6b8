/* The exports page: follow each running export through the jobs API, move its progress bar,
   then show the download link or the reason it failed (and the button to run it again, which is
   the form already on the page). A static file: the Content-Security-Policy allows no inline
   script. Without JavaScript the page still works: reload it to see the state. */
(function () {
  "use strict";

  function poll(box) {
    var url = box.getAttribute("data-status-url");
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-state-text]");
    var link = box.querySelector("[data-download]");
    var error = box.querySelector("[data-error]");
    var names = {
      queued: box.getAttribute("data-label-queued"),
      running: box.getAttribute("data-label-running"),
      finished: box.getAttribute("data-label-finished"),
      failed: box.getAttribute("data-label-failed")
    };
    function step() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (job) {
          if (!job) { return; }
          if (bar) { bar.value = job.progress; bar.textContent = job.progress + " %"; }
          if (text) { text.textContent = (names[job.state] || job.state) + " · " + job.progress + " %"; }
          if (job.state === "finished" && job.download_url && link) {
            link.href = job.download_url;
            link.hidden = false;
            return;
          }
          if (job.state === "failed") {
            if (error) { error.textContent = (error.getAttribute("data-failed-prefix") || "") + " " + (job.reason || ""); error.hidden = false; }
            return;
          }
          window.setTimeout(step, 1500);
        })
        .catch(function () { window.setTimeout(step, 5000); });
    }
    step();
  }

  function ready() {
    var boxes = document.querySelectorAll("[data-status-url][data-live]");
    for (var i = 0; i < boxes.length; i += 1) { poll(boxes[i]); }
    var printers = document.querySelectorAll("[data-print]");
    for (var j = 0; j < printers.length; j += 1) {
      printers[j].addEventListener("click", function () { window.print(); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
