// Reads a DICOM file's header in the browser, from its first bytes only (up to the pixel data): the staff upload asks
// the server whether an instance is stored before sending it, and the Upload Portal shows the patient and studies
// found in the files before anything is sent.
import dicomParser from 'dicom-parser';

const FIRST_READ = 512 * 1024;
const LARGEST_HEADER = 16 * 1024 * 1024;

/** The SOP Instance UID, or null when the file is not a DICOM Part 10 file (a ZIP, say) or the header cannot be read. */
export async function readSopInstanceUid(file) {
  return (await readDicomHeader(file))?.sopInstanceUid ?? null;
}

/**
 * The header attributes the portal shows, read from a Blob (a File, or a slice reader with the same `size` and
 * `slice(start, end).arrayBuffer()`), or null when it is not a DICOM Part 10 file. Reads 512 KB first, more only when
 * the header is longer.
 */
export async function readDicomHeader(file) {
  for (let length = FIRST_READ; ; length *= 4) {
    const bytes = new Uint8Array(await file.slice(0, Math.min(length, file.size)).arrayBuffer());
    const header = parseDicomHeader(bytes);
    if (header === null) return null;
    if (header.sopInstanceUid && header.studyInstanceUid) return header;
    if (length >= file.size || length >= LARGEST_HEADER) return header.sopInstanceUid ? header : null;
  }
}

/**
 * Parses the header from the first bytes of a file (they need not hold the whole file): null when they do not start
 * like a DICOM Part 10 file, else the attributes found (those beyond the bytes given are null).
 */
export function parseDicomHeader(bytes) {
  if (!isDicomPart10(bytes)) return null;
  let dataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
  } catch (error) {
    // A header longer than the bytes read: the elements parsed so far are kept.
    dataSet = error?.dataSet;
  }
  const text = (tag) => {
    try {
      return dataSet?.string(tag)?.replace(/\0/g, '').trim() || null;
    } catch {
      return null;
    }
  };
  return {
    sopInstanceUid: text('x00080018'),
    studyInstanceUid: text('x0020000d'),
    patientName: text('x00100010'),
    patientId: text('x00100020'),
    patientBirthDate: text('x00100030'),
    studyDate: text('x00080020'),
    studyDescription: text('x00081030'),
    modality: text('x00080060'),
    accessionNumber: text('x00080050'),
  };
}

/** Whether the bytes start with the 128-byte preamble and "DICM". */
export function isDicomPart10(bytes) {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}
