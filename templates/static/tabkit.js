// What every b24pay tab in a Bitrix24 card needs, loaded before the tab's own scripts (the deal's
// tab.js, the contact's or company's «Подписки» tab): the JSON API with the page's token, el, the
// notice line, and the frame sized to the content once Bitrix24's SDK is there. Shared as
// window.b24pay, which the tab's scripts extend.
(function () {
  'use strict';

  var token = document.querySelector('meta[name="b24pay-token"]').content;
  var apiBase = document.querySelector('meta[name="b24pay-api"]').content;
  var frame = { sdk: false, request: 0, height: 0 };

  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') n.textContent = attrs[k];
      else if (k === 'class') n.className = attrs[k];
      else n.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) n.appendChild(c); });
    return n;
  }

  // fit sizes the Bitrix24 frame to the content so the tab never scrolls inside the card: the frame
  // gets the content's height, smaller as well as larger (BX24.fitWindow only grows a frame, so
  // resizeWindow it is — sdk/bx24-js-sdk/additional-functions/bx24-fit-window.md and
  // bx24-resize-window.md). One call per animation frame, and only when the height changed.
  function fit() {
    if (!frame.sdk) return;
    cancelAnimationFrame(frame.request);
    frame.request = requestAnimationFrame(function () {
      var h = Math.ceil(document.body.getBoundingClientRect().height);
      if (h === frame.height || h <= 0) return;
      frame.height = h;
      try { BX24.resizeWindow(window.innerWidth, h); } catch (e) { /* the portal refused: leave the frame as it is */ }
    });
  }

  function notice(text) {
    var n = document.getElementById('notice');
    n.textContent = text || '';
    n.hidden = !text;
    fit();
  }

  function api(method, path, body) {
    var opts = { method: method, headers: { 'Authorization': 'Bearer ' + token } };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    return fetch(apiBase + path, opts).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (resp.status === 401) {
          notice(data.error === 'token_expired' ? 'Сессия вкладки истекла — обновите страницу.' :
            'Нет доступа — откройте вкладку из карточки Битрикс24.');
        }
        return { status: resp.status, data: data };
      });
    }, function () {
      notice('Сервис недоступен. Проверьте соединение и повторите.');
      return { status: 0, data: {} };
    });
  }

  // Once Bitrix24's SDK (loaded async by the layout) has initialised, the frame follows the content.
  window.addEventListener('load', function () {
    if (!window.BX24 || !BX24.init) return;
    BX24.init(function () {
      frame.sdk = true;
      fit();
      if (window.ResizeObserver) new ResizeObserver(fit).observe(document.body);
    });
  });
  window.b24pay = { api: api, el: el, fit: fit, notice: notice };
})();
