import type { Command } from 'commander';
import { rotateSecretsMasterKey } from '../../app/index.ts';
import { action, configFor } from '../context.ts';

/** `secops secrets …`: administration of the embedded secrets store. */
export function registerSecrets(program: Command): void {
  const secrets = program.command('secrets').description('administer the embedded secrets store');
  secrets
    .command('rotate-master-key')
    .description(
      'add a new master key first in the key file and re-wrap every data key under it (values are not re-encrypted); restart the server afterwards',
    )
    .option('--config <file>', 'configuration file')
    .option('--data-dir <dir>', 'data directory')
    .option('--id <id>', 'id of the new key (default k<n>)')
    .action(
      action(async (options: { config?: string; dataDir?: string; id?: string }) => {
        const report = await rotateSecretsMasterKey(
          configFor(options),
          options.id !== undefined ? { newKeyId: options.id } : {},
        );
        process.stdout.write(
          `master key ${report.masterKeyId} is current; ${String(report.rewrapped)} data keys re-wrapped\n`,
        );
        if (report.keyFile !== undefined)
          process.stderr.write(
            `${report.keyFile} now holds the new key first; keep the old keys until every process has restarted, and back the file up\n`,
          );
        return 0;
      }),
    );
}
