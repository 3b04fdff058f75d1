// Reads a DICOM file's SOP Instance UID in the browser, from its header only (the first bytes, up to the pixel data),
// so the server can be asked whether the instance is stored before the file is sent.
import dicomParser from 'dicom-parser';

const FIRST_READ = 512 * 1024;
const LARGEST_HEADER = 16 * 1024 * 1024;

/** The SOP Instance UID, or null when the file is not a DICOM Part 10 file (a ZIP, say) or the header cannot be read. */
export async function readSopInstanceUid(file) {
  for (let length = FIRST_READ; ; length *= 4) {
    const bytes = new Uint8Array(await file.slice(0, Math.min(length, file.size)).arrayBuffer());
    if (bytes.length < 132 || String.fromCharCode(...bytes.subarray(128, 132)) !== 'DICM') return null;
    let dataSet;
    try {
      dataSet = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' });
    } catch (error) {
      // A header longer than what was read: the elements parsed so far may already hold the UID.
      dataSet = error?.dataSet;
    }
    const uid = dataSet?.string('x00080018')?.replace(/\0/g, '').trim();
    if (uid) return uid;
    if (length >= file.size || length >= LARGEST_HEADER) return null;
  }
}
