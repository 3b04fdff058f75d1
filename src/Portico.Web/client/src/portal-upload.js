// Sends the portal's files to /api/portal/uploads (tus 1.0, the session cookie authenticates) with Uppy: four files at
// a time, chunks of 8 MB, retries with growing delays. A network drop resumes each file where the server stopped
// receiving it (tus asks the server for the offset): when the browser is back online, and every 20 s while files wait.
import Uppy from '@uppy/core';
import Tus from '@uppy/tus';
import { tusProblemDetail } from './file-helpers.js';

const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000];
const RETRY_FAILED_EVERY_MS = 20000;

/**
 * An upload of the given files ({ file, name, kind, type, studyInstanceUid? }). `onChange()` is called whenever the
 * progress changes; `onDone()` once every file is on the server; `onRefused(name, detail)` for a file the server
 * refused outright (a 4xx answer: retrying would not help).
 */
export function startUpload(list, { onChange, onDone, onRefused }) {
  const uppy = new Uppy({ autoProceed: false, allowMultipleUploadBatches: true, restrictions: {} });
  uppy.use(Tus, {
    endpoint: new URL('/api/portal/uploads/', document.baseURI).href,
    limit: 4,
    chunkSize: 8 * 1024 * 1024,
    retryDelays: RETRY_DELAYS,
    // Kept after success: a reload during the upload, with the same files chosen again, finds them on the server
    // instead of sending them twice. forgetUploads() clears them once the session is over.
    removeFingerprintOnSuccess: false,
    allowedMetaFields: ['filename', 'relativePath', 'filetype', 'kind', 'studyInstanceUid'],
    onShouldRetry: (error, attempt, options, next) => next(error),
  });

  const state = { paused: false, cancelled: false, done: false, offline: !navigator.onLine, refused: [], waiting: false };
  const files = new Map(); // uppy id -> { size, sent, complete }
  for (const entry of list) {
    const meta = { filename: entry.name, relativePath: entry.name, filetype: entry.type, kind: entry.kind };
    if (entry.studyInstanceUid) meta.studyInstanceUid = entry.studyInstanceUid;
    const id = uppy.addFile({ name: entry.name, type: entry.type, data: entry.file, meta, source: 'portal', isRemote: false });
    files.set(id, { name: entry.name, size: entry.file.size, sent: 0, complete: false });
  }

  uppy.on('upload-progress', (file, progress) => {
    const entry = files.get(file?.id);
    if (!entry || progress.bytesUploaded == null) return;
    entry.sent = progress.bytesUploaded;
    state.waiting = false;
    onChange();
  });
  uppy.on('upload-success', (file) => {
    const entry = files.get(file?.id);
    if (!entry) return;
    entry.sent = entry.size;
    entry.complete = true;
    onChange();
    if ([...files.values()].every((e) => e.complete) && !state.done && !state.cancelled) {
      state.done = true;
      stopTimers();
      onDone();
    }
  });
  uppy.on('upload-error', (file, error) => {
    const status = error?.originalResponse?.getStatus?.() || 0;
    const entry = files.get(file?.id);
    if (entry && status >= 400 && status < 500 && status !== 409 && status !== 423 && status !== 429) {
      state.refused.push(entry.name);
      onRefused(entry.name, tusProblemDetail(error) || `The server refused this file (${status}).`);
    } else {
      state.waiting = true; // the network or the server is away: tried again below
    }
    onChange();
  });

  const retryFailed = () => {
    if (state.paused || state.cancelled || state.done) return;
    const failed = uppy.getFiles().filter((f) => f.error && !state.refused.includes(files.get(f.id)?.name));
    if (failed.length > 0) uppy.retryAll().catch(() => {});
  };
  const online = () => {
    state.offline = false;
    onChange();
    retryFailed();
  };
  const offline = () => {
    state.offline = true;
    onChange();
  };
  window.addEventListener('online', online);
  window.addEventListener('offline', offline);
  const timer = window.setInterval(retryFailed, RETRY_FAILED_EVERY_MS);
  const stopTimers = () => {
    window.clearInterval(timer);
    window.removeEventListener('online', online);
    window.removeEventListener('offline', offline);
  };

  uppy.upload().catch(() => {});

  return {
    state,
    progress() {
      const all = [...files.values()];
      return {
        bytesTotal: all.reduce((n, e) => n + e.size, 0),
        bytesSent: all.reduce((n, e) => n + e.sent, 0),
        filesTotal: all.length,
        filesDone: all.filter((e) => e.complete).length,
      };
    },
    pause() {
      state.paused = true;
      uppy.pauseAll();
      onChange();
    },
    resume() {
      state.paused = false;
      uppy.resumeAll();
      retryFailed();
      onChange();
    },
    cancel() {
      state.cancelled = true;
      stopTimers();
      uppy.cancelAll();
      uppy.destroy();
    },
  };
}

/** Forgets the resumable uploads remembered for the portal (tus keeps them in localStorage), once a session is over. */
export function forgetUploads() {
  try {
    for (const key of Object.keys(window.localStorage)) {
      if (key.startsWith('tus::') && (window.localStorage.getItem(key) || '').includes('/api/portal/uploads/')) window.localStorage.removeItem(key);
    }
  } catch {
    // storage disabled: nothing was remembered
  }
}
