// What the Upload Portal makes of each file a patient selects or drops: a DICOM image (its header read), a ZIP (the
// headers of its DICOM entries read, entry by entry, only the first bytes of each), a non-DICOM attachment (PDF, JPEG,
// PNG), or a file that is left out and why. Nothing here sends anything.
import { BlobReader, ZipReader, configure } from '@zip.js/zip.js/lib/zip-core-native.js';
import { isDicomPart10, readDicomHeader } from './dicom-header.js';

// Decompression in this page (native DecompressionStream): no worker script to serve.
configure({ useWebWorkers: false });

export const ATTACHMENT_TYPES = { pdf: 'application/pdf', jpeg: 'image/jpeg', png: 'image/png' };
export const NOT_SUPPORTED = 'Only DICOM images, ZIP files, PDF documents and JPEG or PNG pictures can be uploaded.';
const SYSTEM_FILES = new Set(['.ds_store', 'thumbs.db', 'desktop.ini']);
const ZIP_ENTRY_FIRST_READ = 256 * 1024;

/**
 * Looks at one file: { kind: 'dicom', header } | { kind: 'zip', entries: [{ name, header }], notDicom } |
 * { kind: 'attachment', type } | { kind: 'skipped', reason } (DICOMDIR, system files: nothing to say) |
 * { kind: 'refused', reason } (the uploader is told).
 */
export async function inspectFile(file) {
  const base = file.name.split('/').pop();
  if (base.toUpperCase() === 'DICOMDIR') return { kind: 'skipped', reason: 'DICOMDIR is the index of a CD, not an image; the images next to it are uploaded.' };
  if (SYSTEM_FILES.has(base.toLowerCase()) || base.startsWith('._')) return { kind: 'skipped', reason: 'A file of the operating system, not an image.' };
  if (file.size === 0) return { kind: 'refused', reason: 'This file is empty.' };

  let head;
  try {
    head = new Uint8Array(await file.slice(0, 132).arrayBuffer());
  } catch {
    return { kind: 'refused', reason: 'This file could not be read. If it is on a CD, copy it to the computer first.' };
  }
  if (isDicomPart10(head)) {
    const header = await readDicomHeader(file);
    if (!header?.studyInstanceUid || !header.sopInstanceUid) return { kind: 'refused', reason: 'This DICOM file has no study or instance identifier and cannot be uploaded.' };
    return { kind: 'dicom', header };
  }
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    const zip = await inspectZip(file);
    // Word and other office files are ZIPs too: only a file named .zip is spoken of as a ZIP file.
    return zip.kind === 'refused' && !/\.zip$/i.test(base) ? { kind: 'refused', reason: NOT_SUPPORTED } : zip;
  }
  const type = attachmentType(head);
  if (type) return { kind: 'attachment', type };
  return { kind: 'refused', reason: NOT_SUPPORTED };
}

/** The type of a PDF, JPEG or PNG file from its first bytes (never from its name alone), else null. */
export function attachmentType(head) {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return ATTACHMENT_TYPES.pdf; // %PDF-
  if (startsWith(head, [0xff, 0xd8, 0xff])) return ATTACHMENT_TYPES.jpeg;
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return ATTACHMENT_TYPES.png;
  return null;
}

/**
 * The DICOM entries of a ZIP and their headers. The central directory is read from the end of the file, then each
 * entry is inflated only until its header has been read (256 KB first, more only for a longer header): a 4 GB ZIP
 * costs a few MB of reads, never the whole file in memory.
 */
async function inspectZip(file) {
  let reader;
  try {
    reader = new ZipReader(new BlobReader(file));
    const entries = await reader.getEntries();
    const found = [];
    let notDicom = 0;
    for (const entry of entries) {
      if (entry.directory) continue;
      const base = entry.filename.split('/').pop();
      if (!base || base.toUpperCase() === 'DICOMDIR' || SYSTEM_FILES.has(base.toLowerCase()) || base.startsWith('._') || entry.filename.startsWith('__MACOSX/')) continue;
      if (entry.encrypted) return { kind: 'refused', reason: 'This ZIP file is protected by a password. Upload the images without a password.' };
      const header = await readDicomHeader(entryAsBlob(entry));
      if (header?.studyInstanceUid && header.sopInstanceUid) {
        found.push({ name: entry.filename, header });
      } else {
        notDicom++;
      }
    }
    if (found.length === 0) return { kind: 'refused', reason: 'This ZIP file holds no DICOM images.' };
    return { kind: 'zip', entries: found, notDicom };
  } catch {
    return { kind: 'refused', reason: 'This ZIP file could not be opened. It may be damaged or incomplete.' };
  } finally {
    await reader?.close().catch(() => {});
  }
}

/** An entry seen as a Blob-like object (size, slice(0, n).arrayBuffer()) for readDicomHeader: only the start is inflated. */
function entryAsBlob(entry) {
  return {
    size: entry.uncompressedSize,
    slice: (start, end) => ({ arrayBuffer: () => entryStart(entry, Math.max(end, ZIP_ENTRY_FIRST_READ)).then((bytes) => bytes.slice(start, end).buffer) }),
  };
}

async function entryStart(entry, length) {
  const controller = new AbortController();
  const chunks = [];
  let total = 0;
  const sink = new WritableStream({
    write(chunk) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= length) controller.abort();
    },
  });
  try {
    await entry.getData(sink, { signal: controller.signal, checkSignature: false });
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  }
  const bytes = new Uint8Array(Math.min(total, length));
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= bytes.length) break;
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

function startsWith(bytes, prefix) {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}
