import type { Command } from 'commander';
import { configReference } from '../../platform/config/index.ts';
import { action, configFor } from '../context.ts';

/** `secops config …`: check a configuration, print the reference. */
export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('check the configuration or print its reference');
  config
    .command('check')
    .description(
      'validate the configuration (file and environment) and print the result with secrets hidden',
    )
    .option('--config <file>', 'configuration file')
    .action(
      action(async (options: { config?: string }) => {
        const loaded = configFor(options);
        const shown = {
          ...loaded,
          database: { ...loaded.database, url: loaded.database.url?.replace(/:[^:@/]*@/, ':***@') },
        };
        process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
        return Promise.resolve(0);
      }),
    );
  config
    .command('reference')
    .description('print every setting as a Markdown table')
    .action(
      action(() => {
        process.stdout.write(`${configReference()}\n`);
        return Promise.resolve(0);
      }),
    );
}
