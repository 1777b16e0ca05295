/* Faibric's visitor beacon: first party, no cookies, nothing for Do Not Track or Global Privacy Control. */
(function (w, d, n) {
  var me = d.currentScript, site = me && me.getAttribute('data-site'), url = me && me.getAttribute('data-endpoint');
  if (!site || !url || n.doNotTrack == '1' || w.doNotTrack == '1' || n.globalPrivacyControl) return;
  var queue = [], seen = {}, started = {}, timer = 0, tries = 0;
  function send() {
    clearTimeout(timer);
    timer = 0;
    if (!queue.length) return;
    var body = JSON.stringify({ s: site, p: location.pathname, r: d.referrer, e: queue.splice(0, 50) });
    if (!(n.sendBeacon && n.sendBeacon(url, body))) fetch(url, { method: 'POST', body: body, keepalive: true, mode: 'no-cors' }).catch(function () {});
  }
  function add(type, detail) {
    queue.push([type, String(detail || '').replace(/\s+/g, ' ').trim().slice(0, 120)]);
    if (queue.length >= 40) send();
    else if (!timer) timer = setTimeout(send, 3000);
  }
  function formOf(el) {
    var f = el && el.closest && el.closest('form');
    return f && (f.getAttribute('data-form') || f.id || 'form');
  }
  function watch() {
    var parts = d.querySelectorAll('main > *');
    if (!parts.length && tries++ < 20) return setTimeout(watch, 250);
    if (!w.IntersectionObserver) return;
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        var el = e.target, id = el.id || (el.getAttribute('aria-labelledby') || '').replace(/-title$/, '') || el.tagName;
        if (e.isIntersecting && !seen[id]) { seen[id] = 1; add('sv', id); }
      });
    }, { rootMargin: '0px 0px -40% 0px' });
    parts.forEach(function (el) { io.observe(el); });
  }
  add('pv');
  d.addEventListener('click', function (e) {
    var el = e.target.closest && e.target.closest('a,button');
    if (el && !formOf(el)) add('cc', el.textContent || el.getAttribute('aria-label'));
  }, true);
  d.addEventListener('focusin', function (e) {
    var k = formOf(e.target);
    if (k && !started[k]) { started[k] = 1; add('fs', k); }
  }, true);
  d.addEventListener('submit', function (e) { add('fx', formOf(e.target)); send(); }, true);
  d.addEventListener('visibilitychange', function () { if (d.visibilityState == 'hidden') send(); });
  w.addEventListener('pagehide', send);
  if (d.readyState == 'complete') watch(); else w.addEventListener('load', watch);
})(window, document, navigator);
