/* Nothing typed in the report form is lost.
 *
 * While a reporter types, the form's values are kept in this browser's local storage under
 * "<data-draft-key>.v<report version>" (the key names the user, the unit and the period). If
 * the save does not go through — the session ended, the form's protection token expired, the
 * device went offline — the values are put back in the form the next time it opens for the same
 * user, with a banner saying so and a button to drop them. A successful save tells the page
 * (data-saved-version), which then forgets the copies it kept. No inline script: the page's
 * Content-Security-Policy is script-src 'self'.
 */
(function () {
  "use strict";

  var form = document.getElementById("report-form");
  if (!form || !form.getAttribute("data-draft-key")) {
    return;
  }
  var storage;
  try {
    storage = window.localStorage;
    storage.setItem("thidua.probe", "1");
    storage.removeItem("thidua.probe");
  } catch (unavailable) {
    return; // private browsing or storage switched off: the form works as before
  }

  var base = form.getAttribute("data-draft-key") + ".v";
  var version = parseInt(form.getAttribute("data-version"), 10) || 0;
  var key = base + version;
  var banner = document.getElementById("draft-banner");

  function copies() {
    var found = [];
    for (var i = 0; i < storage.length; i += 1) {
      var name = storage.key(i);
      if (name && name.indexOf(base) === 0) {
        var number = parseInt(name.slice(base.length), 10);
        if (!isNaN(number)) {
          found.push({ key: name, version: number });
        }
      }
    }
    return found.sort(function (a, b) { return b.version - a.version; });
  }

  function fields() {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name && element.name !== "csrf_token" && element.name !== "version" &&
        element.type !== "submit" && element.type !== "button" && element.type !== "file";
    });
  }

  function read() {
    var values = {};
    fields().forEach(function (element) {
      if (element.type === "checkbox") {
        values[element.name] = element.checked;
      } else if (element.type === "radio") {
        if (element.checked) {
          values[element.name] = element.value;
        }
      } else {
        values[element.name] = element.value;
      }
    });
    return values;
  }

  function write(values) {
    fields().forEach(function (element) {
      if (!Object.prototype.hasOwnProperty.call(values, element.name)) {
        return;
      }
      var value = values[element.name];
      if (element.type === "checkbox") {
        element.checked = value === true;
      } else if (element.type === "radio") {
        element.checked = element.value === value;
      } else {
        element.value = value;
      }
    });
  }

  function same(a, b) {
    var names = Object.keys(a).concat(Object.keys(b));
    return names.every(function (name) { return a[name] === b[name]; });
  }

  function load(name) {
    try {
      var stored = JSON.parse(storage.getItem(name));
      return stored && typeof stored.values === "object" ? stored.values : null;
    } catch (broken) {
      return null;
    }
  }

  function keep() {
    try {
      storage.setItem(key, JSON.stringify({ version: version, at: Date.now(), values: read() }));
    } catch (full) {
      return;
    }
    copies().forEach(function (copy) {
      if (copy.version < version) {
        storage.removeItem(copy.key);
      }
    });
  }

  function forget() {
    copies().forEach(function (copy) {
      if (copy.version <= version) {
        storage.removeItem(copy.key);
      }
    });
  }

  // A save from this browser has just been stored: what was kept before it is saved now.
  var saved = parseInt(form.getAttribute("data-saved-version"), 10);
  if (!isNaN(saved)) {
    copies().forEach(function (copy) {
      if (copy.version < saved) {
        storage.removeItem(copy.key);
      }
    });
  }

  var latest = copies().filter(function (copy) { return copy.version <= version; })[0];
  var values = latest ? load(latest.key) : null;
  if (latest && !values) {
    storage.removeItem(latest.key);
  } else if (values) {
    if (!same(values, read())) {
      write(values);
      if (banner) {
        banner.hidden = false;
        var older = document.getElementById("draft-older");
        if (older) {
          older.hidden = latest.version === version;
        }
      }
    }
    keep(); // under this version from now on
  }

  form.addEventListener("input", keep);
  form.addEventListener("change", keep);

  var discard = document.getElementById("draft-discard");
  if (discard) {
    discard.addEventListener("click", function () {
      forget();
      form.reset();
      if (banner) {
        banner.hidden = true;
      }
    });
  }
}());
