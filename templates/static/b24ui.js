// Inside Bitrix24 the tab and the app page take the portal's own `ui` stylesheets (buttons, forms,
// alerts), listed by the server for the verified portal (templates/portal_ui.go); b24pay.css is the
// local copy of the same class names underneath, so the page also looks right outside Bitrix24.
// Only when the SDK is there (the page runs in the portal's frame) and, when the SDK can tell, the
// portal is the one the server verified. The CSP's style-src allows exactly that origin.
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="b24pay-portal-ui"]');
  if (!meta) return;
  function apply() {
    var urls = meta.content.split(' ').filter(Boolean), host;
    try { host = new URL(urls[0]).host; } catch (e) { return; }
    var domain = window.BX24.getDomain && window.BX24.getDomain();
    if (domain && String(domain).toLowerCase() !== host) return;
    urls.forEach(function (href) {
      if (new URL(href).host !== host) return;
      var link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = href;
      link.setAttribute('data-portal-ui', '');
      document.head.appendChild(link);
    });
    document.documentElement.classList.add('portal-ui');
  }
  window.addEventListener('load', function () {
    if (!window.BX24 || window.b24NoSDK) return;
    if (window.BX24.init) window.BX24.init(apply); else apply();
  });
})();
