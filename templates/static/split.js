// «Разделить счёт» in the deal tab: splits one of the deal's invoices into N invoices, with a
// preview of every part (sum and VAT) before anything is created. Uses the tab's helpers (tab.js).
(function () {
  'use strict';

  var tab = document.getElementById('tab');
  if (!tab || tab.getAttribute('data-owner-type') !== 'deal' || !window.b24pay) return;
  var h = window.b24pay;
  var $ = function (id) { return document.getElementById(id); };
  var key = null, timer = null, currency = 'RUB';

  function form() {
    return { invoice_id: Number($('s-invoice').value), parts: $('s-parts').value.trim() || '0', period: $('s-period').value,
      first: $('s-first').value, shares: $('s-shares').value, remind: $('s-remind').checked, key: key };
  }

  function problem(text) {
    $('split-error').textContent = text || '';
    $('split-error').hidden = !text;
    h.fit();
  }

  function newKey() {
    var a = new Uint32Array(4);
    (window.crypto || window.msCrypto).getRandomValues(a);
    return Array.prototype.join.call(a, '-');
  }

  function renderPreview(p) {
    var body = $('split-preview').tBodies[0];
    body.textContent = '';
    currency = (p && p.currency) || currency;
    ((p && p.parts) || []).forEach(function (part) {
      body.appendChild(h.el('tr', {}, [h.el('td', { text: String(part.n) }), h.el('td', { text: h.date(part.due) }),
        h.el('td', { class: 'num', text: h.money(part.total, currency) }), h.el('td', { class: 'num', text: h.money(part.vat, currency) })]));
    });
    h.fit();
  }

  function preview() {
    key = null;
    $('split-go').disabled = true;
    if (!$('s-invoice').value) return;
    h.api('POST', '/split/preview', form()).then(function (r) {
      if (r.status !== 200) { renderPreview(null); problem(r.data.message || 'Не удалось построить предпросмотр'); return; }
      problem('');
      renderPreview(r.data);
      key = newKey();
      $('split-go').disabled = false;
    });
  }

  function schedulePreview() {
    clearTimeout(timer);
    timer = setTimeout(preview, 300);
  }

  function status(text) {
    $('split-status').textContent = text || '';
    $('split-status').hidden = !text;
    h.fit();
  }

  function poll(id) {
    h.api('GET', '/split/' + id).then(function (r) {
      if (r.status === 200 && r.data.status === 'pending') { timer = setTimeout(function () { poll(id); }, 1500); return; }
      if (r.status === 200 && r.data.status === 'done') {
        $('split').setAttribute('data-state', 'done');
        status('Готово: созданы счета №' + r.data.invoice_ids.join(', №') + '. Они добавлены в график платежей сделки.');
        setTimeout(function () { window.location.reload(); }, 2500);
        return;
      }
      status('');
      problem(r.data.error || r.data.message || 'Не удалось разделить счёт');
    });
  }

  function start() {
    $('split-go').disabled = true;
    status('Создаём счета в Битрикс24…');
    h.api('POST', '/split', form()).then(function (r) {
      if (r.status !== 202) { status(''); problem(r.data.message || 'Не удалось разделить счёт'); return; }
      $('split').setAttribute('data-state', 'pending');
      poll(r.data.id);
    });
  }

  h.api('GET', '/split/invoices').then(function (r) {
    var list = (r.status === 200 && r.data.invoices) || [];
    if (!list.length) return;
    list.forEach(function (inv) {
      $('s-invoice').appendChild(h.el('option', { value: String(inv.id),
        text: '№' + inv.id + ' ' + (inv.title || '') + ' — ' + h.money(inv.amount, inv.currency) }));
    });
    $('split').hidden = false;
    schedulePreview();
  });
  $('split-form').addEventListener('input', schedulePreview);
  $('split-form').addEventListener('change', schedulePreview);
  $('split-go').onclick = start;
})();
