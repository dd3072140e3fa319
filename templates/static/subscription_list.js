// The subscriptions of the tab's deal, contact or company (issue 13), each with its charges; a paid
// charge can be refunded in full or in part (POST /api/v1/subscriptions/:id/charges/:seq/refund).
// Uses the helpers tabkit.js exports.
(function () {
  'use strict';

  var h = window.b24pay;
  var box = document.getElementById('sub-list');
  var tab = document.getElementById('tab');
  var owners = { deal: true, contact: true, company: true };
  if (!h || !box || !tab || !owners[tab.getAttribute('data-owner-type')]) return;
  var items = document.getElementById('sub-items');
  var note = document.getElementById('sub-notice');

  function say(text) { note.textContent = text || ''; note.hidden = !text; h.fit(); }

  // «1 437,5» or «1437.50» as "1437.50"; null when it is not an amount with at most two decimals.
  function amount(text) {
    var s = String(text || '').replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
    return /^\d+(\.\d{1,2})?$/.test(s) ? s : null;
  }

  function refundForm(sub, ch, tr) {
    var next = tr.nextSibling;
    if (next && next.classList && next.classList.contains('refund-row')) return;
    var id = sub.id + '-' + ch.seq;
    var input = h.el('input', { id: 'sub-refund-amount-' + id, name: 'amount', inputmode: 'decimal',
      value: ch.refundable.replace('.', ','), 'data-test': 'sub-refund-amount' });
    var reason = h.el('input', { id: 'sub-refund-reason-' + id, name: 'reason', maxlength: '200', placeholder: 'необязательно',
      'data-test': 'sub-refund-reason' });
    var error = h.el('span', { class: 'field-error', role: 'alert', 'data-test': 'sub-refund-error' });
    var go = h.el('button', { type: 'submit', class: 'small primary-action', text: 'Оформить возврат', 'data-test': 'sub-refund-submit' });
    var cancel = h.el('button', { type: 'button', class: 'small', text: 'Отмена' });
    var form = h.el('form', { class: 'refund-form', novalidate: '', 'data-test': 'sub-refund-form' }, [
      h.el('label', { for: input.id, text: 'Сумма возврата, не больше ' + ch.refundable.replace('.', ',') }), input, error,
      h.el('label', { for: reason.id, text: 'Причина' }), reason, h.el('span', { class: 'actions' }, [go, cancel])]);
    var row = h.el('tr', { class: 'feedback refund-row' }, [h.el('td', { colspan: '4' }, [form])]);
    tr.parentNode.insertBefore(row, tr.nextSibling);
    cancel.onclick = function () { row.remove(); h.fit(); };
    form.onsubmit = function (e) {
      e.preventDefault();
      var value = amount(input.value);
      if (!value || Number(value) <= 0) { error.textContent = 'Укажите сумму больше нуля, например 990,00'; return; }
      go.disabled = true;
      h.api('POST', '/subscriptions/' + sub.id + '/charges/' + ch.seq + '/refund', { amount: value, reason: reason.value.trim() })
        .then(function (r) {
          go.disabled = false;
          if (r.status === 200) { say('Возврат ' + r.data.refund.amount + ' оформлен.'); load(); return; }
          if (r.status === 202) { say(r.data.message); load(); return; }
          var f = (r.data.fields || [])[0];
          error.textContent = f ? f.message : (r.data.message || 'Не удалось оформить возврат');
          h.fit();
        });
    };
    input.focus();
    h.fit();
  }

  function chargeRow(sub, ch) {
    var status = ch.status_label + (ch.status === 'partially_refunded' ? ': ' + ch.refunded : '');
    var tr = h.el('tr', { 'data-test': 'sub-charge', 'data-status': ch.status }, [
      h.el('td', { text: ch.period }), h.el('td', { class: 'num', text: ch.amount }), h.el('td', { text: status })]);
    var cell = h.el('td');
    if (ch.refundable) {
      var b = h.el('button', { type: 'button', class: 'small', text: 'Вернуть', 'data-test': 'sub-refund' });
      b.onclick = function () { refundForm(sub, ch, tr); };
      cell.appendChild(b);
    }
    tr.appendChild(cell);
    return tr;
  }

  function render(list) {
    items.textContent = '';
    list.forEach(function (sub) {
      var head = h.el('div', { class: 'muted', text: sub.amount + ' · ' + sub.period + ' · ' + sub.status_label });
      var card = h.el('article', { class: 'subscription', 'data-test': 'subscription', 'data-id': String(sub.id) },
        [h.el('h3', { text: sub.title }), head]);
      if (sub.charges.length) {
        var body = h.el('tbody');
        sub.charges.forEach(function (ch) { body.appendChild(chargeRow(sub, ch)); });
        card.appendChild(h.el('table', { class: 'schedule' }, [h.el('thead', {}, [h.el('tr', {}, [
          h.el('th', { text: 'Период с' }), h.el('th', { class: 'num', text: 'Сумма' }), h.el('th', { text: 'Статус' }),
          h.el('th', {})])]), body]));
      }
      items.appendChild(card);
    });
    box.hidden = list.length === 0;
    h.fit();
  }

  function load() {
    h.api('GET', '/subscriptions').then(function (r) { if (r.status === 200) render(r.data.subscriptions); });
  }

  document.addEventListener('b24pay:subscriptions', load);
  load();
})();
