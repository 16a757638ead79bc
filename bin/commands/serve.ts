import type { Command } from 'commander';
import { createApp } from '../../app/index.ts';
import type { BootstrapSecrets } from '../../app/index.ts';
import { action, configFor } from '../context.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'start the platform (HTTP API, ingest, syslog when configured) on the embedded stores or DATABASE_URL',
    )
    .option('--config <file>', 'YAML or JSON configuration file (or SECOPS_CONFIG)')
    .option('--data-dir <dir>', 'data directory (or SECOPS_DATA_DIR)')
    .option('--host <host>', 'listen address (or SECOPS_HOST)')
    .option('--port <port>', 'listen port (or SECOPS_PORT)')
    .action(
      action(
        async (options: { config?: string; dataDir?: string; host?: string; port?: string }) => {
          const config = configFor(options, {
            ...(options.host !== undefined ? { 'server.host': options.host } : {}),
            ...(options.port !== undefined ? { 'server.port': options.port } : {}),
          });
          let secrets: BootstrapSecrets | undefined;
          const app = await createApp(config, {
            onBootstrap: (s) => {
              secrets = s;
            },
          });
          let started;
          try {
            started = await app.start();
          } catch (err) {
            await app.stop('failed to start');
            throw err;
          }
          if (secrets) printBootstrap(secrets, started.url);
          process.stdout.write(
            `ClayTom SecOps is listening on ${started.url} (data in ${config.dataDir})\n`,
          );
          if (started.syslog?.tcp)
            process.stdout.write(
              `syslog TCP on ${started.syslog.tcp.address}:${String(started.syslog.tcp.port)}\n`,
            );
          if (started.syslog?.udp)
            process.stdout.write(
              `syslog UDP on ${started.syslog.udp.address}:${String(started.syslog.udp.port)}\n`,
            );
          const signal = await new Promise<string>((resolve) => {
            process.once('SIGTERM', () => resolve('SIGTERM'));
            process.once('SIGINT', () => resolve('SIGINT'));
          });
          await app.stop(signal);
          return 0;
        },
      ),
    );
}

function printBootstrap(secrets: BootstrapSecrets, url: string): void {
  const lines = [
    '',
    'First start: credentials below are shown once and stored only as hashes. Keep them now.',
  ];
  if (secrets.adminToken)
    lines.push(`  admin API token (bootstrap-admin):   ${secrets.adminToken}`);
  for (const s of secrets.sourceTokens)
    lines.push(`  ingest token for source "${s.name}":`.padEnd(40) + s.token);
  const ingest = secrets.sourceTokens[0];
  if (ingest) {
    lines.push(
      '',
      'Send an event:',
      `  curl -H 'Authorization: Bearer ${ingest.token}' --data-binary '{"message":"hello"}' ${url}/ingest`,
    );
  }
  if (secrets.adminToken)
    lines.push(
      'Search:',
      `  curl -H 'Authorization: Bearer ${secrets.adminToken}' '${url}/events/search?q=hello'`,
    );
  process.stdout.write(`${lines.join('\n')}\n\n`);
}
