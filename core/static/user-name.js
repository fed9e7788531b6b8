// The account form of /admin/users (core/templates/admin/users.html): the hint under the sign-in
// name shows "name@<unit slug>"; when another unit is chosen, the slug in the hint follows it.
// A static file: the Content-Security-Policy allows no inline script. Without it the hint names
// the unit the page was drawn with, and says the chosen unit's code completes the name.
(function () {
  "use strict";
  var form = document.querySelector("form[data-name-suffixes]");
  if (!form) {
    return;
  }
  var suffixes = JSON.parse(form.getAttribute("data-name-suffixes") || "{}");
  var select = form.querySelector("select[name$='tenant']");
  var hint = form.querySelector("[id$='username-hint']");
  var typed = form.querySelector("input[name$='username']");
  if (!select || !hint) {
    return;
  }
  var shown = suffixes[select.value];
  var template = hint.textContent;
  function update() {
    var suffix = suffixes[select.value];
    if (!suffix || !shown) {
      return;
    }
    var local = typed && typed.value.trim() ? typed.value.trim().toLowerCase() : null;
    var text = template.split("@" + shown).join("@" + suffix);
    if (local) {
      // A function, so that "$&" typed in the name is not read as a replacement pattern.
      text = text.replace(/\S+@/, function () { return local + "@"; });
    }
    hint.textContent = text;
  }
  select.addEventListener("change", update);
  if (typed) {
    typed.addEventListener("input", update);
  }
})();
