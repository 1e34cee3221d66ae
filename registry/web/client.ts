/**
 * The marketplace's only script, served as a file (the pages' CSP allows no
 * inline script). Every page works without it; with it: results as you
 * type, filters that apply at once, simulations without a reload, copy
 * buttons, remote images on request, and the theme
 * toggle. (The version menu is a plain form with a button: moving through a
 * select by keyboard must not leave the page.) Plain ES2017 so no build step is
 * needed; kept free of backticks and dollar-brace so it can live in this template string.
 */
export const CLIENT_JS = `
(function () {
  'use strict';

  function announce(text) {
    var live = document.getElementById('live');
    if (!live) return;
    live.textContent = '';
    window.setTimeout(function () { live.textContent = text; }, 30);
  }

  function formQuery(form, extra) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      var field = form.elements.namedItem(key);
      // A field at its default stays out of the URL (the server assumes it).
      var fallback = field && field.getAttribute ? field.getAttribute('data-default') : null;
      if (typeof value !== 'string' || value.trim() === '' || value === fallback) return;
      params.append(key, value.trim());
    });
    if (extra) Object.keys(extra).forEach(function (k) { params.set(k, extra[k]); });
    return params;
  }

  // Fetches a server-rendered fragment (partial=NAME) of the form's target into an element.
  function partialForm(form, name, target, onDone) {
    var controller = null;
    return function () {
      if (controller) controller.abort();
      controller = new AbortController();
      var params = formQuery(form);
      var shown = params.toString();
      params.set('partial', name);
      var url = form.getAttribute('action').split('#')[0] + '?' + params.toString();
      target.setAttribute('aria-busy', 'true');
      return fetch(url, { signal: controller.signal, credentials: 'same-origin',
        headers: { 'Accept': 'text/html' } })
        .then(function (res) {
          if (!res.ok) throw new Error('HTTP ' + res.status);
          return res.text();
        })
        .then(function (markup) {
          // Server-rendered on this origin, every value escaped there.
          target.innerHTML = markup;
          target.removeAttribute('aria-busy');
          if (onDone) onDone(shown, target);
        })
        .catch(function (err) {
          if (err && err.name === 'AbortError') return;
          target.removeAttribute('aria-busy');
          announce('Could not load: ' + err.message);
        });
    };
  }

  function setupSearch() {
    var form = document.getElementById('search-form');
    var results = document.getElementById('results');
    if (!form || !results) return;
    var run = partialForm(form, 'results', results, function (shown) {
      var url = form.getAttribute('action') + (shown ? '?' + shown : '');
      window.history.replaceState(null, '', url);
      var summary = results.querySelector('[data-summary]');
      if (summary) announce(summary.getAttribute('data-summary'));
    });
    var timer = 0;
    form.addEventListener('input', function (event) {
      if (event.target && event.target.name === 'q') {
        window.clearTimeout(timer);
        timer = window.setTimeout(run, 200);
      }
    });
    form.addEventListener('change', function (event) {
      if (event.target && event.target.name !== 'q') run();
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      run();
    });
    var submit = form.querySelector('[data-js-hide]');
    if (submit) submit.classList.add('sr-only');
  }

  function setupSimulation() {
    var form = document.getElementById('simulate-form');
    var out = document.getElementById('simulation-result');
    if (!form || !out) return;
    var run = partialForm(form, 'simulation', out, function () {
      var verdict = out.querySelector('[data-summary]');
      if (verdict) announce(verdict.getAttribute('data-summary'));
      out.focus();
    });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      run();
    });
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    var area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'absolute';
    area.style.left = '-9999px';
    document.body.appendChild(area);
    area.select();
    var ok = document.execCommand('copy');
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error('copy refused'));
  }

  function setupCopy() {
    document.addEventListener('click', function (event) {
      var button = event.target && event.target.closest && event.target.closest('[data-copy]');
      if (!button) return;
      var source = document.getElementById(button.getAttribute('data-copy'));
      if (!source) return;
      var label = button.textContent;
      copyText(source.textContent).then(function () {
        button.textContent = 'Copied';
        announce('Copied to the clipboard');
        window.setTimeout(function () { button.textContent = label; }, 1500);
      }, function () { announce('Copying failed; select the text and copy it by hand'); });
    });
  }

  function setupImages() {
    document.addEventListener('click', function (event) {
      var button = event.target && event.target.closest && event.target.closest('.load-image');
      if (!button) return;
      var img = document.createElement('img');
      img.src = button.getAttribute('data-src');
      img.alt = button.getAttribute('data-alt') || '';
      img.referrerPolicy = 'no-referrer';
      button.replaceWith(img);
    });
  }

  function setupTheme() {
    var button = document.getElementById('theme-toggle');
    if (!button) return;
    var order = ['auto', 'light', 'dark'];
    var root = document.documentElement;
    function show(theme) {
      button.textContent = 'Theme: ' + theme;
      button.setAttribute('aria-label', 'Colour theme: ' + theme + '. Change theme');
    }
    show(root.getAttribute('data-theme') || 'auto');
    button.hidden = false;
    button.addEventListener('click', function () {
      var current = root.getAttribute('data-theme') || 'auto';
      var next = order[(order.indexOf(current) + 1) % order.length];
      if (next === 'auto') root.removeAttribute('data-theme');
      else root.setAttribute('data-theme', next);
      document.cookie = 'cordum_theme=' + next + '; Path=/; Max-Age=31536000; SameSite=Lax';
      show(next);
      announce('Theme ' + next);
    });
  }

  setupSearch();
  setupSimulation();
  setupCopy();
  setupImages();
  setupTheme();
})();
`;
