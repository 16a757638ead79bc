// One open-loop generator process (forked by ../open-loop.ts): its own event loop and file
// descriptor table, so nothing else in the bench delays its sends or competes for sockets.
// Protocol over IPC: {config} → ready → {startAtEpochMs} → done.
import { OpenLoopClient } from './client.ts';
import type { ClientConfig, ClientReport, ConnectReport } from './client.ts';

export type ParentMessage =
  | { readonly type: 'configure'; readonly config: ClientConfig }
  | { readonly type: 'start'; readonly startAtEpochMs: number };

export type ChildMessage =
  | ({ readonly type: 'ready' } & ConnectReport)
  | { readonly type: 'done'; readonly report: ClientReport };

let client: OpenLoopClient | undefined;

function reply(message: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send?.(message, undefined, {}, (err: Error | null) => (err ? reject(err) : resolve())),
  );
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'configure') {
    client = new OpenLoopClient(message.config);
    void client.connect().then((ready) => reply({ type: 'ready', ...ready }));
  } else if (client) {
    void client
      .run(message.startAtEpochMs)
      .then((report) => reply({ type: 'done', report }))
      .then(() => process.disconnect());
  }
});
