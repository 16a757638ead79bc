import type { Command } from 'commander';
import { openState } from '../../app/index.ts';
import { DEFAULT_TENANT } from '../../platform/identity/index.ts';
import type { ParserId } from '../../siem/index.ts';
import { parsers } from '../../siem/index.ts';
import { SiemError } from '../../siem/index.ts';
import { action, configFor } from '../context.ts';

const common = (cmd: Command) =>
  cmd.option('--config <file>', 'configuration file').option('--data-dir <dir>', 'data directory');

interface SourceCliOptions {
  readonly config?: string;
  readonly dataDir?: string;
  readonly tenant: string;
}

/** A source command acting inside one tenant. */
const inTenant = (cmd: Command) =>
  common(cmd).option('--tenant <id>', 'tenant the source belongs to', DEFAULT_TENANT);

function parserOf(value: string | undefined): ParserId {
  const id = value ?? 'auto';
  if (id !== 'auto' && !(id in parsers))
    throw new SiemError(
      'SIEM_INVALID_REQUEST',
      `unknown parser ${id}; one of auto, ${Object.keys(parsers).join(', ')}`,
    );
  return id as ParserId;
}

/** `secops sources …`: ingest sources and their tokens. */
export function registerSources(program: Command): void {
  const sources = program.command('sources').description('manage ingest sources and their tokens');
  inTenant(
    sources
      .command('add <name>')
      .description(
        'create a source and print its token (shown once); its events belong to its tenant',
      ),
  )
    .option('--parser <id>', 'parser for its records (default auto)')
    .action(
      action(async (name: string, options: SourceCliOptions & { parser?: string }) => {
        const state = await openState(configFor(options));
        try {
          const { token } = await state.sources.create(
            name,
            parserOf(options.parser),
            options.tenant,
          );
          process.stdout.write(`${token}\n`);
          process.stderr.write(
            `source ${name} created in tenant ${options.tenant}; the token above is shown once\n`,
          );
        } finally {
          await state.close();
        }
        return 0;
      }),
    );
  common(sources.command('list').description('list sources (tokens are never shown)'))
    .option('--tenant <id>', 'only this tenant’s sources (default: every tenant)')
    .action(
      action(async (options: { config?: string; dataDir?: string; tenant?: string }) => {
        const state = await openState(configFor(options));
        try {
          const rows = await state.sources.list(options.tenant);
          process.stdout.write(
            `${'TENANT'.padEnd(16)}${'NAME'.padEnd(24)}${'PARSER'.padEnd(14)}${'ENABLED'.padEnd(9)}TOKEN\n`,
          );
          for (const s of rows)
            process.stdout.write(
              `${s.tenantId.padEnd(16)}${s.name.padEnd(24)}${s.parser.padEnd(14)}${(s.enabled ? 'yes' : 'no').padEnd(9)}sct_…${s.tokenHint}\n`,
            );
        } finally {
          await state.close();
        }
        return 0;
      }),
    );
  inTenant(
    sources.command('rotate <name>').description('issue a new token; the old one stops working'),
  ).action(
    action(async (name: string, options: SourceCliOptions) => {
      const state = await openState(configFor(options));
      try {
        process.stdout.write(`${await state.sources.rotate(name, options.tenant)}\n`);
      } finally {
        await state.close();
      }
      return 0;
    }),
  );
  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    inTenant(sources.command(`${verb} <name>`).description(`${verb} a source`)).action(
      action(async (name: string, options: SourceCliOptions) => {
        const state = await openState(configFor(options));
        try {
          await state.sources.setEnabled(name, enabled, options.tenant);
        } finally {
          await state.close();
        }
        return 0;
      }),
    );
  }
}

/** `secops tokens …`: platform API tokens (the administrator's included). */
export function registerTokens(program: Command): void {
  const tokens = program.command('tokens').description('manage platform API tokens');
  common(
    tokens.command('create <name>').description('create an API token and print it (shown once)'),
  )
    .option('--role <role>', 'role of the token', 'admin')
    .action(
      action(async (name: string, options: { config?: string; dataDir?: string; role: string }) => {
        const state = await openState(configFor(options));
        try {
          process.stdout.write(`${(await state.tokens.create(name, options.role)).token}\n`);
        } finally {
          await state.close();
        }
        return 0;
      }),
    );
  common(tokens.command('revoke <name>').description('revoke an API token')).action(
    action(async (name: string, options: { config?: string; dataDir?: string }) => {
      const state = await openState(configFor(options));
      try {
        await state.tokens.revoke(name);
      } finally {
        await state.close();
      }
      return 0;
    }),
  );
}
