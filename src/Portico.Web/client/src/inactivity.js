// Signs the user out after the inactivity timeout an administrator sets in Settings > Security.
//
// The account menu's sign-out form (#sign-out-form, rendered by MainLayout for a signed-in user) carries the timeout in
// data-inactivity-seconds. With no keyboard, mouse, touch or scroll activity for that long, in this tab or another tab
// of the app, the form is posted to /account/sign-out?reason=inactive (with its antiforgery token), which lands on the
// sign-in page saying why. While the user is active, a light GET now and then keeps the server's session cookie alive:
// the page's own traffic goes over the Blazor circuit, which does not renew the cookie.

const activityEvents = ['keydown', 'mousedown', 'mousemove', 'wheel', 'touchstart', 'scroll', 'pointerdown'];
const storageKey = 'portico.lastActivity';
const checkEveryMs = 1000;
const keepAliveUrl = '/api/auth/keep-alive';

export function startInactivityTimer(document) {
  const window = document.defaultView;
  let lastActivity = Date.now();
  let lastShared = 0;
  let lastKeepAlive = Date.now();
  let signingOut = false;

  const onActivity = () => {
    lastActivity = Date.now();
    // Shared with the other tabs (at most every few seconds): activity anywhere in the app counts.
    if (lastActivity - lastShared > 5000) {
      lastShared = lastActivity;
      try { window.localStorage.setItem(storageKey, String(lastActivity)); } catch { /* storage disabled */ }
    }
  };
  for (const type of activityEvents) {
    document.addEventListener(type, onActivity, { capture: true, passive: true });
  }

  const sharedActivity = () => {
    try { return Number(window.localStorage.getItem(storageKey)) || 0; } catch { return 0; }
  };

  window.setInterval(() => {
    const form = document.getElementById('sign-out-form');
    const seconds = Number(form?.dataset.inactivitySeconds);
    if (!form || !(seconds > 0) || signingOut) {
      lastActivity = Math.max(lastActivity, Date.now() - checkEveryMs); // not signed in: nothing to time
      return;
    }

    const now = Date.now();
    const last = Math.max(lastActivity, sharedActivity());
    if (now - last >= seconds * 1000) {
      signingOut = true;
      form.action = '/account/sign-out?reason=inactive';
      form.submit();
      return;
    }

    // Renew the session when there was activity since the last renewal, at most every quarter of the timeout (and at
    // least every 5 minutes): the cookie slides once half its time is gone.
    const keepAliveEveryMs = Math.min(seconds * 250, 5 * 60 * 1000);
    if (last > lastKeepAlive && now - lastKeepAlive >= keepAliveEveryMs) {
      lastKeepAlive = now;
      window.fetch(keepAliveUrl, { credentials: 'same-origin', cache: 'no-store' }).catch(() => { /* offline: try later */ });
    }
  }, checkEveryMs);
}
