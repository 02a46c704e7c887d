// Starts the public page's API request while its scripts still load (a plain file: the CSP allows no inline script).
(function () {
  var m = location.pathname.match(/^\/(f|q)\/([^/]+)/);
  if (!m || !window.fetch) return;
  var lang = 'en';
  try { lang = localStorage.getItem('formloom.lang') || ''; } catch (e) { lang = ''; }
  if (lang !== 'zh-CN' && lang !== 'en') lang = /^zh/i.test(navigator.language || '') ? 'zh-CN' : 'en';
  var url = '/api/v1/public/' + (m[1] === 'q' ? 'query/' : '') + m[2];
  // A PUBLIC_LINK() address carries its signed prefill in ?p= (the page asks with the same URL).
  var prefill = m[1] === 'f' && window.URLSearchParams ? new URLSearchParams(location.search).get('p') : null;
  if (prefill) url += '?prefill=' + encodeURIComponent(prefill);
  window.__formloomPrefetch = { url: url, response: fetch(url, { headers: { Accept: 'application/json', 'Accept-Language': lang }, credentials: 'same-origin' }) };
})();
