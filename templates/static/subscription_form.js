// The manager's form for a new subscription in the deal tab or a contact's or company's
// «Подписки» tab (issue 13): it posts to POST /api/v1/subscriptions and shows the client's link
// (consent and first payment) to copy. Field errors from the API go next to their fields. Uses the
// helpers tabkit.js exports.
(function () {
  'use strict';

  var h = window.b24pay;
  var box = document.getElementById('sub-new');
  var tab = document.getElementById('tab');
  var owners = { deal: true, contact: true, company: true };
  if (!h || !box || !tab || !owners[tab.getAttribute('data-owner-type')]) return;
  var $ = function (id) { return document.getElementById(id); };
  var form = $('sub-form');

  function decimal(id) { return $(id).value.trim().replace(/\s/g, '').replace(',', '.'); }

  function body() {
    var end = $('sub-end').value;
    var b = {
      title: $('sub-title').value.trim(), amount: decimal('sub-amount'), currency: 'RUB',
      period_unit: $('sub-unit').value, period_every: parseInt($('sub-every').value, 10),
      start: $('sub-start').value, end_kind: end, route: $('sub-route').value, email: $('sub-email').value.trim()
    };
    if (decimal('sub-first')) b.first_amount = decimal('sub-first');
    if (end === 'count') b.end_count = parseInt($('sub-count').value, 10) || 0;
    if (end === 'date') b.end_date = $('sub-end-date').value;
    return b;
  }

  function clearErrors() {
    form.querySelectorAll('.field-error').forEach(function (n) { n.textContent = ''; });
    $('sub-error').hidden = true;
  }

  function showErrors(data) {
    var placed = false;
    (data.fields || []).forEach(function (f) {
      var n = form.querySelector('[data-error="' + f.field + '"]');
      if (n) { n.textContent = f.message; placed = true; }
    });
    if (!placed) {
      $('sub-error').textContent = data.message || 'Не удалось создать подписку';
      $('sub-error').hidden = false;
    }
  }

  function showLink(link) {
    var result = $('sub-result');
    var input = h.el('input', { readonly: '', value: link, class: 'link-field', 'data-test': 'subscription-link',
      'aria-label': 'Ссылка для клиента на согласие и первую оплату' });
    result.textContent = '';
    result.appendChild(h.el('span', { text: 'Подписка создана. Отправьте клиенту ссылку на согласие и первую оплату:' }));
    result.appendChild(input);
    result.hidden = false;
    form.hidden = true;
    $('sub-open').setAttribute('aria-expanded', 'false');
  }

  function submit(ev) {
    ev.preventDefault();
    clearErrors();
    var button = $('sub-create');
    button.disabled = true;
    h.api('POST', '/subscriptions', body()).then(function (r) {
      button.disabled = false;
      if (r.status === 201) {
        showLink(r.data.subscription.link);
        document.dispatchEvent(new Event('b24pay:subscriptions')); // subscription_list.js reloads
      }
      else if (r.status) showErrors(r.data);
      h.fit();
    });
  }

  function toggle() {
    form.hidden = !form.hidden;
    $('sub-open').setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden && !$('sub-start').value) $('sub-start').value = new Date().toISOString().slice(0, 10);
    h.fit();
  }

  $('sub-end').addEventListener('change', function () {
    $('sub-count-wrap').hidden = $('sub-end').value !== 'count';
    $('sub-date-wrap').hidden = $('sub-end').value !== 'date';
  });
  $('sub-open').onclick = toggle;
  form.addEventListener('submit', submit);
  box.hidden = false;
})();
