// The «Подписки» tab of a contact or company card (issue 13): the page has only the subscription
// form and list, so this gives them the helpers tab.js gives them in a deal's tab (api with the
// page's token, el, fit) and sizes the Bitrix24 frame.
(function () {
  'use strict';

  var token = document.querySelector('meta[name="b24pay-token"]').content;
  var apiBase = document.querySelector('meta[name="b24pay-api"]').content;
  var notice = document.getElementById('notice');
  var sdk = false;

  function say(text) { notice.textContent = text; notice.hidden = !text; }

  function api(method, path, body) {
    var opts = { method: method, headers: { 'Authorization': 'Bearer ' + token } };
    if (body !== undefined) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
    return fetch(apiBase + path, opts).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (resp.status === 401) say('Сессия вкладки истекла или нет доступа — обновите страницу.');
        return { status: resp.status, data: data };
      });
    }, function () { say('Сервис недоступен. Проверьте соединение и повторите.'); return { status: 0, data: {} }; });
  }

  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') n.textContent = attrs[k]; else if (k === 'class') n.className = attrs[k]; else n.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) n.appendChild(c); });
    return n;
  }

  // The frame gets the content's height (BX24.resizeWindow, sdk/bx24-js-sdk/additional-functions/bx24-resize-window.md).
  function fit() {
    if (!sdk) return;
    try { BX24.resizeWindow(window.innerWidth, Math.ceil(document.body.getBoundingClientRect().height)); } catch (e) { /* left as is */ }
  }

  window.addEventListener('load', function () {
    if (window.BX24 && BX24.init) BX24.init(function () { sdk = true; fit(); });
  });
  window.b24pay = { api: api, el: el, fit: fit };
})();
