// The account form of /admin/users (core/templates/admin/users.html): the hint under the sign-in
// name shows the whole name the account will get, "<typed part>@<unit slug>" (a sample part while
// nothing is typed); as the admin types or picks another unit, the hint follows.
// A static file: the Content-Security-Policy allows no inline script. Without it the hint shows
// the name as the page was drawn (the part typed before a refused submit, the unit chosen then).
(function () {
  "use strict";
  var form = document.querySelector("form[data-name-suffixes]");
  if (!form) {
    return;
  }
  var suffixes = JSON.parse(form.getAttribute("data-name-suffixes") || "{}");
  // {"typed": hint with "{name}", "sample": hint with "{name}", "sample_local": "vana"}
  var hints = JSON.parse(form.getAttribute("data-name-hints") || "{}");
  var select = form.querySelector("select[name$='tenant']");
  var hint = form.querySelector("[id$='username-hint']");
  var typed = form.querySelector("input[name$='username']");
  if (!select || !hint || !hints.typed || !hints.sample) {
    return;
  }
  function update() {
    var suffix = suffixes[select.value];
    if (!suffix) {
      return;
    }
    // As the server names the account: trimmed, in lower case, the part after any "@" dropped
    // (it is the unit's).
    var local = typed ? typed.value.trim().toLowerCase().split("@")[0] : "";
    var template = local ? hints.typed : hints.sample;
    var name = (local || hints.sample_local) + "@" + suffix;
    // A function, so that "$&" typed in the name is not read as a replacement pattern.
    hint.textContent = template.replace("{name}", function () { return name; });
  }
  select.addEventListener("change", update);
  if (typed) {
    typed.addEventListener("input", update);
  }
})();
