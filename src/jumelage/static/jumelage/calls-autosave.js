/* Application drafts: nothing typed is lost.
 *
 * Progressive enhancement of the step forms (the site works without it):
 * - every few seconds after typing, and when a field loses focus, the form is posted to its
 *   data-autosave URL; the answer carries the new version, kept in the hidden "version" field;
 *   a 409 answer means someone else saved meanwhile: nothing is overwritten and the person is
 *   told to reload and compare;
 * - a copy of the form is kept in localStorage (key: data-autosave-key, one per application and
 *   step) until the server confirms it saved it, so an expired session or a closed tab loses
 *   nothing; on the next visit the page offers to restore it.
 */
(function () {
  "use strict";
  var DELAY = 4000;

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "version" &&
        el.type !== "file" && el.type !== "submit" && el.type !== "button" &&
        el.type !== "hidden";
    });
  }

  function snapshot(form) {
    var values = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        values[el.name] = values[el.name] || [];
        if (el.checked) { values[el.name].push(el.value); }
      } else {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function apply(form, values) {
    fields(form).forEach(function (el) {
      if (!(el.name in values)) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values[el.name].indexOf(el.value) !== -1;
      } else {
        el.value = values[el.name];
      }
    });
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function store(key, values) {
    try { window.localStorage.setItem(key, JSON.stringify({values: values, at: Date.now()})); }
    catch (e) { /* private mode or full storage: the server copy still works */ }
  }

  function stored(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); }
    catch (e) { return null; }
  }

  function forget(key) {
    try { window.localStorage.removeItem(key); } catch (e) { /* nothing to do */ }
  }

  function say(form, text) {
    var status = form.querySelector(".autosave-status");
    if (status) { status.textContent = text; }
  }

  function offerRestore(form, key) {
    var kept = stored(key);
    if (!kept || same(kept.values, snapshot(form))) { return; }
    var box = document.createElement("div");
    box.className = "message message-warning";
    box.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = form.dataset.msgRestore;
    var yes = document.createElement("button");
    yes.type = "button";
    yes.textContent = form.dataset.msgRestoreYes;
    var no = document.createElement("button");
    no.type = "button";
    no.textContent = form.dataset.msgRestoreNo;
    yes.addEventListener("click", function () {
      apply(form, kept.values);
      box.remove();
      form.dispatchEvent(new Event("input"));
    });
    no.addEventListener("click", function () { forget(key); box.remove(); });
    box.appendChild(text);
    box.appendChild(yes);
    box.appendChild(document.createTextNode(" "));
    box.appendChild(no);
    form.parentNode.insertBefore(box, form);
  }

  function setup(form) {
    var key = form.dataset.autosaveKey;
    var url = form.dataset.autosave;
    var timer = null;
    var sending = false;
    var blocked = false;
    var version = form.querySelector("input[name=version]");

    offerRestore(form, key);

    function save() {
      timer = null;
      if (!url || sending || blocked) { return; }
      var values = snapshot(form);
      sending = true;
      fetch(url, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"}
      }).then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
        if (!json) { throw new Error("session"); }  // a sign-in page: the session expired
        return response.json().then(function (body) { return {status: response.status, body: body}; });
      }).then(function (answer) {
        if (answer.status === 409) {
          blocked = true;  // never overwrite someone else's text: the person reloads and merges
          say(form, answer.body.message || form.dataset.msgConflict);
          return;
        }
        if (answer.status !== 200) { throw new Error("refused"); }
        if (version) { version.value = answer.body.version; }
        if (same(values, snapshot(form))) { forget(key); }
        say(form, form.dataset.msgSaved);
      }).catch(function () {
        say(form, form.dataset.msgOffline);
      }).then(function () { sending = false; });
    }

    function later() {
      store(key, snapshot(form));
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(save, DELAY);
    }

    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("focusout", function () {
      if (timer) { window.clearTimeout(timer); save(); }
    });
    form.addEventListener("submit", function () {
      // The copy stays until the next page shows the saved draft; a refused POST keeps it.
      store(key, snapshot(form));
      if (timer) { window.clearTimeout(timer); }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave-key]"), setup);
    // A page that shows a saved draft without errors confirms the server has it.
    if (!document.querySelector(".errorlist, .conflict")) {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave-key]"),
        function (form) {
          var kept = stored(form.dataset.autosaveKey);
          if (kept && same(kept.values, snapshot(form))) { forget(form.dataset.autosaveKey); }
        });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
