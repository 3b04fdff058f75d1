// The Upload Portal's two panels: 1 "Select images you wish to upload" (files, a folder, drag and drop) and 2 "Verify
// patient and study information and upload images" (patient, contact details, studies, non-DICOM files, privacy and
// consent, START UPLOAD). Every rule is checked after each change and its message shown at once (role=alert).
import { el, formatBytes, filePath, mapLimit, droppedFiles } from './file-helpers.js';
import { inspectFile } from './portal-files.js';
import {
  addInspected, addToStudy, brokenRules, emailProblem, newSelection, patients, phoneProblem, removeAttachment, removeStudy,
  studies, totalBytes, unlinked,
} from './portal-selection.js';

const READ_PARALLELISM = 4;
const SHOWN_NOT_ADDED = 8;

/**
 * Draws both panels into `root` for a session and calls `onStart(selection, contact)` when START UPLOAD is pressed
 * (it answers an error message to show, or null). Answers { selection, showError(message) }.
 */
export function renderPanels(root, session, { onStart, notice }) {
  const selection = newSelection({
    maxSessionBytes: session.maxSessionBytes,
    maxStudiesPerSession: session.maxStudiesPerSession,
    maxNonDicomFilesPerStudy: session.maxNonDicomFilesPerStudy ?? 10,
    maxFileBytes: session.maxFileBytes ?? 0,
  });
  const ui = { reading: null, startError: null, starting: false, emailTouched: false, phoneTouched: false };

  // ---- Panel 1 ----
  const panel1 = el('section', { class: 'card portal-panel', 'aria-labelledby': 'panel-select-title' });
  panel1.append(stepHeading('1', 'panel-select-title', 'Select images you wish to upload'));
  panel1.append(el('p', { class: 'muted portal-lead' }, 'Images from a CD or DVD, a USB stick, a folder or a ZIP file. You can add images more than once before you start the upload.'));

  const filePicker = picker(false);
  const folderPicker = picker(true);
  const drop = el('div', { class: 'portal-drop', 'data-portal-drop': '' });
  drop.append(dropIcon(), el('p', { class: 'portal-drop-title' }, 'Drag and drop images'), el('p', { class: 'muted' }, 'Files, folders or ZIP files: drop them here'));
  const buttons = el('div', { class: 'portal-pick' });
  const pickFiles = el('button', { type: 'button', class: 'button button-primary portal-big' }, 'Select images or ZIP file');
  const pickFolder = el('button', { type: 'button', class: 'button portal-big' }, 'Select a folder');
  pickFiles.addEventListener('click', () => filePicker.click());
  pickFolder.addEventListener('click', () => folderPicker.click());
  buttons.append(pickFiles, pickFolder);
  drop.append(buttons, el('p', { class: 'muted portal-small' }, 'For a CD or DVD, choose "Select a folder" and select the disc.'));
  panel1.append(drop, filePicker, folderPicker);
  const selected = el('div', { class: 'portal-selected' });
  panel1.append(selected);

  // ---- Panel 2 ----
  const panel2 = el('section', { class: 'card portal-panel', 'aria-labelledby': 'panel-verify-title' });
  panel2.append(stepHeading('2', 'panel-verify-title', 'Verify patient and study information and upload images'));
  const unavailable = el('p', { class: 'muted portal-lead' }, 'Available once you have added images in step 1.');
  const body = el('div', { class: 'portal-verify' });
  const alerts = el('div', { class: 'portal-alerts' });
  const patientBox = el('div');
  const studiesBox = el('div');
  const unlinkedBox = el('div');

  const contact = el('fieldset', { class: 'portal-fieldset' });
  contact.append(el('legend', {}, 'Your contact details (optional)'));
  contact.append(el('p', { class: 'muted portal-small' }, 'The hospital uses them only if it has a question about these images.'));
  const email = field('portal-email', 'Personal e-mail', 'email', 'email');
  const phone = field('portal-phone', 'Mobile number', 'tel', 'tel');
  const contactGrid = el('div', { class: 'portal-contact-fields' });
  contactGrid.append(email.wrap, phone.wrap);
  contact.append(contactGrid);
  // Checked when the field is left, then again on every key (a message never appears while the first address is typed).
  email.input.addEventListener('input', () => updateContact());
  email.input.addEventListener('blur', () => { ui.emailTouched ||= email.input.value.trim() !== ''; updateContact(); });
  phone.input.addEventListener('input', () => updateContact());
  phone.input.addEventListener('blur', () => { ui.phoneTouched ||= phone.input.value.trim() !== ''; updateContact(); });

  const consent = el('fieldset', { class: 'portal-fieldset' });
  consent.append(el('legend', {}, 'Privacy and consent'));
  const policy = el('div', { class: 'portal-policy', id: 'portal-privacy-text', tabindex: '0', role: 'region', 'aria-label': 'Privacy policy' });
  policy.textContent = session.privacyPolicy || `${session.institutionName || 'The hospital'} uses the images and documents you upload only for your care, and keeps them as part of your medical record.`;
  const privacyBox = checkbox('portal-privacy', 'I have read and accept the privacy policy');
  privacyBox.input.setAttribute('aria-describedby', 'portal-privacy-text');
  const consentBox = checkbox('portal-consent', session.consentText || `I consent to sending these images to ${session.institutionName || 'the hospital'}.`);
  consent.append(policy, privacyBox.wrap, consentBox.wrap);
  privacyBox.input.addEventListener('change', () => updateStart());
  consentBox.input.addEventListener('change', () => updateStart());

  const start = el('button', { type: 'button', class: 'button button-primary portal-big portal-start', disabled: true }, 'START UPLOAD');
  const startHint = el('p', { class: 'muted portal-small', id: 'portal-start-hint' });
  start.setAttribute('aria-describedby', 'portal-start-hint');
  const startError = el('div', { class: 'portal-start-error' });
  start.addEventListener('click', async () => {
    if (start.disabled) return;
    ui.starting = true;
    ui.startError = null;
    updateStart();
    ui.startError = await onStart(selection, { email: email.input.value.trim(), phone: phone.input.value.trim(), privacyAccepted: privacyBox.input.checked, consentAccepted: consentBox.input.checked });
    ui.starting = false;
    if (ui.startError) update();
  });

  body.append(alerts, patientBox, contact, studiesBox, unlinkedBox, consent, startError, el('div', { class: 'portal-start-row' }, undefined));
  body.lastChild.append(start, startHint);
  panel2.append(unavailable, body);

  root.replaceChildren();
  if (notice) root.append(notice);
  root.append(panel1, panel2);

  // ---- Adding files ----
  for (const input of [filePicker, folderPicker]) {
    input.addEventListener('change', () => {
      const files = [...input.files];
      input.value = '';
      addFiles(files);
    });
  }
  const dragging = (event) => [...(event.dataTransfer?.types || [])].includes('Files');
  const onDragOver = (event) => {
    if (!dragging(event) || !root.isConnected) return;
    event.preventDefault(); // never let the browser open a dropped file instead of the page
    event.dataTransfer.dropEffect = 'copy';
    drop.classList.add('dragging');
  };
  const onDragLeave = (event) => {
    if (!event.relatedTarget || !document.documentElement.contains(event.relatedTarget)) drop.classList.remove('dragging');
  };
  const onDrop = async (event) => {
    if (!dragging(event) || !root.isConnected) return;
    event.preventDefault();
    drop.classList.remove('dragging');
    addFiles(await droppedFiles(event.dataTransfer));
  };
  document.addEventListener('dragenter', onDragOver);
  document.addEventListener('dragover', onDragOver);
  document.addEventListener('dragleave', onDragLeave);
  document.addEventListener('drop', onDrop);
  const detach = () => {
    document.removeEventListener('dragenter', onDragOver);
    document.removeEventListener('dragover', onDragOver);
    document.removeEventListener('dragleave', onDragLeave);
    document.removeEventListener('drop', onDrop);
  };

  async function addFiles(files) {
    if (files.length === 0) return;
    const reading = { done: 0, total: files.length };
    ui.reading = reading;
    update();
    const inspected = new Array(files.length);
    await mapLimit(files, READ_PARALLELISM, async (file, index) => {
      inspected[index] = { file, name: filePath(file), result: await inspectFile(file) };
      reading.done++;
      if (reading.done % 10 === 0) updateSelected();
    });
    addInspected(selection, inspected);
    if (ui.reading === reading) ui.reading = null;
    update();
  }

  // ---- Drawing ----
  function update() {
    updateSelected();
    const found = studies(selection);
    const any = selection.items.length + selection.attachments.length > 0;
    unavailable.hidden = any;
    body.hidden = !any;
    panel2.classList.toggle('portal-panel-off', !any);

    alerts.replaceChildren(...brokenRules(selection).map(ruleAlert));
    drawPatients(patientBox, selection);
    contact.hidden = found.length === 0;
    drawStudies(studiesBox, selection, found, update);
    drawUnlinked(unlinkedBox, selection, found, update);

    startError.replaceChildren();
    if (ui.startError) startError.append(el('p', { class: 'notice notice-error', role: 'alert' }, ui.startError));
    updateContact();
  }

  function updateContact() {
    email.show(ui.emailTouched ? emailProblem(email.input.value) : null);
    phone.show(ui.phoneTouched ? phoneProblem(phone.input.value) : null);
    updateStart();
  }

  function updateSelected() {
    selected.replaceChildren();
    if (ui.reading) {
      selected.append(el('p', { class: 'portal-reading', role: 'status' }, `Reading files… ${ui.reading.done} of ${ui.reading.total}`));
    }
    const count = selection.items.length + selection.attachments.length;
    if (count > 0) {
      const line = el('div', { class: 'portal-summary' });
      const dicom = studies(selection).reduce((n, s) => n + s.dicomFiles, 0);
      line.append(el('p', { role: 'status' }, `${count} ${count === 1 ? 'file' : 'files'} added (${formatBytes(totalBytes(selection))}): ${dicom} DICOM ${dicom === 1 ? 'image' : 'images'}, ${selection.attachments.length} non-DICOM ${selection.attachments.length === 1 ? 'file' : 'files'}.`));
      const clear = el('button', { type: 'button', class: 'button' }, 'Remove all files');
      clear.addEventListener('click', () => {
        const fresh = newSelection(selection.limits);
        Object.assign(selection, fresh);
        update();
      });
      line.append(clear);
      selected.append(line);
    }
    if (selection.notAdded.length > 0) {
      const box = el('div', { class: 'notice notice-warning portal-not-added', role: 'alert' });
      const n = selection.notAdded.length;
      box.append(el('p', { class: 'portal-strong' }, `${n} ${n === 1 ? 'file was' : 'files were'} not added:`));
      const list = el('ul');
      for (const item of selection.notAdded.slice(0, SHOWN_NOT_ADDED)) {
        const li = el('li');
        li.append(el('span', { class: 'mono' }, item.name), `: ${item.reason}`);
        list.append(li);
      }
      if (n > SHOWN_NOT_ADDED) list.append(el('li', {}, `and ${n - SHOWN_NOT_ADDED} more.`));
      box.append(list);
      const dismiss = el('button', { type: 'button', class: 'button-link' }, 'Hide this message');
      dismiss.addEventListener('click', () => { selection.notAdded = []; updateSelected(); });
      box.append(dismiss);
      selected.append(box);
    }
  }

  function updateStart() {
    const rules = brokenRules(selection);
    const broken = rules.length > 0;
    const found = studies(selection).length;
    const contactProblem = emailProblem(email.input.value) || phoneProblem(phone.input.value);
    const consented = privacyBox.input.checked && consentBox.input.checked;
    start.disabled = ui.starting || ui.reading !== null || found === 0 || broken || !!contactProblem || !consented;
    start.textContent = ui.starting ? 'Starting…' : 'START UPLOAD';
    startHint.textContent = ui.reading ? 'Wait until every file has been read.'
      : found === 0 ? 'Add at least one DICOM image.'
        : broken ? `Solve the problems shown above first: ${rules.map((r) => r.message.replace(/[.:]$/, '')).join('; ')}.`
          : contactProblem ? 'Correct your contact details, or leave them empty.'
            : !consented ? 'Tick both boxes above to start the upload.'
              : 'Ready. The upload starts when you press START UPLOAD.';
  }

  update();
  return { selection, detach, showError: (message) => { ui.startError = message; update(); } };
}

function ruleAlert(rule) {
  const box = el('div', { class: 'notice notice-error portal-rule', role: 'alert', 'data-rule': rule.rule });
  box.append(el('p', { class: 'portal-strong' }, rule.message));
  if (rule.detail) box.append(el('p', { class: 'portal-rule-detail' }, rule.detail));
  if (rule.files) {
    const list = el('ul');
    for (const name of rule.files) list.append(el('li', { class: 'mono' }, name));
    box.append(list);
  }
  return box;
}

function drawPatients(box, selection) {
  box.replaceChildren();
  const found = patients(selection);
  if (found.length === 0) return;
  box.append(el('h3', {}, found.length === 1 ? 'Patient' : 'Patients'));
  if (found.length > 1) {
    box.append(el('p', { class: 'notice notice-warning', role: 'status' }, `These images belong to ${found.length} different patients. Check that you selected the right images.`));
  }
  for (const patient of found) {
    const facts = el('dl', { class: 'facts portal-patient' });
    fact(facts, 'Name', personName(patient.name));
    fact(facts, 'Birth date', dicomDate(patient.birthDate));
    fact(facts, 'Patient ID', patient.id || '—');
    box.append(facts);
  }
}

function drawStudies(box, selection, found, update) {
  box.replaceChildren();
  if (found.length === 0) return;
  box.append(el('h3', {}, found.length === 1 ? 'Study' : `Studies (${found.length})`));
  found.forEach((study, index) => {
    const card = el('article', { class: 'portal-study', 'aria-label': `Study ${index + 1}`, 'data-study': study.uid });
    const head = el('div', { class: 'portal-study-head' });
    head.append(el('h4', {}, `Study ${index + 1}: ${study.header.studyDescription || 'no description'}`));
    const remove = el('button', { type: 'button', class: 'button', 'aria-label': `Remove study ${index + 1}` }, 'Remove');
    remove.addEventListener('click', () => { removeStudy(selection, study.uid); update(); });
    head.append(remove);
    card.append(head);
    const facts = el('dl', { class: 'facts portal-study-facts' });
    fact(facts, 'Date', dicomDate(study.header.studyDate));
    fact(facts, 'Description', study.header.studyDescription || '—');
    fact(facts, 'Modality', study.header.modality || '—');
    fact(facts, 'Accession number', study.header.accessionNumber || '—');
    fact(facts, 'DICOM files', String(study.dicomFiles));
    fact(facts, 'Non-DICOM files', String(study.nonDicomFiles));
    card.append(facts);
    const attached = selection.attachments.filter((a) => a.studyUid === study.uid);
    if (attached.length > 0) {
      const list = el('ul', { class: 'portal-files' });
      for (const attachment of attached) list.append(attachmentLine(selection, attachment, update));
      card.append(list);
    }
    const id = `portal-comment-${index}`;
    const comment = el('div', { class: 'field' });
    comment.append(el('label', { for: id }, `Comment for study ${index + 1} (optional)`));
    const area = el('textarea', { id, rows: '2', maxlength: '1000', placeholder: 'For example: the reason for the examination, or what the doctor should look at' });
    area.value = study.comment;
    area.addEventListener('input', () => selection.comments.set(study.uid, area.value));
    comment.append(area);
    card.append(comment);
    box.append(card);
  });
}

function drawUnlinked(box, selection, found, update) {
  box.replaceChildren();
  const waiting = unlinked(selection);
  if (waiting.length === 0) return;
  const section = el('div', { class: 'portal-unlinked' });
  section.append(el('h3', {}, 'Non-DICOM files not yet in a study'));
  const list = el('ul', { class: 'portal-files' });
  const canLink = found.length > 0;
  for (const attachment of waiting) {
    const li = attachmentLine(selection, attachment, update, canLink);
    list.append(li);
  }
  section.append(list);
  if (canLink) {
    const chosen = waiting.filter((a) => a.selected);
    const row = el('div', { class: 'portal-link-row' });
    const pickId = 'portal-link-study';
    const pickWrap = el('div', { class: 'field' });
    pickWrap.append(el('label', { for: pickId }, 'Study'));
    const pick = el('select', { id: pickId });
    found.forEach((study, index) => pick.append(el('option', { value: study.uid }, `Study ${index + 1}: ${study.header.studyDescription || 'no description'} (${dicomDate(study.header.studyDate)})`)));
    pick.value = selection.linkTarget && found.some((s) => s.uid === selection.linkTarget) ? selection.linkTarget : found[0].uid;
    pick.addEventListener('change', () => { selection.linkTarget = pick.value; });
    pickWrap.append(pick);
    const add = el('button', { type: 'button', class: 'button button-primary', disabled: chosen.length === 0 }, `Add ${chosen.length} selected files to study`);
    add.addEventListener('click', () => {
      addToStudy(selection, waiting.filter((a) => a.selected), pick.value);
      update();
    });
    row.append(pickWrap, add);
    section.append(row);
  }
  box.append(section);
}

function attachmentLine(selection, attachment, update, selectable = false) {
  const li = el('li', { class: 'portal-file' });
  if (selectable) {
    const id = `portal-attachment-${attachment.id}`;
    const box = el('input', { type: 'checkbox', id });
    box.checked = attachment.selected;
    box.addEventListener('change', () => { attachment.selected = box.checked; update(); document.getElementById(id)?.focus(); });
    const label = el('label', { for: id, class: 'checkbox' });
    label.append(box, el('span', { class: 'mono' }, attachment.name));
    li.append(label);
  } else {
    li.append(el('span', { class: 'mono' }, attachment.name));
  }
  li.append(el('span', { class: 'muted' }, `${kindName(attachment.type)}, ${formatBytes(attachment.size)}`));
  const remove = el('button', { type: 'button', class: 'button-link', 'aria-label': `Remove ${attachment.name}` }, 'Remove');
  remove.addEventListener('click', () => { removeAttachment(selection, attachment.id); update(); });
  li.append(remove);
  return li;
}

// ---- small pieces ----

function stepHeading(step, id, text) {
  const h = el('h2', { id, class: 'portal-step-title' });
  h.append(el('span', { class: 'portal-step', 'aria-hidden': 'true' }, step), text);
  return h;
}

function picker(folder) {
  const input = el('input', { type: 'file', multiple: true, hidden: true, 'aria-hidden': 'true', 'data-portal-input': folder ? 'folder' : 'files' });
  if (folder) input.webkitdirectory = true;
  return input;
}

function field(id, label, type, autocomplete) {
  const wrap = el('div', { class: 'field' });
  wrap.append(el('label', { for: id }, label));
  const input = el('input', { id, type, autocomplete, 'aria-describedby': `${id}-error` });
  const error = el('div', { class: 'field-error', id: `${id}-error`, role: 'alert' });
  wrap.append(input, error);
  return {
    wrap,
    input,
    show(message) {
      error.textContent = message || '';
      if (message) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    },
  };
}

function checkbox(id, text) {
  const wrap = el('div', { class: 'portal-check' });
  const label = el('label', { for: id, class: 'checkbox' });
  const input = el('input', { type: 'checkbox', id });
  label.append(input, el('span', {}, text));
  wrap.append(label);
  return { wrap, input };
}

function fact(dl, term, value) {
  dl.append(el('dt', {}, term), el('dd', {}, value));
}

function dropIcon() {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '40');
  svg.setAttribute('height', '40');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute('d', 'M19.35 10.04A7.49 7.49 0 0 0 12 4C9.11 4 6.6 5.64 5.35 8.04A5.994 5.994 0 0 0 0 14c0 3.31 2.69 6 6 6h13c2.76 0 5-2.24 5-5 0-2.64-2.05-4.78-4.65-4.96zM14 13v4h-4v-4H7l5-5 5 5h-3z');
  svg.append(path);
  return svg;
}

/** A DICOM person name (Family^Given^Middle^Prefix^Suffix) as people write it: "Family, Given Middle". */
export function personName(value) {
  if (!value) return '—';
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = value.split('=')[0].split('^').map((p) => p.trim());
  const first = [prefix, given, middle].filter(Boolean).join(' ');
  return [family, [first, suffix].filter(Boolean).join(' ')].filter(Boolean).join(', ') || '—';
}

/** A DICOM date (YYYYMMDD) in the reader's own format, or the value as found when it is not a date. */
export function dicomDate(value) {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value || '');
  if (!match) return value || '—';
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

function kindName(type) {
  return type === 'application/pdf' ? 'PDF' : type === 'image/png' ? 'PNG picture' : 'JPEG picture';
}
