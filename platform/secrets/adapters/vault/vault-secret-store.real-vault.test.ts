import { randomBytes } from 'node:crypto';
import { describe } from 'vitest';
import { requireOrSkip } from '../../../../test/support/services.ts';
import type { Availability } from '../../../../test/support/services.ts';
import { describeSecretStoreContract } from '../../secret-store.contract.ts';
import type { VaultAuth } from './vault-client.ts';
import { createVaultSecretStore } from './vault-secret-store.ts';

// The contract against a real HashiCorp Vault: `npm run test:vault` with VAULT_ADDR plus
// VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID for AppRole; VAULT_KV_MOUNT (default
// `secret`, a KV v2 mount) and VAULT_NAMESPACE are optional. No Vault exists where CI runs, so
// this file is outside the unit and integration projects (the same contract runs there against
// the local KV v2 server); asked for without VAULT_ADDR, it fails rather than skip.
const env = process.env;
const address = env.VAULT_ADDR;

async function probeVault(addr: string): Promise<Availability<string>> {
  try {
    const res = await fetch(`${addr.replace(/\/+$/, '')}/v1/sys/health`, {
      signal: AbortSignal.timeout(3000),
    });
    if ([200, 429, 473].includes(res.status)) return { ok: true, value: addr };
    return { ok: false, reason: `Vault at ${addr} answered sys/health with ${res.status}` };
  } catch (err) {
    return { ok: false, reason: `Vault at ${addr}: ${(err as Error).message}` };
  }
}

function authFromEnv(): VaultAuth | undefined {
  if (env.VAULT_TOKEN !== undefined && env.VAULT_TOKEN !== '')
    return { method: 'token', token: env.VAULT_TOKEN };
  if (env.VAULT_ROLE_ID !== undefined && env.VAULT_SECRET_ID !== undefined)
    return { method: 'approle', roleId: env.VAULT_ROLE_ID, secretId: env.VAULT_SECRET_ID };
  return undefined;
}

let url: string | undefined;
const auth = authFromEnv();
if (address === undefined || address === '') {
  throw new Error(
    'npm run test:vault needs VAULT_ADDR (and VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID)',
  );
} else if (auth === undefined) {
  url = requireOrSkip('HashiCorp Vault', {
    ok: false,
    reason: 'VAULT_ADDR is set but neither VAULT_TOKEN nor VAULT_ROLE_ID/VAULT_SECRET_ID is',
  });
} else {
  url = requireOrSkip('HashiCorp Vault', await probeVault(address));
}

describe.skipIf(url === undefined || auth === undefined)('vault adapter on a real Vault', () => {
  if (url === undefined || auth === undefined) return;
  const vaultUrl = url;
  const vaultAuth = auth;
  describeSecretStoreContract(`real Vault at ${vaultUrl}`, () => {
    const store = createVaultSecretStore({
      address: vaultUrl,
      auth: vaultAuth,
      mount: env.VAULT_KV_MOUNT ?? 'secret',
      // A fresh folder per run; the contract removes every path it wrote.
      prefix: `secops-test-${randomBytes(6).toString('hex')}`,
      ...(env.VAULT_NAMESPACE === undefined ? {} : { namespace: env.VAULT_NAMESPACE }),
    });
    return Promise.resolve({ store, close: () => Promise.resolve() });
  });
});
