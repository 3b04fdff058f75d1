// The Upload Portal's HTTP calls (the session cookie is HttpOnly: the browser sends it, this code never sees it).
// Each answers { ok, status, body } or { ok: false, status, detail, rule } from an RFC 9457 problem.

const SESSION = '/api/portal/session';

export const openSession = (code) => call('POST', SESSION, { code });
export const currentSession = () => call('GET', SESSION);
export const sendManifest = (manifest) => call('POST', `${SESSION}/manifest`, manifest);
export const finishSession = () => call('POST', `${SESSION}/finish`);
export const sessionStatus = () => call('GET', `${SESSION}/status`);
export const cancelSession = () => call('DELETE', SESSION);

async function call(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, detail: 'The hospital\'s server could not be reached. Check your internet connection and try again.' };
  }
  let json = null;
  try {
    json = (response.headers.get('Content-Type') || '').includes('json') ? await response.json() : null;
  } catch {
    json = null;
  }
  if (response.ok) return { ok: true, status: response.status, body: json };
  return {
    ok: false,
    status: response.status,
    detail: json?.detail || json?.title || `The server answered ${response.status}. Try again in a moment.`,
    rule: json?.rule ?? null,
  };
}
