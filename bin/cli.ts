import { Command } from 'commander';
import { registerAudit } from './commands/audit.ts';
import { registerConfig } from './commands/config.ts';
import { registerHunt } from './commands/hunt.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerPlaybooks } from './commands/playbooks.ts';
import { registerRules } from './commands/rules.ts';
import { registerSearch } from './commands/search.ts';
import { registerSecrets } from './commands/secrets.ts';
import { registerServe } from './commands/serve.ts';
import { registerSources, registerTokens } from './commands/sources.ts';
import { registerVerifyBundle } from './commands/verify-bundle.ts';

const program = new Command();
program
  .name('secops')
  .description('ClayTom SecOps: SIEM, detections, SOAR, supply-chain gate, evidence and controls')
  .showHelpAfterError()
  .exitOverride((err) => {
    // Usage errors exit 2, like other CI-facing tools; help and version exit 0.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });
registerServe(program);
registerIngest(program);
registerSearch(program);
registerHunt(program);
registerRules(program);
registerPlaybooks(program);
registerSources(program);
registerTokens(program);
registerSecrets(program);
registerConfig(program);
registerAudit(program);
registerVerifyBundle(program);
await program.parseAsync(process.argv);
