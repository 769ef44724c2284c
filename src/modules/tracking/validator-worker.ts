// A worker thread of the EventValidator pool: checks publish requests off the main thread.
import { parentPort } from 'node:worker_threads';
import { checkPublishRequest, packRequest } from './model.js';

parentPort!.on('message', ({ id, bytes, now }: { id: number; bytes: Uint8Array; now: number }) => {
  // Decoded as Node decodes a text body: a malformed sequence becomes U+FFFD.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  parentPort!.postMessage({ id, result: packRequest(checkPublishRequest(text, new Date(now))) });
});
