// The «График платежей» tab: builds a schedule with a live preview, then shows its instalments,
// their sync with Bitrix24 and the history. Talks to the JSON API through tabkit.js (loaded first).
(function () {
  'use strict';

  var kit = window.b24pay; // tabkit.js
  var api = kit.api, el = kit.el, fit = kit.fit, notice = kit.notice;
  var $ = function (id) { return document.getElementById(id); };
  var state = { currency: 'RUB', schedule: null, providers: [], withheld: {}, pollTimer: null, previewTimer: null, previewSeq: 0, customRows: 0, saving: false, b24: {}, feedback: null };
  var payLabels = { invoicebox: 'Счёт Invoicebox', sbp: 'QR СБП' };
  var routeNames = { invoicebox: 'Invoicebox', sbp: 'СБП' };
  var paymentStatus = { pending: 'Ожидает оплаты', unknown: 'Уточняется', succeeded: 'Оплачен', failed: 'Ошибка',
    expired: 'Истёк срок', cancelled: 'Отменён', partially_refunded: 'Частичный возврат', refunded: 'Возвращён' };
  var signs = { RUB: '₽', USD: '$', EUR: '€' };
  var unpaid = { planned: true, invoiced: true, partly_paid: true, overdue: true };

  // 1 437,15 ₽ — narrow no-break spaces between thousands, comma before kopecks.
  function money(value, currency) {
    if (value === undefined || value === null || value === '') return '';
    var s = String(value), neg = s.charAt(0) === '-';
    if (neg) s = s.slice(1);
    var parts = s.split('.');
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
    var out = (neg ? '−' : '') + whole + (parts[1] ? ',' + parts[1] : '');
    var c = currency || state.currency;
    return out + '\u00a0' + (signs[c] || c);
  }

  // Money typed by a person: «120 000,00», «120000.00», «1 437,5». Returns "120000.00" or null.
  function parseNumber(text) {
    var s = String(text || '').replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
    return /^-?\d+(\.\d+)?$/.test(s) ? s : (s === '' ? '' : null);
  }

  // Amounts in kopecks as BigInt, for running totals without float rounding; null if not a sum.
  function toMinor(text) {
    var s = parseNumber(text);
    if (!s) return null;
    var neg = s.charAt(0) === '-', parts = s.replace('-', '').split('.');
    if ((parts[1] || '').length > 2) return null;
    var v = BigInt(parts[0]) * 100n + BigInt(((parts[1] || '') + '00').slice(0, 2));
    return neg ? -v : v;
  }

  function fromMinor(v) {
    var neg = v < 0n, a = neg ? -v : v, k = String(a % 100n);
    return (neg ? '-' : '') + String(a / 100n) + '.' + (k.length < 2 ? '0' + k : k);
  }

  // «120 000,00» for an input: plain spaces, comma decimals; left alone when it is not a number.
  function groupInput(text) {
    var m = toMinor(text);
    if (m === null) return text;
    return money(fromMinor(m)).replace(/\u202f/g, ' ').replace(/\u00a0.*$/, '');
  }

  // «02.01.2027, 09:00» in the portal's time zone as the browser knows it.
  function dateTime(iso) {
    var d = new Date(iso), p = function (n) { return (n < 10 ? '0' : '') + n; };
    if (isNaN(d)) return iso || '';
    return p(d.getDate()) + '.' + p(d.getMonth() + 1) + '.' + d.getFullYear() + ', ' + p(d.getHours()) + ':' + p(d.getMinutes());
  }

  function date(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    return m ? m[3] + '.' + m[2] + '.' + m[1] : iso || '';
  }

  // A due date with «перенесено с 01.01.2029 — праздник» under it when business days moved it.
  function dueCell(due, suffix, note) {
    var td = el('td', { text: date(due) + suffix });
    if (note) td.appendChild(el('div', { class: 'shift-note', 'data-test': 'shift-note', text: note }));
    return td;
  }

  // ---- owner -------------------------------------------------------------------------------
  function renderOwner(owner) {
    state.currency = owner.currency || 'RUB';
    $('owner-title').textContent = owner.title || ((owner.type === 'lead' ? 'Лид' : 'Сделка') + ' №' + owner.id);
    $('owner-amount').textContent = 'Сумма: ' + money(owner.amount, owner.currency);
    var c = $('client');
    c.textContent = '';
    if (owner.client) {
      c.appendChild(el('b', { text: owner.client.name, 'data-test': 'client-name' }));
      var req = [];
      if (owner.client.inn) req.push('ИНН ' + owner.client.inn);
      if (owner.client.kpp) req.push('КПП ' + owner.client.kpp);
      if (req.length) c.appendChild(el('div', { class: 'muted', text: req.join(', ') }));
      if (owner.client.address) c.appendChild(el('div', { class: 'muted', text: owner.client.address }));
      var contacts = el('div', { class: 'contacts' });
      if (owner.client.phone) contacts.appendChild(el('a', { href: 'tel:' + owner.client.phone.replace(/[^\d+]/g, ''), text: owner.client.phone, 'data-test': 'client-phone' }));
      if (owner.client.email) contacts.appendChild(el('a', { href: 'mailto:' + owner.client.email, text: owner.client.email, 'data-test': 'client-email' }));
      if (contacts.childNodes.length) c.appendChild(contacts);
    } else {
      c.appendChild(el('span', { class: 'muted', text: 'Клиент не указан' }));
    }
    state.clientEmail = owner.client && owner.client.email || '';
    $('owner').hidden = false;
    $('invite').hidden = !owner.client;
  }

  // ---- cabinet invitation ------------------------------------------------------------------
  // inviteClient asks for a link to the client cabinet for the card's client and shows it in
  // place to copy; the server also e-mails it when the client's card has an e-mail.
  function inviteClient() {
    var button = $('invite-client'), box = $('invite-result');
    button.disabled = true;
    api('POST', '/invite').then(function (r) {
      button.disabled = false;
      if (r.status !== 200) {
        notice(r.data.message || 'Не удалось создать приглашение');
        return;
      }
      var input = el('input', { readonly: '', value: r.data.url, 'aria-label': 'Ссылка-приглашение в личный кабинет', class: 'link-field', 'data-test': 'invite-link' });
      var copy = el('button', { type: 'button', class: 'ui-btn ui-btn-light-border ui-btn-xs', text: 'Копировать' });
      copy.onclick = function () { copyText(input, copy); };
      box.textContent = '';
      box.appendChild(el('span', { text: r.data.emailed ? 'Приглашение отправлено на ' + r.data.emailed + '. Ссылка:' : 'Ссылка-приглашение готова — отправьте её клиенту:' }));
      box.appendChild(input);
      box.appendChild(copy);
      box.hidden = false;
      fit();
    });
  }

  // ---- builder -----------------------------------------------------------------------------
  function value(id) { return $(id).value.trim().replace(/\s/g, '').replace(',', '.'); }

  // The term in the manager's words — «12 мес.», «2 года», «90 дн.», or a bare number of the
  // chosen periods — as the API's "12m".
  var termUnits = [[/^(д|d)/, 'd'], [/^(н|w)/, 'w'], [/^(м|m)/, 'm'], [/^(к|q)/, 'q'], [/^(п|h)/, 'h'], [/^(г|л|y)/, 'y']];
  var unitCodes = { day: 'd', week: 'w', month: 'm', quarter: 'q', halfyear: 'h', year: 'y' };
  function termValue() {
    var m = /^(\d+)\s*(.*)$/.exec($('f-term').value.trim().toLowerCase());
    if (!m) return $('f-term').value.trim();
    if (!m[2]) return m[1] + unitCodes[$('f-unit').value];
    for (var i = 0; i < termUnits.length; i++) if (termUnits[i][0].test(m[2])) return m[1] + termUnits[i][1];
    return m[0];
  }

  function collectPlan() {
    var scheme = $('f-scheme').value;
    var plan = { scheme: scheme, total: value('f-total'), currency: state.currency };
    if (scheme === 'custom') {
      plan.rows = [];
      Array.prototype.forEach.call($('custom-rows').rows, function (tr) {
        var due = tr.querySelector('[name=due]').value, v = tr.querySelector('[name=value]').value.trim().replace(/\s/g, '').replace(',', '.');
        var row = { due: due };
        if (/%$/.test(v)) row.percent = v.replace('%', ''); else row.amount = v;
        plan.rows.push(row);
      });
      return plan;
    }
    plan.first = $('f-first').value;
    plan.business_days = $('f-business').checked;
    if (scheme === 'full') return plan;
    var down = value('f-down');
    if (down && !/^0+([.,]0*)?$/.test(down)) plan.down = $('f-down-kind').value === 'percent' ? { percent: down } : { amount: down };
    if (plan.down && ownDownDate()) plan.down.due = $('f-down-due').value;
    if (value('f-term')) plan.term = termValue(); else plan.count = parseInt(value('f-count'), 10) || 0;
    plan.period = { unit: $('f-unit').value, every: parseInt(value('f-every'), 10) || 0 };
    if (scheme === 'annuity') plan.annual_rate = value('f-rate') || '0';
    return plan;
  }

  // errorSlot finds where a field's message goes: the custom row's own slot for a row error, the
  // field's slot otherwise; null when that field is not on screen.
  function errorSlot(f) {
    var key = f.field === 'down.due' ? 'down_due' : f.field.split('.')[0];
    if (key === 'annual_rate') key = 'rate';
    if (key === 'rows' && f.row) {
      var tr = $('custom-rows').rows[f.row - 1];
      if (tr) return tr.querySelector('[data-error="row"]');
    }
    var slot = document.querySelector('#plan [data-error="' + key + '"]');
    return slot && !slot.closest('[hidden]') ? slot : null;
  }

  // markInvalid flags the inputs a message belongs to, for the eye and for screen readers.
  function markInvalid(slot) {
    var scope = slot.closest('tr') || slot.closest('label');
    if (!scope) return;
    scope.querySelectorAll('input, select').forEach(function (i) {
      i.classList.add('invalid');
      i.setAttribute('aria-invalid', 'true');
      if (slot.id) i.setAttribute('aria-describedby', slot.id);
    });
  }

  // showErrors puts each message (Russian, numbers formatted by the server) next to its field and
  // clears the ones that no longer apply; what the manager typed is never touched.
  function showErrors(fields, message) {
    document.querySelectorAll('#plan .field-error').forEach(function (n) { n.textContent = ''; });
    document.querySelectorAll('#plan .invalid').forEach(function (n) {
      n.classList.remove('invalid');
      n.removeAttribute('aria-invalid');
    });
    var general = [];
    (fields || []).forEach(function (f) {
      var slot = errorSlot(f), text = f.reason || f.message;
      if (!slot) { general.push(f.message); return; }
      slot.textContent += (slot.textContent ? ' ' : '') + text;
      markInvalid(slot);
    });
    var box = $('plan-error');
    box.textContent = general.concat(message && !(fields && fields.length) ? [message] : []).join('; ');
    box.hidden = !box.textContent;
  }

  function renderPreview(result) {
    var body = $('preview').tBodies[0], foot = $('preview').tFoot;
    body.textContent = '';
    foot.textContent = '';
    var interest = !!result.interest;
    $('preview').classList.toggle('with-interest', interest);
    (result.payments || []).forEach(function (p) {
      body.appendChild(el('tr', { 'data-test': 'preview-row' }, [
        el('td', { text: String(p.n) }),
        dueCell(p.due, p.kind === 'down_payment' ? ' · первый взнос' : '', p.shift_note),
        el('td', { class: 'num', text: money(p.amount, result.currency) }),
        el('td', { class: 'num extra', text: money(p.principal, result.currency) }),
        el('td', { class: 'num extra', text: money(p.interest, result.currency) })
      ]));
    });
    if (result.payments && result.payments.length) foot.appendChild(totalRow(result));
    fit();
  }

  // totalRow sums the preview: what the client pays in all, and of it principal and interest.
  function totalRow(result) {
    var sum = result.payments.reduce(function (a, p) { return a + (toMinor(p.amount) || 0n); }, 0n);
    return el('tr', { 'data-test': 'preview-total' }, [
      el('th', { scope: 'row', colspan: '2', text: 'Итого · ' + result.payments.length + ' ' + plural(result.payments.length, 'платёж', 'платежа', 'платежей') }),
      el('td', { class: 'num', text: money(fromMinor(sum), result.currency) }),
      el('td', { class: 'num extra', text: money(result.total, result.currency) }),
      el('td', { class: 'num extra', text: money(result.interest || '0.00', result.currency) })
    ]);
  }

  function plural(n, one, few, many) {
    var d = n % 10, h = n % 100;
    if (d === 1 && h !== 11) return one;
    return d >= 2 && d <= 4 && (h < 12 || h > 14) ? few : many;
  }

  // customTally shows how much of the total the custom rows place and what is still to place.
  function customTally() {
    var out = $('custom-tally');
    if ($('f-scheme').value !== 'custom') { out.textContent = ''; return; }
    var total = toMinor($('f-total').value), placed = 0n, pct = 0n, usable = true;
    Array.prototype.forEach.call($('custom-rows').rows, function (tr) {
      var v = tr.querySelector('[name=value]').value.trim();
      if (!v) return;
      if (/%$/.test(v)) { var p = toMinor(v.replace('%', '')); if (p === null) usable = false; else pct += p; return; }
      var m = toMinor(v);
      if (m === null) usable = false; else placed += m;
    });
    if (total === null || !usable) { out.textContent = ''; return; }
    if (pct) placed += total * pct / 10000n;
    var left = total - placed;
    out.textContent = 'Распределено ' + money(fromMinor(placed)) + ' из ' + money(fromMinor(total)) + ' · ' +
      (left >= 0n ? 'осталось ' + money(fromMinor(left)) : 'лишние ' + money(fromMinor(-left)));
    out.classList.toggle('over', left < 0n);
    out.classList.toggle('done', left === 0n);
  }

  function preview() {
    var seq = ++state.previewSeq;
    customTally();
    api('POST', '/preview', collectPlan()).then(function (r) {
      if (seq !== state.previewSeq) return; // a newer edit (or Save) is on its way
      if (r.status === 200) {
        showErrors([]);
        renderPreview(r.data);
      } else {
        showErrors(r.data.fields, r.data.message);
        renderPreview({});
      }
    });
  }

  // schedulePreview refreshes the preview after typing settles. It never disables Save: a click on
  // Save right after typing must save what is typed (see save).
  function schedulePreview() {
    clearTimeout(state.previewTimer);
    customTally();
    // With a down payment and no date of its own, the first date is the down payment's and the
    // instalments follow a period later; with its own date, the first date is the first instalment's.
    var hasDown = /^(equal|annuity)$/.test($('f-scheme').value) && !!parseNumber($('f-down').value) && toMinor($('f-down').value) !== 0n;
    $('down-due-toggle').hidden = !hasDown || state.ownDownDate;
    $('down-due-wrap').hidden = !hasDown || !state.ownDownDate;
    $('first-label').textContent = hasDown && !ownDownDate() ? 'Дата первого взноса' : 'Дата первого платежа';
    state.previewTimer = setTimeout(preview, 300);
  }

  // ownDownDate tells whether the down payment has a date of its own on the form.
  function ownDownDate() { return !$('down-due-wrap').hidden && !!$('f-down-due').value; }

  // formatMoneyInput shows a typed sum grouped, «120 000,00», once the manager leaves the field.
  function formatMoneyInput(e) {
    var t = e.target;
    var isMoney = t.matches('#f-total, [name=value]') || (t.id === 'f-down' && $('f-down-kind').value === 'amount');
    if (isMoney && !/%$/.test(t.value.trim())) t.value = groupInput(t.value.trim());
  }

  function addCustomRow(due, v) {
    var n = ++state.customRows, errId = 'row-error-' + n;
    var tr = el('tr', { 'data-test': 'custom-row' }, [
      el('td', {}, [el('input', { type: 'date', name: 'due', value: due || '', 'aria-label': 'Дата платежа' })]),
      el('td', {}, [el('input', { name: 'value', value: v || '', placeholder: '30 000,00 или 30%', inputmode: 'decimal', 'aria-label': 'Сумма или процент платежа' }),
        el('span', { class: 'field-error', 'data-error': 'row', id: errId, role: 'alert' })]),
      el('td', {}, [el('button', { type: 'button', class: 'ui-btn ui-btn-light-border ui-btn-xs', text: '✕', title: 'Удалить строку', 'aria-label': 'Удалить строку' })])
    ]);
    tr.querySelector('button').onclick = function () { tr.remove(); schedulePreview(); };
    $('custom-rows').appendChild(tr);
  }

  function applyScheme() {
    var scheme = $('f-scheme').value;
    var visible = {
      periodic: scheme === 'equal' || scheme === 'annuity', dated: scheme !== 'custom',
      annuity: scheme === 'annuity', custom: scheme === 'custom'
    };
    document.querySelectorAll('[data-for]').forEach(function (n) { n.hidden = !visible[n.getAttribute('data-for')]; });
    if (scheme === 'custom' && !$('custom-rows').rows.length) { addCustomRow(); addCustomRow(); }
  }

  // renderEmpty says in one sentence that there is no schedule yet, with one action to make one.
  function renderEmpty(owner, defaults) {
    state.defaults = defaults;
    $('empty-text').textContent = 'У ' + (owner.type === 'lead' ? 'лида' : 'сделки') + ' ещё нет графика платежей.';
    $('empty').hidden = false;
    $('builder').hidden = true;
    $('current').hidden = true;
    fit();
  }

  function renderBuilder(defaults) {
    $('empty').hidden = true;
    $('f-total').value = defaults.total && defaults.total !== '0.00' ? groupInput(defaults.total) : '';
    $('f-count').value = defaults.count || 12;
    $('f-first').value = defaults.first || '';
    $('f-unit').value = defaults.period || 'month';
    applyScheme();
    $('builder').hidden = false;
    $('current').hidden = true;
    preview();
  }

  // save posts exactly what is in the form now: a preview still waiting for typing to settle is
  // dropped (the server validates and builds the same plan), so the first click always saves.
  function save() {
    if (state.saving) return;
    clearTimeout(state.previewTimer);
    state.previewSeq++;
    state.saving = true;
    $('save').setAttribute('aria-busy', 'true');
    api('POST', '/schedule', collectPlan()).then(function (r) {
      state.saving = false;
      $('save').removeAttribute('aria-busy');
      if (r.status === 201) { renderCurrent(r.data.schedule); return; }
      if (r.status === 409) { notice(r.data.message); load(); return; }
      showErrors(r.data.fields, r.data.message);
    });
  }

  // ---- Bitrix24 cards, menus, dialogs -----------------------------------------------------
  function inBitrix() { return !!(window.BX24 && BX24.openPath) && !window.b24NoSDK; }

  // cardLink links a record id to its Bitrix24 card: BX24.openPath opens the card in Bitrix24's
  // slider when the tab is in its frame, a plain link opens it otherwise.
  function cardLink(type, id, text) {
    var path = '/crm/type/' + type + '/details/' + id + '/';
    var a = el('a', { href: (state.b24.origin || '') + path, target: '_blank', rel: 'noopener', text: text, 'data-test': 'card-link' });
    a.onclick = function (ev) {
      if (!inBitrix()) return;
      ev.preventDefault();
      BX24.openPath(path);
    };
    return a;
  }

  function closeMenus() {
    document.querySelectorAll('.menu:not([hidden])').forEach(function (m) {
      m.hidden = true;
      m.previousSibling.setAttribute('aria-expanded', 'false');
    });
  }

  // actionMenu is the «…» button of a grid row: a menu of the row's other actions, opened by click
  // or keyboard, closed by Escape, a pick or a click elsewhere.
  function actionMenu(items) {
    var wrap = el('span', { class: 'menu-wrap' });
    var btn = el('button', { type: 'button', class: 'ui-btn ui-btn-light-border ui-btn-xs menu-button', text: '…', 'aria-haspopup': 'menu', 'aria-expanded': 'false',
      'aria-label': 'Другие действия', title: 'Другие действия', 'data-action': 'menu' });
    var list = el('div', { class: 'menu', role: 'menu', hidden: '' });
    items.forEach(function (it) {
      var b = el('button', { type: 'button', role: 'menuitem', text: it.text, 'data-action': it.action });
      b.onclick = function () { closeMenus(); btn.focus(); it.run(b); };
      list.appendChild(b);
    });
    btn.onclick = function () {
      var open = list.hidden;
      closeMenus();
      list.hidden = !open;
      btn.setAttribute('aria-expanded', String(open));
      if (open) list.firstChild.focus();
    };
    list.onkeydown = function (e) {
      var all = Array.prototype.slice.call(list.children), at = all.indexOf(document.activeElement);
      if (e.key === 'Escape') { closeMenus(); btn.focus(); }
      if (e.key === 'ArrowDown') { e.preventDefault(); all[(at + 1) % all.length].focus(); }
      if (e.key === 'ArrowUp') { e.preventDefault(); all[(at - 1 + all.length) % all.length].focus(); }
    };
    wrap.appendChild(btn);
    wrap.appendChild(list);
    return wrap;
  }

  // ask shows our own confirmation dialog (not the browser's confirm) and resolves to the choice.
  function ask(text, okText) {
    var d = $('dialog');
    $('dialog-text').textContent = text;
    $('dialog-ok').textContent = okText;
    return new Promise(function (resolve) {
      function done(v) { d.close(); $('dialog-ok').onclick = $('dialog-cancel').onclick = d.oncancel = null; resolve(v); }
      $('dialog-ok').onclick = function () { done(true); };
      $('dialog-cancel').onclick = function () { done(false); };
      d.oncancel = function (e) { e.preventDefault(); done(false); };
      d.showModal();
      $('dialog-cancel').focus();
    });
  }

  // ---- current schedule --------------------------------------------------------------------
  function syncLabel(i) {
    if (i.sync === 'synced') {
      var span = el('span', { class: 'sync', text: 'передан' });
      if (i.item_id) { span.appendChild(document.createTextNode(' · ')); span.appendChild(cardLink(state.b24.item_type, i.item_id, '№' + i.item_id)); }
      return span;
    }
    if (i.sync === 'failed') return el('span', { class: 'sync failed', text: 'ошибка: ' + (i.sync_error || 'повторим'), title: i.sync_error });
    return el('span', { class: 'sync', text: 'передаётся…' });
  }

  // rowActions is a grid row's primary action plus a «…» menu with the rest, the way Bitrix24
  // grid rows work. «Выставить счёт в Битрикс24» makes a Bitrix24 smart invoice; «Счёт Invoicebox»
  // and «QR СБП» make a pay link.
  function rowActions(i) {
    var cell = el('td', { class: 'row-actions' }), items = [];
    if (unpaid[i.status] && !i.invoice_id) {
      items.push({ text: 'Выставить счёт в Битрикс24', action: 'invoice', run: function (b) { invoice(i, b); } });
    }
    if (unpaid[i.status]) {
      state.providers.forEach(function (code) {
        items.push({ text: payLabels[code] || code, action: 'pay-' + code, run: function (b) { pay(i, code, b); } });
      });
    }
    if (i.editable) items.push({ text: 'Изменить', action: 'edit', run: function () { startEdit(i); } });
    if (i.invoice_id) cell.appendChild(cardLink(state.b24.invoice_type, i.invoice_id, 'Счёт №' + i.invoice_id));
    if (items.length) {
      var first = items.shift();
      var primary = el('button', { type: 'button', class: 'ui-btn ui-btn-light-border ui-btn-xs primary-action', text: first.text, 'data-action': first.action });
      primary.onclick = function () { first.run(primary); };
      cell.appendChild(primary);
    }
    if (items.length) cell.appendChild(actionMenu(items));
    if (unpaid[i.status]) {
      Object.keys(state.withheld).forEach(function (code) {
        cell.appendChild(el('span', { class: 'sync', text: state.withheld[code], 'data-withheld': code }));
      });
    }
    return cell;
  }

  // invoicePending tells whether an invoice asked for from this tab has not reached the row yet.
  function invoicePending(s) {
    var f = state.feedback;
    return !!f && f.kind === 'invoice' && s.instalments.some(function (i) { return i.seq === f.seq && !i.invoice_id; });
  }

  function invoice(i, button) {
    button.disabled = true;
    state.feedback = { seq: i.seq, kind: 'invoice' };
    change(api('POST', '/instalments/' + i.id + '/invoice'));
  }

  // pay makes the instalment's pay link and shows it in place, under the row, to copy or open.
  function pay(i, provider, button) {
    button.disabled = true;
    var body = { provider: provider };
    if (window.b24pay.timeLimit) body.time_limit = window.b24pay.timeLimit(); // timelimit.js
    api('POST', '/instalments/' + i.id + '/pay', body).then(function (r) {
      button.disabled = false;
      if (r.status !== 200) {
        if (window.b24pay.timeLimitError) window.b24pay.timeLimitError(r.data.fields);
        notice(r.data.message || 'Не удалось создать платёж');
        return;
      }
      state.feedback = { seq: i.seq, kind: 'link', url: location.origin + r.data.payment.pay_url, label: payLabels[provider] || provider,
        payment: r.data.payment.id, sent: {} };
      renderCurrent(state.schedule);
    });
  }

  // feedbackRow is the note under a row after an action on it: the pay link to copy or open, or
  // the Bitrix24 invoice to open. It stays until closed.
  function feedbackRow(i, f) {
    var box = el('div', { class: 'ui-alert ui-alert-success', role: 'status', 'data-test': 'feedback' });
    if (f.kind === 'link') {
      box.appendChild(el('span', { text: f.label + ': ссылка на оплату платежа №' + i.seq + ' готова' }));
      var input = el('input', { readonly: '', value: f.url, 'aria-label': 'Ссылка на оплату', class: 'link-field', 'data-test': 'pay-link' });
      var copy = el('button', { type: 'button', class: 'ui-btn ui-btn-light-border ui-btn-xs', text: 'Копировать', 'data-action': 'copy' });
      copy.onclick = function () { copyText(input, copy); };
      box.appendChild(input);
      box.appendChild(copy);
      box.appendChild(el('a', { href: f.url, target: '_blank', rel: 'noopener', text: 'Открыть' }));
      box.appendChild(sendLinks(f));
    } else if (i.invoice_id) {
      box.appendChild(el('span', { text: 'Счёт №' + i.invoice_id + ' выставлен в Битрикс24' }));
      box.appendChild(cardLink(state.b24.invoice_type, i.invoice_id, 'Открыть счёт'));
    } else {
      box.className = 'ui-alert ui-alert-primary';
      box.appendChild(el('span', { text: 'Счёт выставляется в Битрикс24…' }));
    }
    var close = el('button', { type: 'button', class: 'ui-btn ui-btn-light-border ui-btn-xs', text: 'Закрыть', 'aria-label': 'Закрыть сообщение' });
    close.onclick = function () { state.feedback = null; renderCurrent(state.schedule); };
    box.appendChild(close);
    return el('tr', { class: 'feedback' }, [el('td', { colspan: '9' }, [box])]);
  }

  // sendLinks offers to send the pay link to the client: by e-mail when the card has one, into the
  // client's Bitrix24 chat, and to the card's timeline. A sent link says «Отправляется…» until the
  // service has really delivered it (watchDelivery), then what was done or why it failed; that stays
  // said until the note is closed.
  var sentText = { email: 'Отправлено на ', chat: 'Отправлено в чат с клиентом', timeline: 'Добавлено в ленту карточки' };
  var failedText = { email: 'Письмо не отправлено на ', chat: 'Не доставлено в чат с клиентом — отправьте ссылку на e-mail или в ленту',
    timeline: 'Не удалось добавить в ленту карточки' };
  function sendLinks(f) {
    var wrap = el('span', { class: 'send-links' });
    var label = { email: 'Отправить на ' + state.clientEmail, chat: 'В чат с клиентом', timeline: 'В ленту карточки' };
    var channels = (state.clientEmail ? ['email'] : []).concat(['chat', 'timeline']);
    channels.forEach(function (ch) {
      var done = f.sent[ch];
      if (done) {
        var failed = done.state === 'failed';
        wrap.appendChild(el('span', { class: failed ? 'field-error' : 'sent', role: failed ? 'alert' : 'status', 'data-test': 'sent-' + ch,
          'data-state': done.state, text: done.text }));
        return;
      }
      var b = el('button', { type: 'button', class: 'ui-btn ui-btn-light-border ui-btn-xs', 'data-action': 'send-' + ch, text: label[ch] });
      b.onclick = function () {
        b.disabled = true;
        api('POST', '/payments/' + f.payment + '/send', { channel: ch }).then(function (r) {
          if (r.status !== 200) {
            f.sent[ch] = { state: 'failed', text: r.data.message || 'Не удалось отправить' };
            renderCurrent(state.schedule);
            return;
          }
          f.sent[ch] = { state: 'sending', text: 'Отправляется…', to: r.data.to };
          poll(); // the history says it was sent
          watchDelivery(f);
        });
      };
      wrap.appendChild(b);
    });
    return wrap;
  }

  // watchDelivery asks how far the payment's sent links got until none is still being sent.
  function watchDelivery(f) {
    clearTimeout(f.deliveryTimer);
    f.deliveryTimer = setTimeout(function () {
      api('GET', '/payments/' + f.payment + '/send').then(function (r) {
        var channels = (r.status === 200 && r.data.channels) || {}, waiting = false, changed = false;
        Object.keys(f.sent).forEach(function (ch) {
          var s = f.sent[ch];
          if (s.state !== 'sending') return;
          var now = channels[ch] || 'sending', to = ch === 'email' ? (s.to || '') : '';
          if (now === 'sent') { f.sent[ch] = { state: 'sent', text: sentText[ch] + to }; changed = true; }
          else if (now === 'failed') { f.sent[ch] = { state: 'failed', text: failedText[ch] + to }; changed = true; }
          else waiting = true;
        });
        if (changed) renderCurrent(state.schedule);
        if (waiting && state.feedback === f) watchDelivery(f);
      });
    }, 700);
  }

  function copyText(input, button) {
    var done = function () { button.textContent = 'Скопировано'; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(done, function () { input.select(); if (document.execCommand('copy')) done(); });
    } else {
      input.select();
      if (document.execCommand('copy')) done();
    }
  }

  // startEdit turns a row into a small form. «Сохранить» first asks the server how the other free
  // instalments would change and shows that for confirmation; only «Подтвердить» saves.
  function startEdit(i) {
    var tr = document.querySelector('tr[data-seq="' + i.seq + '"]');
    var due = el('input', { type: 'date', value: i.due, 'aria-label': 'Новая дата платежа №' + i.seq, class: 'inline-input' });
    var amount = el('input', { value: groupInput(i.amount), inputmode: 'decimal', 'aria-label': 'Новая сумма платежа №' + i.seq, class: 'inline-input' });
    var ok = el('button', { type: 'button', class: 'ui-btn ui-btn-light-border ui-btn-xs primary-action', text: 'Сохранить', 'data-action': 'edit-save' });
    var cancel = el('button', { type: 'button', class: 'ui-btn ui-btn-light-border ui-btn-xs', text: 'Отмена' });
    tr.cells[1].textContent = ''; tr.cells[1].appendChild(due);
    tr.cells[2].textContent = ''; tr.cells[2].appendChild(amount);
    var actions = tr.cells[tr.cells.length - 1];
    actions.textContent = ''; actions.appendChild(ok); actions.appendChild(cancel);
    cancel.onclick = function () { renderCurrent(state.schedule); };
    amount.focus();
    ok.onclick = function () {
      var body = {};
      if (due.value !== i.due) body.due = due.value;
      var a = parseNumber(amount.value);
      if (a !== null && toMinor(a) !== toMinor(i.amount)) body.amount = a; else if (a === null) body.amount = amount.value;
      ok.disabled = true;
      api('POST', '/instalments/' + i.id + '/preview', body).then(function (r) {
        ok.disabled = false;
        if (r.status !== 200) { editError(tr, r.data); return; }
        confirmEdit(tr, i, body, r.data.changes || []);
      });
    };
  }

  // editError shows an edit's problem under the edited row, keeping what was typed.
  function editError(tr, data) {
    var msgs = (data.fields || []).map(function (f) { return f.reason || f.message; });
    var box = el('div', { class: 'ui-alert ui-alert-danger', role: 'alert', 'data-test': 'edit-error',
      text: msgs.length ? msgs.join('; ') : (data.message || 'Не удалось проверить изменение') });
    editNote(tr, box);
  }

  // editNote replaces the note under an edited row (none when box is null).
  function editNote(tr, box) {
    var old = tr.nextSibling;
    if (old && old.classList && old.classList.contains('edit-note')) old.remove();
    if (box) tr.parentNode.insertBefore(el('tr', { class: 'feedback edit-note' }, [el('td', { colspan: '9' }, [box])]), tr.nextSibling);
    fit();
  }

  // confirmEdit lists every instalment the edit changes (old → new) and saves on confirmation.
  function confirmEdit(tr, i, body, changes) {
    var box = el('div', { class: 'ui-alert ui-alert-warning', role: 'status', 'data-test': 'edit-preview' });
    var list = el('ul', { class: 'changes' });
    changes.forEach(function (c) {
      var parts = [];
      if (c.due !== c.old_due) parts.push(date(c.old_due) + ' → ' + date(c.due));
      if (c.amount !== c.old_amount) parts.push(money(c.old_amount) + ' → ' + money(c.amount));
      list.appendChild(el('li', { 'data-test': 'edit-change', text: '№' + c.seq + ': ' + parts.join(', ') }));
    });
    box.appendChild(el('span', { text: changes.length ? 'После сохранения изменятся платежи:' : 'Ничего не изменится.' }));
    box.appendChild(list);
    var yes = el('button', { type: 'button', class: 'ui-btn ui-btn-light-border ui-btn-xs primary-action', text: 'Подтвердить', 'data-action': 'edit-confirm' });
    yes.disabled = !changes.length;
    yes.onclick = function () { yes.disabled = true; change(api('PATCH', '/instalments/' + i.id, body)); };
    box.appendChild(yes);
    editNote(tr, box);
    yes.focus();
  }

  function change(request) {
    request.then(function (r) {
      if (r.status >= 200 && r.status < 300) { notice(''); renderCurrent(r.data.schedule); return; }
      var msgs = (r.data.fields || []).map(function (f) { return f.message; });
      notice(msgs.length ? msgs.join('; ') : (r.data.message || 'Не удалось сохранить изменение'));
      if (state.schedule) renderCurrent(state.schedule);
    });
  }

  function renderCurrent(s) {
    state.schedule = s;
    state.currency = s.currency;
    $('empty').hidden = true;
    $('builder').hidden = true;
    $('current').hidden = false;
    $('sum-total').textContent = money(s.total);
    $('sum-paid').textContent = money(s.paid);
    $('sum-remaining').textContent = money(s.remaining);
    $('sum-over-wrap').hidden = !(parseFloat(s.overpayment) > 0);
    $('sum-over').textContent = money(s.overpayment);
    var body = $('instalments').tBodies[0];
    body.textContent = '';
    // An annuity keeps its principal and interest columns after saving, as in the preview.
    $('instalments').classList.toggle('with-interest', s.instalments.some(function (i) { return i.interest && i.interest !== '0.00'; }));
    var synced = 0;
    s.instalments.forEach(function (i) {
      if (i.sync === 'synced') synced++;
      body.appendChild(el('tr', { 'data-seq': String(i.seq), 'data-test': 'instalment-row', 'data-status': i.status }, [
        el('td', { text: String(i.seq) }),
        dueCell(i.due, i.kind === 'down_payment' ? ' · взнос' : '', i.shift_note),
        el('td', { class: 'num', text: money(i.amount) }),
        el('td', { class: 'num extra', text: money(i.principal) }),
        el('td', { class: 'num extra', text: money(i.interest) }),
        el('td', { class: 'num', text: money(i.paid) }),
        el('td', {}, [el('span', { class: 'badge ' + i.status, text: i.status_label })]),
        el('td', { class: 'sync-cell' }, [syncLabel(i)]),
        rowActions(i)
      ]));
      if (state.feedback && state.feedback.seq === i.seq) body.appendChild(feedbackRow(i, state.feedback));
    });
    renderSync(s, synced);
    var history = $('history');
    history.textContent = '';
    (s.history || []).forEach(function (h) {
      history.appendChild(el('li', {}, [
        el('time', { datetime: h.at, text: dateTime(h.at) }),
        el('b', { text: h.actor + ': ' }), document.createTextNode(h.text)
      ]));
    });
    clearTimeout(state.pollTimer);
    if (s.syncing || invoicePending(s)) state.pollTimer = setTimeout(poll, 1500);
    fit();
  }

  // renderSync shows the push to Bitrix24 as a progress bar with count and percent; once it ends
  // it leaves a success note (until dismissed) or the failures with a retry.
  function renderSync(s, synced) {
    var total = s.instalments.length, failed = s.instalments.filter(function (i) { return i.sync === 'failed'; });
    var pct = total ? Math.floor(synced * 100 / total) : 100;
    $('sync-progress').hidden = !s.syncing;
    if (s.syncing) {
      state.syncWatched = true;
      $('sync-result').hidden = true;
      $('sync-progress-text').textContent = 'Передано в Битрикс24: ' + synced + ' из ' + total + ' · ' + pct + '\u00a0%';
      $('sync-bar').setAttribute('aria-valuemax', String(total));
      $('sync-bar').setAttribute('aria-valuenow', String(synced));
      $('sync-bar').setAttribute('aria-valuetext', synced + ' из ' + total);
      $('sync-bar-fill').style.width = pct + '%';
      return;
    }
    if (!state.syncWatched) return; // nothing was pushed while the tab was open
    state.syncWatched = false;
    var box = $('sync-result');
    box.hidden = false;
    box.className = 'ui-alert ' + (failed.length ? 'ui-alert-danger' : 'ui-alert-success');
    $('sync-retry').hidden = !failed.length;
    $('sync-result-text').textContent = failed.length ?
      'Не удалось передать в Битрикс24 ' + failed.length + ' из ' + total + ': ' + (failed[0].sync_error || 'нет ответа') + '.' :
      'Готово: ' + synced + ' из ' + total + ' · 100\u00a0% — все платежи переданы в Битрикс24.';
  }

  function renderPayments(list) {
    var body = $('payments').tBodies[0];
    body.textContent = '';
    (list || []).forEach(function (p) {
      var actions = el('td', {});
      if (p.status === 'succeeded' || p.status === 'partially_refunded') {
        var b = el('button', { type: 'button', class: 'ui-btn ui-btn-light-border ui-btn-xs', text: 'Вернуть', 'data-action': 'refund' });
        b.onclick = function () { refund(p, b.closest('tr')); };
        actions.appendChild(b);
      } else if (p.status === 'pending') {
        actions.appendChild(el('a', { href: p.pay_url, target: '_blank', text: 'Ссылка на оплату' }));
      }
      body.appendChild(el('tr', { 'data-test': 'payment-row', 'data-payment': p.id }, [
        el('td', { text: dateTime(p.created_at).slice(0, 10) }),
        el('td', { text: '№' + p.seq }),
        el('td', { text: routeNames[p.provider] || p.provider }),
        el('td', { class: 'num', text: money(p.amount, p.currency) }),
        el('td', { class: 'num', text: money(p.refunded, p.currency) }),
        el('td', {}, [el('span', { class: 'badge', text: paymentStatus[p.status] || p.status })]),
        actions
      ]));
    });
    $('payments-wrap').hidden = !(list && list.length);
  }

  // refund opens a small form under the payment's row: the amount (at most what is left to return,
  // checked here and by the server), an optional reason, and errors next to the field.
  function refund(p, tr) {
    var old = tr.nextSibling;
    if (old && old.classList && old.classList.contains('refund-row')) { old.querySelector('input').focus(); return; }
    var left = fromMinor((toMinor(p.paid) || 0n) - (toMinor(p.refunded) || 0n)), n = p.id;
    var amount = el('input', { id: 'refund-amount-' + n, name: 'amount', inputmode: 'decimal', value: groupInput(left), 'aria-describedby': 'refund-error-' + n });
    var reason = el('input', { id: 'refund-reason-' + n, name: 'reason', maxlength: '200', placeholder: 'необязательно' });
    var error = el('span', { class: 'field-error', id: 'refund-error-' + n, role: 'alert', 'data-test': 'refund-error' });
    var go = el('button', { type: 'submit', class: 'ui-btn ui-btn-light-border ui-btn-xs primary-action', text: 'Оформить возврат', 'data-action': 'refund-submit' });
    var cancel = el('button', { type: 'button', class: 'ui-btn ui-btn-light-border ui-btn-xs', text: 'Отмена' });
    var form = el('form', { class: 'refund-form', novalidate: '', 'data-test': 'refund-form' }, [
      el('label', { for: amount.id, text: 'Сумма возврата, не больше ' + money(left, p.currency) }), amount, error,
      el('label', { for: reason.id, text: 'Причина' }), reason,
      el('span', { class: 'actions' }, [go, cancel])]);
    var row = el('tr', { class: 'feedback refund-row' }, [el('td', { colspan: '7' }, [form])]);
    tr.parentNode.insertBefore(row, tr.nextSibling);
    cancel.onclick = function () { row.remove(); fit(); };
    amount.oninput = function () { setFieldError(amount, error, ''); };
    form.onsubmit = function (e) {
      e.preventDefault();
      var m = toMinor(amount.value), problem = refundProblem(m, amount.value, toMinor(left), p.currency);
      if (problem) { setFieldError(amount, error, problem); amount.focus(); return; }
      go.disabled = true;
      api('POST', '/payments/' + p.id + '/refund', { amount: fromMinor(m), reason: reason.value.trim() }).then(function (r) {
        go.disabled = false;
        if (r.status === 200 || r.status === 202) { notice(r.status === 200 ? 'Возврат оформлен.' : r.data.message); load(); return; }
        var f = (r.data.fields || [])[0];
        setFieldError(amount, error, f ? (f.reason || f.message) : (r.data.message || 'Не удалось оформить возврат'));
      });
    };
    amount.focus();
    amount.select();
    fit();
  }

  // refundProblem says in Russian what is wrong with a refund amount, or '' when it may be sent.
  function refundProblem(m, typed, left, currency) {
    if (!String(typed).trim()) return 'Укажите сумму возврата';
    if (m === null) return parseNumber(typed) === null ? 'Введите сумму числом, например 1 500,00' : 'Не дробнее копейки';
    if (m <= 0n) return 'Сумма возврата должна быть больше нуля';
    if (m > left) return 'Не больше ' + money(fromMinor(left), currency) + ' — столько оплачено и ещё не возвращено';
    return '';
  }

  function setFieldError(input, slot, text) {
    slot.textContent = text;
    input.classList.toggle('invalid', !!text);
    if (text) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    fit();
  }

  function remove() {
    ask('Удалить график? Неоплаченные платежи будут отменены в Битрикс24, оплаченные сохранятся.', 'Удалить график').then(function (yes) {
      if (!yes) return;
      api('DELETE', '/schedule').then(function (r) {
        if (r.status === 200) { notice('График удалён.'); state.feedback = null; load(); } else notice(r.data.message);
      });
    });
  }

  // poll refreshes the schedule alone (no Bitrix24 calls) while its items are being pushed.
  function poll() {
    api('GET', '/schedule').then(function (r) {
      if (r.status !== 200) return;
      renderPayments(r.data.payments);
      if (r.data.schedule) renderCurrent(r.data.schedule); else load();
    });
  }

  function load() {
    return api('GET', '/tab').then(function (r) {
      $('loading').hidden = true;
      if (r.status !== 200) { if (r.status !== 401) notice(r.data.message || 'Не удалось загрузить данные'); return; }
      renderOwner(r.data.owner);
      if (window.b24pay.onTab) window.b24pay.onTab(r.data); // timelimit.js
      state.providers = r.data.providers || [];
      state.withheld = r.data.providers_withheld || {};
      state.b24 = r.data.b24 || {};
      renderPayments(r.data.payments);
      if (r.data.schedule) renderCurrent(r.data.schedule);
      else if ($('builder').hidden) renderEmpty(r.data.owner, r.data.defaults);
    });
  }

  $('plan').addEventListener('input', schedulePreview);
  $('plan').addEventListener('change', schedulePreview);
  $('plan').addEventListener('focusout', formatMoneyInput);
  $('f-scheme').addEventListener('change', applyScheme);
  $('add-row').onclick = function () { addCustomRow(); schedulePreview(); };
  $('down-due-toggle').onclick = function () {
    state.ownDownDate = true;
    if (!$('f-down-due').value) $('f-down-due').value = $('f-first').value;
    schedulePreview();
    $('f-down-due').focus();
  };
  $('save').onclick = save;
  $('start').onclick = function () { renderBuilder(state.defaults); $('f-total').focus(); };
  $('cancel-builder').onclick = function () { clearTimeout(state.previewTimer); state.previewSeq++; $('builder').hidden = true; $('empty').hidden = false; fit(); };
  // Outside Bitrix24 (no SDK) say so quietly instead of failing silently.
  window.addEventListener('load', function () { $('outside-note').hidden = !!window.BX24; });
  $('delete').onclick = remove;
  $('print').onclick = function () { window.print(); };
  $('invite-client').onclick = inviteClient;
  document.addEventListener('click', function (e) { if (!e.target.closest('.menu-wrap')) closeMenus(); });
  $('sync-dismiss').onclick = function () { $('sync-result').hidden = true; fit(); };
  $('sync-retry').onclick = function () { $('sync-result').hidden = true; state.syncWatched = true; poll(); };
  kit.money = money; // for split.js
  kit.date = date;
  load();
})();
