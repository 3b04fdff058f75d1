// The public Upload Portal (/upload): a patient or referring physician enters the upload code from the hospital's
// letter, selects images (files, a folder, a CD, ZIPs, dropped), checks what was found, and uploads. The page is static
// server-rendered; everything after the code is this script, talking to /api/portal/* (session cookie) and sending
// the files with tus. Steps: code -> panels -> Uploading -> Validating files -> Upload successful (or what was refused).
import './portal.css';
import { el, formatBytes } from './file-helpers.js';
import { cancelSession, currentSession, finishSession, openSession, sendManifest, sessionStatus } from './portal-api.js';
import { renderPanels } from './portal-panels.js';
import { manifest, uploads } from './portal-selection.js';
import { forgetUploads, startUpload } from './portal-upload.js';

const CODE_LENGTH = 15;
const POLL_MS = 1500;
const FINISHED_STATES = new Set(['Validating', 'WaitingForScanner', 'Completed']);

export function startPortal(document) {
  const app = document.getElementById('portal');
  if (!app) return;
  const manualFallback = app.dataset.manual || '/upload/manual';
  const header = el('div', { class: 'portal-header-slot' });
  const main = el('div', { class: 'portal-body' });
  app.replaceChildren(header, main);

  let session = null;
  let upload = null;
  let panels = null;

  window.addEventListener('beforeunload', (event) => {
    if (upload && !upload.state.done && !upload.state.cancelled) {
      event.preventDefault();
      event.returnValue = ''; // the browser shows its own "leave this page?" question
    }
  });

  // ---- 1. The code ----
  function showCode(message, kind = 'error') {
    session = null;
    header.replaceChildren();
    const card = el('section', { class: 'card portal-code-card', 'aria-labelledby': 'portal-code-title' });
    card.append(el('h1', { id: 'portal-code-title' }, 'Upload images'));
    card.append(el('p', { class: 'portal-lead' }, 'Enter the upload code printed on the letter you received from the hospital.'));
    const form = el('form', { novalidate: true });
    const wrap = el('div', { class: 'field' });
    wrap.append(el('label', { for: 'portal-code' }, 'Upload code'));
    const input = el('input', {
      id: 'portal-code', type: 'text', class: 'portal-code-input', autocomplete: 'off', autocapitalize: 'characters',
      spellcheck: 'false', inputmode: 'text', placeholder: 'XXXXX-XXXXX-XXXXX', 'aria-describedby': 'portal-code-hint portal-code-error',
    });
    wrap.append(input, el('div', { class: 'hint', id: 'portal-code-hint' }, '15 letters and digits in three groups, as printed. Capitals and dashes do not matter.'));
    const error = el('div', { id: 'portal-code-error' });
    const submit = el('button', { type: 'submit', class: 'button button-primary button-block portal-big' }, 'Continue');
    form.append(wrap, error, submit);
    card.append(form);
    main.replaceChildren(card);
    if (message) error.append(el('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message));

    input.addEventListener('input', () => {
      const caretChars = input.value.slice(0, input.selectionStart ?? input.value.length).replace(/[^a-z0-9]/gi, '').length;
      input.value = groupCode(input.value);
      let caret = 0;
      for (let seen = 0; caret < input.value.length && seen < caretChars; caret++) {
        if (input.value[caret] !== '-') seen++;
      }
      input.setSelectionRange(caret, caret);
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.replaceChildren();
      const typed = input.value.replace(/[^a-z0-9]/gi, '');
      if (typed.length !== CODE_LENGTH) {
        input.setAttribute('aria-invalid', 'true');
        error.append(el('p', { class: 'notice notice-error', role: 'alert' }, `The upload code has ${CODE_LENGTH} letters and digits; you entered ${typed.length}.`));
        input.focus();
        return;
      }
      submit.disabled = true;
      submit.textContent = 'Checking…';
      const answer = await openSession(input.value);
      submit.disabled = false;
      submit.textContent = 'Continue';
      if (!answer.ok) {
        input.setAttribute('aria-invalid', 'true');
        error.append(el('p', { class: 'notice notice-error', role: 'alert' }, answer.detail));
        input.focus();
        return;
      }
      enter(answer.body);
    });
    input.focus();
  }

  // ---- 2. The panels ----
  function enter(body, notice) {
    session = body;
    drawHeader();
    if (FINISHED_STATES.has(body.state)) {
      validate();
      return;
    }
    showPanels(notice ?? (body.state === 'Uploading'
      ? 'Your upload did not finish. Select the same images again and press START UPLOAD: the files already sent are not sent again.'
      : null));
  }

  function drawHeader() {
    const box = el('header', { class: 'portal-institution card' });
    const name = el('div', { class: 'portal-institution-name' });
    name.append(el('h1', {}, session.institutionName || 'Upload images'), el('p', { class: 'muted' }, 'Upload Portal: send your images to the hospital'));
    const contact = el('ul', { class: 'portal-contact' });
    if (session.phone) {
      const li = el('li');
      li.append(el('span', { class: 'muted' }, 'Phone '), el('a', { href: `tel:${session.phone.replace(/[^+0-9]/g, '')}` }, session.phone));
      contact.append(li);
    }
    if (session.email) {
      const li = el('li');
      li.append(el('span', { class: 'muted' }, 'E-mail '), el('a', { href: `mailto:${session.email}` }, session.email));
      contact.append(li);
    }
    const manual = el('li');
    manual.append(el('a', { href: session.manualUrl || manualFallback, target: '_blank', rel: 'noopener', 'data-enhance-nav': 'false' }, 'Upload manual'));
    contact.append(manual);
    box.append(name, contact);
    header.replaceChildren(box);
  }

  function showPanels(notice) {
    panels?.detach();
    const noticeBox = notice ? el('p', { class: 'notice notice-info portal-notice', role: 'status' }, notice) : null;
    panels = renderPanels(main, session, { onStart: begin, notice: noticeBox });
  }

  /** START UPLOAD: the server checks the manifest (the same rules), then the files go. Answers a message, or null. */
  async function begin(selection, contact) {
    const answer = await sendManifest(manifest(selection, contact));
    if (!answer.ok) {
      if (answer.status === 401) {
        showCode('Your upload session has ended. Enter your upload code again.');
        return null;
      }
      return answer.detail;
    }
    panels.detach();
    showUploading(uploads(selection));
    return null;
  }

  // ---- 3. Uploading ----
  function showUploading(list) {
    const card = el('section', { class: 'card portal-status', 'aria-labelledby': 'portal-status-title' });
    const title = el('h2', { id: 'portal-status-title' }, 'Uploading');
    const warning = el('p', { class: 'notice notice-warning portal-strong' }, 'Do not close this page or your browser while your images are uploading.');
    const bar = el('progress', { max: '100', value: '0', 'aria-label': 'Upload progress', class: 'portal-progress' });
    const text = el('p', { class: 'portal-progress-text', role: 'status', 'aria-live': 'polite' });
    const network = el('div');
    const refusedBox = el('div');
    const actions = el('div', { class: 'button-row portal-actions' });
    const pause = el('button', { type: 'button', class: 'button portal-big' }, 'PAUSE UPLOAD');
    const cancel = el('button', { type: 'button', class: 'button button-danger portal-big' }, 'CANCEL UPLOAD');
    actions.append(pause, cancel);
    card.append(title, warning, bar, text, network, refusedBox, actions);
    main.replaceChildren(card);

    const refused = [];
    let lastText = '';
    const draw = () => {
      const p = upload.progress();
      const percent = p.bytesTotal > 0 ? Math.floor((p.bytesSent / p.bytesTotal) * 100) : 100;
      bar.value = percent;
      title.textContent = upload.state.paused ? 'Upload paused' : 'Uploading';
      pause.textContent = upload.state.paused ? 'RESUME UPLOAD' : 'PAUSE UPLOAD';
      const line = `${percent}% · ${formatBytes(p.bytesSent)} of ${formatBytes(p.bytesTotal)} · ${p.filesDone} of ${p.filesTotal} files sent`;
      if (line !== lastText) text.textContent = lastText = line;
      network.replaceChildren();
      if (!upload.state.paused && (upload.state.offline || upload.state.waiting)) {
        network.append(el('p', { class: 'notice notice-info', role: 'status' }, upload.state.offline
          ? 'The internet connection was lost. The upload continues by itself where it stopped when the connection is back.'
          : 'The hospital\'s server cannot be reached at the moment. The upload is tried again by itself and continues where it stopped.'));
      }
      refusedBox.replaceChildren();
      if (refused.length > 0) refusedBox.append(refusedList('These files were refused by the server:', refused));
    };
    upload = startUpload(list, {
      onChange: draw,
      onRefused: (name, reason) => { refused.push({ file: name, reason }); draw(); },
      onDone: async () => {
        draw();
        const answer = await finishSession();
        if (!answer.ok && answer.status !== 409) {
          network.replaceChildren(el('p', { class: 'notice notice-error', role: 'alert' }, answer.detail));
          return;
        }
        validate();
      },
    });
    pause.addEventListener('click', () => (upload.state.paused ? upload.resume() : upload.pause()));
    cancel.addEventListener('click', () => confirmCancel(card));
    draw();
  }

  function confirmCancel(card) {
    const dialog = el('dialog', { 'aria-labelledby': 'portal-cancel-title' });
    const head = el('div', { class: 'dialog-head' });
    head.append(el('h2', { id: 'portal-cancel-title' }, 'Cancel the upload?'));
    const body = el('div', { class: 'dialog-body' });
    body.append(el('p', {}, 'The files sent so far are deleted from the hospital\'s server. Nothing of this upload is kept.'));
    const foot = el('div', { class: 'dialog-foot' });
    const keep = el('button', { type: 'button', class: 'button' }, 'Keep uploading');
    const yes = el('button', { type: 'button', class: 'button button-danger' }, 'Yes, cancel the upload');
    foot.append(keep, yes);
    dialog.append(head, body, foot);
    card.append(dialog);
    keep.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => dialog.remove());
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      // Stop sending first, then let the server discard the session's files in one go; only then drop the uploads
      // here (their own deletion requests would otherwise race with the session's).
      upload.pause();
      const answer = await cancelSession();
      upload.cancel();
      upload = null;
      forgetUploads();
      dialog.close();
      const message = answer.ok || answer.status === 404
        ? 'The upload was cancelled. The files you sent were deleted from the hospital\'s server.'
        : `The upload was stopped, but the server could not confirm the deletion: ${answer.detail}`;
      const again = await currentSession();
      if (again.ok && !FINISHED_STATES.has(again.body.state) && again.body.state !== 'Cancelled') {
        session = again.body;
        showPanels(message);
      } else {
        showCode(message, 'info');
      }
    });
    dialog.showModal();
    keep.focus();
  }

  // ---- 4. Validating files, then the outcome ----
  async function validate() {
    upload = null;
    const card = el('section', { class: 'card portal-status', 'aria-labelledby': 'portal-status-title' });
    const title = el('h2', { id: 'portal-status-title' }, 'Validating files');
    const spinner = el('p', { class: 'portal-validating', role: 'status' });
    spinner.append(el('span', { class: 'spinner', 'aria-hidden': 'true' }), 'The hospital\'s server is checking your files for malware and reading them. This can take a few minutes.');
    const message = el('div');
    card.append(title, spinner, message);
    main.replaceChildren(card);
    for (;;) {
      const answer = await sessionStatus();
      if (answer.ok) {
        const status = answer.body;
        if (status.state === 'Completed' || status.state === 'Cancelled') {
          showOutcome(status);
          return;
        }
        message.replaceChildren();
        if (status.message && status.message !== 'Validating files') message.append(el('p', { class: `notice ${status.state === 'WaitingForScanner' ? 'notice-warning' : 'notice-info'}`, role: 'status' }, status.message));
      } else if (answer.status === 401) {
        showCode('Your upload session has ended. The files you sent are with the hospital.', 'info');
        return;
      } else {
        message.replaceChildren(el('p', { class: 'notice notice-info', role: 'status' }, 'The result cannot be read at the moment; trying again.'));
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  function showOutcome(status) {
    const card = el('section', { class: 'card portal-status', 'aria-labelledby': 'portal-status-title' });
    const refused = (status.files || []).filter((f) => f.status === 'Refused' || f.status === 'Infected');
    const stored = status.stored ?? (status.files || []).filter((f) => f.status === 'Stored' || f.status === 'Duplicate').length;
    if (status.state === 'Cancelled') {
      card.append(el('h2', { id: 'portal-status-title' }, 'Upload cancelled'), el('p', { class: 'notice notice-info', role: 'status' }, status.message || 'This upload was cancelled; nothing was kept.'));
    } else if (refused.length === 0) {
      card.append(el('h2', { id: 'portal-status-title', class: 'portal-success-title' }, 'Upload successful'));
      card.append(el('p', { class: 'notice notice-success', role: 'status' }, `${stored} ${stored === 1 ? 'file was' : 'files were'} received by ${session?.institutionName || 'the hospital'}. Thank you. You can close this page now.`));
    } else {
      card.append(el('h2', { id: 'portal-status-title' }, stored > 0 ? 'Some files were not accepted' : 'The files were not accepted'));
      if (stored > 0) card.append(el('p', { class: 'notice notice-success', role: 'status' }, `${stored} ${stored === 1 ? 'file was' : 'files were'} received by ${session?.institutionName || 'the hospital'}.`));
      card.append(refusedList(`${refused.length} ${refused.length === 1 ? 'file was' : 'files were'} refused:`, refused));
      card.append(el('p', { class: 'muted' }, 'If you have questions, contact the hospital with the details at the top of this page.'));
    }
    main.replaceChildren(card);
    forgetUploads();
  }

  // ---- start: a reload keeps the session ----
  (async () => {
    main.replaceChildren(el('p', { class: 'muted portal-loading', role: 'status' }, 'Loading…'));
    const answer = await currentSession();
    if (answer.ok) enter(answer.body);
    else showCode(answer.status === 401 || answer.status === 404 ? null : answer.detail);
  })();
}

function refusedList(caption, files) {
  const box = el('div', { class: 'notice notice-error portal-refused', role: 'alert' });
  box.append(el('p', { class: 'portal-strong' }, caption));
  const list = el('ul');
  for (const f of files) {
    const li = el('li');
    li.append(el('span', { class: 'mono' }, f.file), `: ${f.reason || 'refused'}`);
    list.append(li);
  }
  box.append(list);
  return box;
}

/** What was typed, as printed: capitals, dashes after every five characters, at most fifteen. */
export function groupCode(value) {
  const chars = value.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, CODE_LENGTH);
  return chars.match(/.{1,5}/g)?.join('-') ?? '';
}

startPortal(document);
