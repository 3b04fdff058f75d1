// Manual upload for staff: the + menu (files, ZIPs, folders), drag and drop onto the Study List, and the
// Uploading… indicator with every file's status. Files go straight from the browser to the tus endpoint
// (/api/uploads) with Uppy; they never pass through the Blazor circuit. Before sending, each DICOM header is read
// (dicom-parser) and /api/instances/lookup says which instances are stored already: those are not sent again.
import Uppy from '@uppy/core';
import Tus from '@uppy/tus';
import { readSopInstanceUid } from './dicom-header.js';
import { droppedFiles, el, formatBytes, mapLimit, problemFromResponse, tusProblemDetail } from './file-helpers.js';

const HEADER_PARALLELISM = 4;
const LOOKUP_BATCH = 200;
const ACTIVE = new Set(['checking', 'queued', 'uploading', 'processing']);

/** Statuses as the panel shows them. */
const LABELS = {
  checking: 'Checking',
  queued: 'Queued',
  uploading: 'Uploading',
  processing: 'Processing',
  stored: 'Stored',
  duplicate: 'Duplicate',
  conflict: 'Conflict',
  rejected: 'Rejected',
  failed: 'Failed',
  retrying: 'Waiting for the agent',
  already: 'Already uploaded',
  skipped: 'Skipped',
};

export function startUploads(document) {
  const state = {
    entries: [], // { id, file, name, size, status, percent, reason, uppyId, results }
    open: false,
    nextId: 1,
  };
  let uppy = null;

  const indicator = () => document.getElementById('upload-indicator');
  const canUpload = () => indicator()?.dataset.canUpload === 'true';
  const maxBytes = () => Number(indicator()?.dataset.maxBytes || 2 * 1024 * 1024 * 1024);

  function getUppy() {
    if (uppy) return uppy;
    uppy = new Uppy({ autoProceed: true, allowMultipleUploadBatches: true, restrictions: {} });
    uppy.use(Tus, {
      endpoint: new URL('/api/uploads/', document.baseURI).href,
      limit: 3,
      chunkSize: 16 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000],
      removeFingerprintOnSuccess: true,
      allowedMetaFields: ['filename', 'filetype'],
    });
    uppy.on('upload-progress', (file, progress) => {
      const entry = byUppyId(file.id);
      if (!entry || !progress.bytesTotal) return;
      entry.status = 'uploading';
      entry.sent = progress.bytesUploaded;
      entry.percent = Math.floor((progress.bytesUploaded / progress.bytesTotal) * 100);
      render();
    });
    uppy.on('upload-success', (file, response) => {
      const entry = byUppyId(file.id);
      if (!entry) return;
      entry.status = 'processing';
      entry.percent = 100;
      entry.sent = entry.size;
      render();
      followOutcome(entry, response.uploadURL);
    });
    uppy.on('upload-error', (file, error, response) => {
      const entry = byUppyId(file.id);
      if (!entry) return;
      entry.status = 'failed';
      entry.reason = problemText(error, response) || 'The connection to the server was lost.';
      render();
    });
    return uppy;
  }

  const byUppyId = (id) => state.entries.find((e) => e.uppyId === id);

  /** Adds files (from the menu, a folder or a drop): refuses what is too large, reads headers, asks the server, sends the rest. */
  async function addFiles(files) {
    if (!canUpload()) return;
    const limit = maxBytes();
    const added = [];
    for (const file of files) {
      const name = file.relativePath || file.webkitRelativePath || file.name;
      const entry = { id: state.nextId++, file, name, size: file.size, status: 'checking', percent: 0, sent: 0, reason: null };
      if (file.name.toUpperCase() === 'DICOMDIR') {
        entry.status = 'skipped';
        entry.reason = 'DICOMDIR is the index of a CD, not an image; the images next to it are uploaded.';
      } else if (file.size > limit) {
        entry.status = 'rejected';
        entry.reason = `This file is ${formatBytes(file.size)}; a file may be at most ${formatBytes(limit)}. It was not sent.`;
      } else {
        added.push(entry);
      }
      state.entries.push(entry);
    }
    state.open = state.open || files.length > 0;
    render();

    await mapLimit(added, HEADER_PARALLELISM, async (entry) => {
      entry.sopInstanceUid = await readSopInstanceUid(entry.file);
    });
    const stored = await lookup(added.map((e) => e.sopInstanceUid).filter(Boolean));
    for (const entry of added) {
      if (entry.sopInstanceUid && stored.has(entry.sopInstanceUid)) {
        entry.status = 'already';
        entry.reason = 'This instance is stored already; it was not sent again.';
      } else {
        send(entry);
      }
    }
    render();
  }

  function send(entry) {
    entry.sending = true;
    entry.status = 'queued';
    entry.reason = null;
    entry.percent = 0;
    entry.sent = 0;
    entry.uppyId = getUppy().addFile({
      name: entry.name,
      type: entry.file.type || 'application/octet-stream',
      data: entry.file,
      meta: { filename: entry.name, filetype: entry.file.type || 'application/octet-stream', porticoEntry: String(entry.id) },
      source: 'portico',
      isRemote: false,
    });
  }

  async function lookup(uids) {
    const stored = new Set();
    for (let i = 0; i < uids.length; i += LOOKUP_BATCH) {
      try {
        const response = await fetch('/api/instances/lookup', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          credentials: 'same-origin',
          body: JSON.stringify({ sopInstanceUids: uids.slice(i, i + LOOKUP_BATCH) }),
        });
        if (response.ok) {
          for (const uid of (await response.json()).stored) stored.add(uid);
        }
      } catch {
        // The server is unreachable: the uploads themselves will say so and can be retried.
      }
    }
    return stored;
  }

  /** Waits for the server to finish processing an upload, then shows what happened to its instances. */
  async function followOutcome(entry, uploadUrl) {
    try {
      for (;;) {
        const response = await fetch(`${uploadUrl}/outcome?waitSeconds=30`, { credentials: 'same-origin' });
        if (!response.ok) throw new Error(await problemFromResponse(response));
        const outcome = await response.json();
        if (outcome.state === 'Processing' || outcome.state === 'Receiving') {
          // Waiting for the malware scanner (it is down): say so; the server scans it again by itself.
          if ((outcome.waiting || null) !== entry.reason) {
            entry.reason = outcome.waiting || null;
            render();
          }
          continue;
        }
        applyOutcome(entry, outcome);
        break;
      }
    } catch (error) {
      entry.status = 'failed';
      entry.reason = error.message || 'The result of this upload could not be read.';
    }
    if (entry.uppyId && entry.status !== 'failed') {
      uppy.removeFile(entry.uppyId);
      entry.uppyId = null;
    }
    render();
  }

  function applyOutcome(entry, outcome) {
    const results = outcome.results || [];
    entry.results = results;
    if (outcome.error) {
      entry.status = 'rejected';
      entry.reason = outcome.error;
      return;
    }
    if (results.length === 1) {
      entry.status = results[0].status.toLowerCase();
      entry.reason = results[0].reason;
      return;
    }
    const counts = {};
    for (const r of results) counts[r.status] = (counts[r.status] || 0) + 1;
    const summary = Object.entries(counts).map(([status, n]) => `${n} ${status.toLowerCase()}`).join(', ');
    entry.status = counts.Stored ? 'stored' : counts.Duplicate ? 'duplicate' : counts.Conflict ? 'conflict' : 'rejected';
    entry.reason = results.length === 0 ? 'No DICOM files were found in this archive.' : summary;
  }

  // ---- Failed watch-folder agent uploads (/api/agent-failures): listed with the browser's own, retried by the agent ----

  const AGENT_POLL_MS = 30000;

  async function loadAgentFailures() {
    if (!canUpload()) return;
    try {
      const response = await fetch('/api/agent-failures', { credentials: 'same-origin' });
      if (!response.ok) return;
      const failures = await response.json();
      const known = new Map(state.entries.filter((e) => e.agentFailureId).map((e) => [e.agentFailureId, e]));
      const fresh = failures.map((f) => {
        const entry = known.get(f.id) || { id: state.nextId++, agentFailureId: f.id, size: 0 };
        entry.name = `Agent ${f.agentName}: ${f.files}`;
        entry.status = f.retryRequestedAt ? 'retrying' : 'failed';
        entry.reason = f.reason;
        return entry;
      });
      const changed = fresh.length !== known.size || fresh.some((e) => !known.has(e.agentFailureId) || known.get(e.agentFailureId).status !== e.status);
      state.entries = [...state.entries.filter((e) => !e.agentFailureId), ...fresh];
      if (changed) render();
    } catch {
      // Offline: the next poll tries again.
    }
  }

  async function retryAgentFailure(entry) {
    try {
      const response = await fetch(`/api/agent-failures/${entry.agentFailureId}/retry`, { method: 'POST', credentials: 'same-origin' });
      if (!response.ok) throw new Error(await problemFromResponse(response));
      entry.status = 'retrying';
    } catch (error) {
      entry.reason = error.message || 'The retry could not be requested.';
    }
    render();
  }

  function retry(entry) {
    if (entry.status !== 'failed') return;
    if (entry.agentFailureId) {
      retryAgentFailure(entry);
      return;
    }
    entry.reason = null;
    if (entry.uppyId) {
      entry.status = 'queued';
      getUppy().retryUpload(entry.uppyId);
    } else {
      send(entry);
    }
    render();
  }

  const retryAllFailed = () => state.entries.filter((e) => e.status === 'failed').forEach(retry);

  // ---- The indicator and its panel (plain DOM; file names are text, never markup) ----

  function render() {
    const root = indicator();
    if (!root) return;
    root.replaceChildren();
    if (state.entries.length === 0) return;

    const active = state.entries.filter((e) => ACTIVE.has(e.status));
    const failed = state.entries.filter((e) => e.status === 'failed').length;
    const sending = state.entries.filter((e) => e.sending);
    const total = sending.reduce((n, e) => n + e.size, 0);
    const sent = sending.reduce((n, e) => n + (e.sent || 0), 0);
    const percent = total > 0 ? Math.floor((sent / total) * 100) : 100;

    const button = el('button', { type: 'button', class: 'upload-toggle' + (failed ? ' has-failed' : ''), 'aria-expanded': String(state.open), 'aria-controls': 'upload-panel' });
    if (active.length > 0) {
      button.append(el('span', { class: 'spinner', 'aria-hidden': 'true' }), `Uploading… ${percent}%`);
    } else if (failed > 0) {
      button.append(`Uploads: ${failed} failed`);
    } else if (state.entries.some((e) => e.status === 'retrying')) {
      button.append(`Uploads: ${state.entries.filter((e) => e.status === 'retrying').length} waiting for the agent`);
    } else {
      button.append(`Uploads finished (${state.entries.length})`);
    }
    button.addEventListener('click', () => { state.open = !state.open; render(); });
    root.append(button);
    if (!state.open) return;

    const panel = el('section', { id: 'upload-panel', class: 'upload-panel', 'aria-label': 'Uploads' });
    const head = el('div', { class: 'upload-panel-head' });
    head.append(el('h2', {}, 'Uploads'), el('span', { class: 'muted' }, summaryLine()));
    const actions = el('div', { class: 'button-row' });
    if (failed > 0) {
      const retryAll = el('button', { type: 'button', class: 'button button-primary' }, 'Retry all failed');
      retryAll.addEventListener('click', retryAllFailed);
      actions.append(retryAll);
    }
    if (active.length === 0) {
      const clear = el('button', { type: 'button', class: 'button' }, 'Clear list');
      clear.addEventListener('click', () => { state.entries = state.entries.filter((e) => e.status === 'failed' || e.agentFailureId); state.open = state.entries.length > 0; render(); });
      actions.append(clear);
    }
    const close = el('button', { type: 'button', class: 'button', 'aria-label': 'Close the upload list' }, 'Close');
    close.addEventListener('click', () => { state.open = false; render(); });
    actions.append(close);
    head.append(actions);
    panel.append(head);

    const list = el('ul', { class: 'upload-list' });
    for (const entry of state.entries) {
      const item = el('li', { class: `upload-item status-${entry.status}`, 'data-status': entry.status });
      const line = el('div', { class: 'upload-line' });
      line.append(el('span', { class: 'upload-name', title: entry.name }, entry.name));
      const status = entry.status === 'uploading' ? `Uploading ${entry.percent}%` : LABELS[entry.status];
      line.append(el('span', { class: `badge ${badgeClass(entry.status)}` }, status));
      if (entry.status === 'failed') {
        const again = el('button', { type: 'button', class: 'button-link', 'aria-label': `Retry ${entry.name}` }, 'Retry');
        again.addEventListener('click', () => retry(entry));
        line.append(again);
      }
      item.append(line);
      if (entry.status === 'uploading') {
        item.append(el('progress', { max: '100', value: String(entry.percent), 'aria-label': `${entry.name} progress` }));
      }
      if (entry.reason) item.append(el('div', { class: 'upload-reason' }, entry.reason));
      list.append(item);
    }
    panel.append(list);
    root.append(panel);
  }

  function summaryLine() {
    const counts = {};
    for (const e of state.entries) counts[e.status] = (counts[e.status] || 0) + 1;
    return Object.entries(counts).map(([s, n]) => `${n} ${LABELS[s].toLowerCase()}`).join(' · ');
  }

  // ---- Wiring: the + menu, drag and drop, leaving the page ----

  const filePicker = hiddenInput(document, false);
  const folderPicker = hiddenInput(document, true);
  for (const picker of [filePicker, folderPicker]) {
    picker.addEventListener('change', () => {
      const files = [...picker.files];
      picker.value = '';
      addFiles(files);
    });
  }

  document.addEventListener('click', (event) => {
    const action = event.target.closest?.('[data-upload-action]')?.dataset.uploadAction;
    if (!action) return;
    event.target.closest('details')?.removeAttribute('open');
    (action === 'folder' ? folderPicker : filePicker).click();
  });

  const overlay = el('div', { class: 'drop-overlay', 'aria-hidden': 'true' });
  overlay.append(el('div', {}, 'Drop DICOM files to upload'));
  document.body.append(overlay);
  let dragDepth = 0;
  const dropAllowed = (event) => canUpload() && document.querySelector('[data-upload-drop]') && [...(event.dataTransfer?.types || [])].includes('Files');
  document.addEventListener('dragenter', (event) => {
    if (!dropAllowed(event)) return;
    event.preventDefault();
    dragDepth++;
    overlay.classList.add('visible');
  });
  document.addEventListener('dragover', (event) => {
    if (!dropAllowed(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) overlay.classList.remove('visible');
  });
  document.addEventListener('drop', async (event) => {
    if (!dropAllowed(event)) return;
    event.preventDefault();
    dragDepth = 0;
    overlay.classList.remove('visible');
    addFiles(await droppedFiles(event.dataTransfer));
  });

  window.addEventListener('beforeunload', (event) => {
    if (state.entries.some((e) => ACTIVE.has(e.status))) {
      event.preventDefault();
      event.returnValue = '';
    }
  });
  window.addEventListener('online', retryAllFailed);
  loadAgentFailures();
  setInterval(loadAgentFailures, AGENT_POLL_MS);

  // Blazor may re-create the indicator's element (a new layout after sign-in): draw into the new one.
  new MutationObserver(() => {
    const root = indicator();
    if (root && !root.firstChild && state.entries.length > 0) render();
  }).observe(document.body, { childList: true, subtree: true });

  window.porticoUploads = { addFiles, state };
}

// ---- helpers ----

function hiddenInput(document, folder) {
  const input = document.createElement('input');
  input.type = 'file';
  input.multiple = true;
  input.hidden = true;
  input.setAttribute('aria-hidden', 'true');
  input.dataset.uploadInput = folder ? 'folder' : 'files';
  if (folder) input.webkitdirectory = true;
  document.body.append(input);
  return input;
}

function badgeClass(status) {
  switch (status) {
    case 'stored': return 'badge-success';
    case 'duplicate': case 'already': case 'skipped': return '';
    case 'conflict': return 'badge-warning';
    case 'rejected': case 'failed': return 'badge-danger';
    default: return 'badge-primary';
  }
}

function problemText(error, response) {
  const detail = tusProblemDetail(error, response);
  if (detail) return detail;
  const status = error?.originalResponse?.getStatus?.();
  if (status === 401) return 'You are signed out: sign in again, then retry.';
  if (status === 403) return 'Your account may not upload studies.';
  return error?.originalRequest && !status ? 'The server could not be reached.' : null;
}
