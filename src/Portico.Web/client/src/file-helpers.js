// Small helpers shared by the staff uploads and the Upload Portal: dropped folders, bounded parallelism, sizes, DOM,
// problem answers.

/** Files of a drop, folders walked recursively (their paths kept as relativePath). */
export async function droppedFiles(dataTransfer) {
  const entries = [...(dataTransfer.items || [])].map((item) => item.webkitGetAsEntry?.()).filter(Boolean);
  if (entries.length === 0) return [...dataTransfer.files];
  const files = [];
  const walk = async (entry, path) => {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      if (path) Object.defineProperty(file, 'relativePath', { value: path + file.name });
      files.push(file);
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child, `${path}${entry.name}/`);
      }
    }
  };
  for (const entry of entries) await walk(entry, '');
  return files;
}

/** Runs fn over items, at most `limit` at a time. */
export async function mapLimit(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** A size as people read it: 512 bytes, 1.5 MB, 12 GB. */
export function formatBytes(bytes) {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} bytes` : `${value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`;
}

/** An element with attributes and text (text is always text, never markup). */
export function el(tag, attributes, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(key, value === true ? '' : value);
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The path a file was chosen or dropped with (folder/file.dcm), else its name. */
export function filePath(file) {
  return file.relativePath || file.webkitRelativePath || file.name;
}

/** The `detail` of an RFC 9457 problem answer, else its title, else the status. */
export async function problemFromResponse(response) {
  try {
    const problem = await response.json();
    return problem.detail || problem.title || `The server answered ${response.status}.`;
  } catch {
    return `The server answered ${response.status}.`;
  }
}

/** The `detail` (else title) of the problem a tus request was answered with, else null. */
export function tusProblemDetail(error, response) {
  const body = response?.body ?? error?.originalResponse?.getBody?.();
  if (typeof body === 'string' && body.startsWith('{')) {
    try {
      const problem = JSON.parse(body);
      return problem.detail || problem.title || null;
    } catch {
      return null;
    }
  }
  return null;
}
