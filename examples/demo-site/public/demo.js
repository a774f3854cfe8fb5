// Larkspur Community Services: the demo site's own script (plain JS, no build).
// It owns the site's consent banner and forms; Veil is only told the visitor's decision.
(() => {
  const CONSENT_KEY = 'demo-consent'; // the site's own storage: 'granted' | 'denied'

  function veilApi() {
    // The queue stub in each page's <head> defines window.veil before this runs.
    return typeof window.veil === 'function' ? window.veil : () => {};
  }

  function readConsent() {
    try {
      return window.localStorage.getItem(CONSENT_KEY);
    } catch {
      return null;
    }
  }

  function writeConsent(value) {
    try {
      window.localStorage.setItem(CONSENT_KEY, value);
    } catch {
      // Storage disabled: the choice holds for this page only.
    }
  }

  function showStatus(choice) {
    for (const el of document.querySelectorAll('[data-consent-status]')) {
      el.textContent =
        choice === 'granted'
          ? 'Analytics: on'
          : choice === 'denied'
            ? 'Analytics: off'
            : 'Analytics: not chosen';
    }
  }

  function buildBanner() {
    const banner = document.createElement('section');
    banner.className = 'consent-banner';
    banner.id = 'consent-banner';
    banner.setAttribute('role', 'region');
    banner.setAttribute('aria-labelledby', 'consent-title');
    banner.hidden = true;
    banner.innerHTML = `
      <h2 id="consent-title">May we record how you use this site?</h2>
      <p>With your permission we record anonymised page interactions (never what you type) to improve
      our forms. You can change your mind at any time from the footer.</p>
      <div class="actions">
        <button type="button" class="btn" id="consent-accept">Accept analytics</button>
        <button type="button" class="btn" id="consent-reject">Reject analytics</button>
      </div>`;
    document.body.appendChild(banner);
    return banner;
  }

  function setupConsent() {
    const banner = buildBanner();
    const decide = (choice) => {
      writeConsent(choice);
      veilApi()('consent', { analytics: choice === 'granted' });
      banner.hidden = true;
      document.body.classList.remove('consent-open');
      showStatus(choice);
      const main = document.getElementById('main');
      if (main) main.focus({ preventScroll: true });
    };
    banner.querySelector('#consent-accept').addEventListener('click', () => decide('granted'));
    banner.querySelector('#consent-reject').addEventListener('click', () => decide('denied'));

    const stored = readConsent();
    if (stored === 'granted') {
      // The choice lives in the site's storage: re-apply it on every page.
      veilApi()('consent', { analytics: true });
    } else if (stored !== 'denied') {
      // No choice yet: show the banner, without pre-focusing either button.
      banner.hidden = false;
      document.body.classList.add('consent-open');
    }
    showStatus(stored);

    for (const button of document.querySelectorAll('[data-withdraw-consent]')) {
      button.addEventListener('click', () => {
        writeConsent('denied');
        veilApi()('consent', { analytics: false });
        showStatus('denied');
        banner.hidden = false;
        document.body.classList.add('consent-open');
        banner.querySelector('#consent-title').setAttribute('tabindex', '-1');
        banner.querySelector('#consent-title').focus();
      });
    }
  }

  // Forms "submit" by navigating to their next page without sending anything: nothing typed
  // ends up in a URL, a server log or a referrer.
  function setupForms() {
    for (const form of document.querySelectorAll('form[data-next]')) {
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        if (!form.reportValidity()) return;
        window.location.assign(form.getAttribute('data-next'));
      });
    }
  }

  // Student lookup reveals the (static, fictional) record instead of loading another page.
  function setupLookup() {
    const form = document.getElementById('student-lookup');
    const result = document.getElementById('student-record');
    if (!form || !result) return;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      result.hidden = false;
      result.focus();
    });
  }

  // Broken on purpose, so that the demo shows frustration signals: the delivery-slot service does
  // not exist (a failed request) and the code trusts its answer (an error), so the button does
  // nothing visible (a dead click; clicked again and again, a rage click).
  function setupDeliverySlots() {
    const button = document.getElementById('check-slots');
    if (!button) return;
    button.addEventListener('click', async () => {
      const response = await fetch('../api/delivery-slots.json');
      const answer = await response.json().catch(() => ({}));
      for (const slot of answer.slots) button.insertAdjacentText('afterend', ` ${slot}`);
    });
  }

  function start() {
    setupConsent();
    setupForms();
    setupLookup();
    setupDeliverySlots();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
