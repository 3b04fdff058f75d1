// The Upload Portal's selection: the files a patient added, the studies found in them, the non-DICOM files and the
// study each belongs to, and the portal's rules with DESIGN.md's messages. Plain data and functions, no DOM: the page
// (portal.js) draws it and the server checks the same rules again when the upload starts.
import { formatBytes } from './file-helpers.js';

export const MESSAGES = {
  nonDicomWithoutDicom: 'You can only upload non-DICOM files if you also upload at least one DICOM file',
  totalSize: 'Total file size exceeds the limit',
  unlinked: 'Please add the following files to a study or remove them',
  perStudy: (current, max) => `Currently added '${current}' non-DICOM files. Adding these would surpass the maximum of ${max} non-DICOM files that can be added to a study.`,
  studyCount: (cap) => `A maximum of ${cap} studies can be uploaded at once`,
  email: 'Please enter a valid e-mail address, such as name@example.com, or leave it empty',
  phone: 'Please enter a valid mobile number (digits, optionally starting with +), or leave it empty',
};

/** A new, empty selection under the session's limits. */
export function newSelection(limits) {
  return {
    limits, // { maxSessionBytes, maxStudiesPerSession, maxNonDicomFilesPerStudy, maxFileBytes }
    items: [], // { id, file, name, size, kind: 'dicom'|'zip', studies: Map(uid -> { header, count }) }
    attachments: [], // { id, file, name, size, type, studyUid: string|null, selected: boolean }
    notAdded: [], // { name, reason } files left out, with why
    comments: new Map(), // study uid -> comment
    refusal: null, // the last refused action's message (non-DICOM over the per-study maximum)
    nextId: 1,
    seenFiles: new Set(),
    seenInstances: new Set(),
  };
}

/** Adds inspected files ({ file, name, result } from portal-files.inspectFile), then links non-DICOM files where it can. */
export function addInspected(selection, inspected) {
  selection.refusal = null;
  for (const { file, name, result } of inspected) {
    const key = `${name}|${file.size}|${file.lastModified}`;
    if (selection.seenFiles.has(key)) {
      selection.notAdded.push({ name, reason: 'This file was added already.' });
      continue;
    }
    if (selection.limits.maxFileBytes > 0 && file.size > selection.limits.maxFileBytes && result.kind !== 'skipped') {
      selection.notAdded.push({ name, reason: `This file is ${formatBytes(file.size)}; a file may be at most ${formatBytes(selection.limits.maxFileBytes)}.` });
      continue;
    }
    switch (result.kind) {
      case 'dicom': {
        if (selection.seenInstances.has(result.header.sopInstanceUid)) {
          selection.notAdded.push({ name, reason: 'This image was added already (the same image is in another file).' });
          continue;
        }
        selection.seenInstances.add(result.header.sopInstanceUid);
        selection.items.push({ id: selection.nextId++, file, name, size: file.size, kind: 'dicom', studies: new Map([[result.header.studyInstanceUid, { header: result.header, count: 1 }]]) });
        break;
      }
      case 'zip': {
        const studies = new Map();
        for (const entry of result.entries) {
          const uid = entry.header.studyInstanceUid;
          const study = studies.get(uid) || { header: entry.header, count: 0 };
          study.count++;
          studies.set(uid, study);
        }
        selection.items.push({ id: selection.nextId++, file, name, size: file.size, kind: 'zip', studies, notDicom: result.notDicom });
        break;
      }
      case 'attachment':
        selection.attachments.push({ id: selection.nextId++, file, name, size: file.size, type: result.type, studyUid: null, selected: false });
        break;
      case 'refused':
        selection.notAdded.push({ name, reason: result.reason });
        break;
      default:
        continue; // skipped quietly (DICOMDIR, system files)
    }
    selection.seenFiles.add(key);
  }
  linkAutomatically(selection);
}

/** The studies found, in the order first seen: { uid, header, dicomFiles, nonDicomFiles, comment }. */
export function studies(selection) {
  const found = new Map();
  for (const item of selection.items) {
    for (const [uid, { header, count }] of item.studies) {
      const study = found.get(uid) || { uid, header, dicomFiles: 0 };
      study.dicomFiles += count;
      found.set(uid, study);
    }
  }
  return [...found.values()].map((study) => ({
    ...study,
    nonDicomFiles: selection.attachments.filter((a) => a.studyUid === study.uid).length,
    comment: selection.comments.get(study.uid) || '',
  }));
}

/** The patients named in the files, each once (name, ID and birth date as found). */
export function patients(selection) {
  const seen = new Map();
  for (const study of studies(selection)) {
    const { patientName, patientId, patientBirthDate } = study.header;
    const key = `${patientName}|${patientId}|${patientBirthDate}`;
    if (!seen.has(key)) seen.set(key, { name: patientName, id: patientId, birthDate: patientBirthDate });
  }
  return [...seen.values()];
}

export const unlinked = (selection) => selection.attachments.filter((a) => a.studyUid === null);

export const totalBytes = (selection) =>
  selection.items.reduce((n, i) => n + i.size, 0) + selection.attachments.reduce((n, a) => n + a.size, 0);

/** With exactly one study, every non-DICOM file not yet in a study joins it, unless that would pass the per-study maximum. */
function linkAutomatically(selection) {
  const found = studies(selection);
  const waiting = unlinked(selection);
  if (found.length !== 1 || waiting.length === 0) return;
  addToStudy(selection, waiting, found[0].uid);
}

/** Adds non-DICOM files to a study; refuses them all (with the message) when the study would pass the maximum. */
export function addToStudy(selection, attachments, studyUid) {
  const max = selection.limits.maxNonDicomFilesPerStudy;
  const current = selection.attachments.filter((a) => a.studyUid === studyUid).length;
  if (current + attachments.length > max) {
    selection.refusal = MESSAGES.perStudy(current, max);
    return false;
  }
  for (const attachment of attachments) {
    attachment.studyUid = studyUid;
    attachment.selected = false;
  }
  selection.refusal = null;
  return true;
}

/** Removes a non-DICOM file; with one study, the files still waiting may now fit in it. */
export function removeAttachment(selection, id) {
  selection.refusal = null;
  selection.attachments = selection.attachments.filter((a) => a.id !== id);
  linkAutomatically(selection);
}

/**
 * Removes a study: its DICOM files, the ZIPs that hold it (a ZIP is sent whole, so its other studies go too) and the
 * non-DICOM files added to it. Answers the names of the ZIPs removed.
 */
export function removeStudy(selection, uid) {
  selection.refusal = null;
  const removed = selection.items.filter((i) => i.studies.has(uid));
  selection.items = selection.items.filter((i) => !i.studies.has(uid));
  for (const item of removed) {
    selection.seenFiles.delete(`${item.name}|${item.file.size}|${item.file.lastModified}`);
  }
  selection.seenInstances = new Set(selection.items.filter((i) => i.kind === 'dicom').flatMap((i) => [...i.studies.values()].map((s) => s.header.sopInstanceUid)));
  const remaining = new Set(studies(selection).map((s) => s.uid));
  selection.attachments = selection.attachments.filter((a) => a.studyUid === null || remaining.has(a.studyUid));
  selection.comments.delete(uid);
  linkAutomatically(selection);
  return removed.filter((i) => i.kind === 'zip').map((i) => i.name);
}

/**
 * The rules broken now, each { rule, message, files? }, in the order the page shows them. The server checks the same
 * rules when the upload starts.
 */
export function brokenRules(selection) {
  const { maxSessionBytes, maxStudiesPerSession, maxNonDicomFilesPerStudy } = selection.limits;
  const found = studies(selection);
  const waiting = unlinked(selection);
  const broken = [];
  if (selection.attachments.length > 0 && found.length === 0) {
    broken.push({ rule: 'nonDicomWithoutDicom', message: MESSAGES.nonDicomWithoutDicom });
  }
  if (totalBytes(selection) > maxSessionBytes) {
    broken.push({ rule: 'totalSize', message: MESSAGES.totalSize, detail: `The files add up to ${formatBytes(totalBytes(selection))}; one upload may hold at most ${formatBytes(maxSessionBytes)}. Remove some files and send them in another upload.` });
  }
  if (found.length > maxStudiesPerSession) {
    broken.push({ rule: 'studiesPerSession', message: MESSAGES.studyCount(maxStudiesPerSession), detail: `These files hold ${found.length} studies. Remove some studies and send them in another upload.` });
  }
  if (found.length > 1 && waiting.length > 0) {
    broken.push({ rule: 'unlinkedNonDicom', message: MESSAGES.unlinked, files: waiting.map((a) => a.name) });
  } else if (found.length === 1 && waiting.length > 0) {
    // One study, but its non-DICOM files could not all join it: they would pass the maximum.
    const current = selection.attachments.filter((a) => a.studyUid === found[0].uid).length;
    broken.push({ rule: 'nonDicomPerStudy', message: MESSAGES.perStudy(current, maxNonDicomFilesPerStudy) });
  } else if (selection.refusal) {
    broken.push({ rule: 'nonDicomPerStudy', message: selection.refusal });
  }
  return broken;
}

/** The manifest the server checks before any byte is sent (POST /api/portal/session/manifest). */
export function manifest(selection, { email, phone, privacyAccepted, consentAccepted }) {
  return {
    email: email || null,
    phone: phone || null,
    privacyAccepted,
    consentAccepted,
    totalBytes: totalBytes(selection),
    unlinkedNonDicomFiles: unlinked(selection).length,
    studies: studies(selection).map((s) => ({
      studyInstanceUid: s.uid,
      comment: s.comment.trim() || null,
      dicomFiles: s.dicomFiles,
      nonDicomFiles: s.nonDicomFiles,
    })),
  };
}

/** What is sent, one tus upload each: DICOM files and ZIPs as chosen, non-DICOM files with their study. */
export function uploads(selection) {
  return [
    ...selection.items.map((i) => ({ file: i.file, name: i.name, kind: i.kind, type: i.kind === 'zip' ? 'application/zip' : 'application/dicom' })),
    ...selection.attachments.filter((a) => a.studyUid !== null).map((a) => ({ file: a.file, name: a.name, kind: 'attachment', type: a.type, studyInstanceUid: a.studyUid })),
  ];
}

/** A personal e-mail address as typed: empty is fine (it is optional), else it must look like name@example.org. */
export function emailProblem(value) {
  const text = value.trim();
  if (text === '') return null;
  return /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(text) && text.length <= 254 ? null : MESSAGES.email;
}

/** A mobile number as typed: empty is fine, else 6 to 15 digits, an optional leading +, spaces, dashes, dots, slashes or brackets between. */
export function phoneProblem(value) {
  const text = value.trim();
  if (text === '') return null;
  const digits = text.replace(/\D/g, '').length;
  return /^\+?[0-9][0-9 ()./-]*[0-9]$/.test(text) && text.length <= 32 && digits >= 6 && digits <= 15 ? null : MESSAGES.phone;
}
