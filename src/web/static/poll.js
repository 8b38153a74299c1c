/* global window, document, fetch */
// A means' QR page (Yivi, the wallet): asks Dezi for the session status and continues once the app has
// answered. Without this script the page works too: the person chooses "continue" and Dezi checks then.
(function () {
  'use strict';
  var script = document.currentScript;
  var statusUrl = script && script.getAttribute('data-status-url');
  var continueUrl = script && script.getAttribute('data-continue-url');
  if (!statusUrl || !continueUrl || !window.fetch) return;
  var finished = { DONE: true, CANCELLED: true, TIMEOUT: true };
  var tries = 0;
  function poll() {
    tries += 1;
    if (tries > 400) return;
    fetch(statusUrl, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) {
        return res.ok ? res.json() : { status: 'UNKNOWN' };
      })
      .then(function (body) {
        if (finished[body.status]) window.location.assign(continueUrl);
        else window.setTimeout(poll, 1500);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 1500);
})();
