import { describeSecretStoreContract } from '../../secret-store.contract.ts';
import { startLocalKv2Server } from './local-kv2-server.ts';
import { createVaultSecretStore } from './vault-secret-store.ts';

describeSecretStoreContract('vault kv v2 over the local server (token auth)', async () => {
  const server = await startLocalKv2Server();
  const store = createVaultSecretStore({
    address: server.address,
    auth: { method: 'token', token: server.rootToken },
  });
  return { store, close: () => server.close() };
});

describeSecretStoreContract(
  'vault kv v2 over the local server (AppRole, namespace, custom mount and prefix)',
  async () => {
    const server = await startLocalKv2Server({
      mounts: ['kv-secops'],
      namespaces: ['team-a'],
      approle: { roleId: 'role-1', secretId: 'secret-1', tokenTtlSeconds: 600 },
    });
    const store = createVaultSecretStore({
      address: server.address,
      auth: { method: 'approle', roleId: 'role-1', secretId: 'secret-1' },
      namespace: 'team-a',
      mount: 'kv-secops',
      prefix: 'claytom/secrets',
    });
    return { store, close: () => server.close() };
  },
);
