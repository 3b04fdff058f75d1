// Uploads one file to a tus server with tus-js-client (the protocol's reference client), optionally dropping the
// upload part-way and resuming it from the upload URL, as a browser does after a network drop.
// Usage: node upload.mjs ENDPOINT API_KEY FILE [--chunk BYTES] [--abort-after BYTES]
// Prints one line of JSON: { "url", "abortedAt", "resumedFrom", "bytesSent" }.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Upload } from 'tus-js-client';

const [endpoint, apiKey, file, ...rest] = process.argv.slice(2);
const option = (name) => { const i = rest.indexOf(name); return i >= 0 ? Number(rest[i + 1]) : undefined; };
const chunkSize = option('--chunk') ?? Infinity;
const abortAfter = option('--abort-after');
const data = readFileSync(file);

function start(uploadUrl, onProgress) {
  return new Promise((resolve, reject) => {
    let resumedFrom;
    const upload = new Upload(data, {
      endpoint,
      uploadUrl,
      chunkSize,
      retryDelays: [],
      headers: { Authorization: `Bearer ${apiKey}` },
      metadata: { filename: basename(file), filetype: 'application/dicom' },
      uploadSize: data.length,
      onProgress: (sent) => onProgress?.(upload, sent),
      onAfterResponse: (req, res) => {
        if (req.getMethod() === 'HEAD' && resumedFrom === undefined) resumedFrom = Number(res.getHeader('Upload-Offset'));
      },
      onSuccess: () => resolve({ url: upload.url, resumedFrom }),
      onError: reject,
    });
    upload.start();
  });
}

let abortedAt;
let url;
if (abortAfter !== undefined) {
  url = await new Promise((resolve, reject) => {
    start(undefined, (upload, sent) => {
      if (abortedAt === undefined && sent >= abortAfter && upload.url) {
        abortedAt = sent;
        upload.abort().then(() => resolve(upload.url), reject);
      }
    }).then(() => reject(new Error('the upload finished before it could be aborted')), reject);
  });
}

const done = await start(url);
console.log(JSON.stringify({ url: done.url, abortedAt, resumedFrom: done.resumedFrom, bytesSent: data.length }));
