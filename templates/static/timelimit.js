// The payment time limit of the next invoice in the deal tab (issue 20): presets, a custom value
// (1 minute to 30 days), and which limit applies and why. tab.js calls b24pay.onTab with the tab's
// data and asks b24pay.timeLimit() for the chosen value when it creates a payment.
(function () {
  'use strict';

  var h = window.b24pay;
  var box = document.getElementById('time-limit');
  if (!h || !box) return;
  var $ = function (id) { return document.getElementById(id); };
  var limits = { routes: {} };

  function chosen() {
    var preset = $('tl-preset').value;
    if (preset !== 'custom') return preset;
    var n = parseInt($('tl-value').value, 10);
    if (!(n > 0)) return 'bad';
    var unit = $('tl-unit').value;
    return unit === 'd' ? (n * 24) + 'h' : n + unit;
  }

  function label() {
    var sel = $('tl-preset');
    if (sel.value !== 'custom') return sel.options[sel.selectedIndex].text;
    return ($('tl-value').value || '?') + ' ' + $('tl-unit').options[$('tl-unit').selectedIndex].text;
  }

  function applies() {
    var parts = Object.keys(limits.routes).map(function (code) {
      var r = limits.routes[code], name = code === 'sbp' ? 'СБП' : 'Invoicebox';
      if (r.why === 'trusted' || !chosen()) return name + ': ' + r.text + ' (' + r.reason + ')';
      return name + ': ' + label() + ' (выбран для этого счёта)';
    });
    $('tl-applies').textContent = parts.length ? 'Действует — ' + parts.join('; ') : '';
    $('tl-error').textContent = '';
    h.fit();
  }

  h.onTab = function (data) {
    limits = data.time_limits || { routes: {} };
    box.hidden = !Object.keys(limits.routes).length;
    applies();
  };

  h.timeLimit = function () { return chosen(); };

  h.timeLimitError = function (fields) {
    (fields || []).forEach(function (f) { if (f.field === 'time_limit') $('tl-error').textContent = f.message; });
  };

  $('tl-preset').addEventListener('change', function () { $('tl-custom').hidden = $('tl-preset').value !== 'custom'; applies(); });
  $('tl-value').addEventListener('input', applies);
  $('tl-unit').addEventListener('change', applies);
})();
