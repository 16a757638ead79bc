import { parentPort, workerData } from 'node:worker_threads';
import { createStoreCore, toWireError } from './event-store-core.ts';
import type { CoreOptions, CoreRequest } from './event-store-core.ts';

/** Worker-thread entry: one store connection answering requests in arrival order. */
const port = parentPort;
if (port === null) throw new Error('event-store-worker must run in a worker thread');

let core: ReturnType<typeof createStoreCore> | undefined;
try {
  core = createStoreCore(workerData as CoreOptions);
  port.postMessage({ id: 0, ok: true, result: 'ready' });
} catch (err) {
  port.postMessage({ id: 0, ok: false, error: toWireError(err) });
}

port.on('message', (message: { id: number; request: CoreRequest }) => {
  if (!core) {
    port.postMessage({
      id: message.id,
      ok: false,
      error: { code: 'SIEM_STORE_UNAVAILABLE', message: 'event store did not open' },
    });
    return;
  }
  try {
    const result = core.handle(message.request);
    port.postMessage({ id: message.id, ok: true, result });
    if (message.request.op === 'close') port.close();
  } catch (err) {
    port.postMessage({ id: message.id, ok: false, error: toWireError(err) });
  }
});
