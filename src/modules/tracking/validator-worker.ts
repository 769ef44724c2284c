// A worker thread of the EventValidator pool: checks publish requests off the main thread.
import { parentPort } from 'node:worker_threads';
import { checkPublishRequest, packRequest } from './model.js';

parentPort!.on('message', ({ id, text, now }: { id: number; text: string; now: number }) => {
  parentPort!.postMessage({ id, result: packRequest(checkPublishRequest(text, new Date(now))) });
});
