/*
 * Signing out forgets the copies of application drafts that calls-autosave.js keeps in this
 * browser (keys "jumelage-application-…"): on a shared computer, what the applicant typed
 * does not outlive their session. Loaded on the sign-out page only.
 */
(function () {
  "use strict";
  var form = document.querySelector("form[data-forget-drafts]");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    try {
      var doomed = [];
      for (var i = 0; i < window.localStorage.length; i += 1) {
        var key = window.localStorage.key(i);
        if (key && key.indexOf("jumelage-application-") === 0) { doomed.push(key); }
      }
      doomed.forEach(function (key) { window.localStorage.removeItem(key); });
    } catch (e) { /* storage unavailable: nothing was kept */ }
  });
})();
