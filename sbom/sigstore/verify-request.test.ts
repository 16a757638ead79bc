import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isSecOpsError } from '../../platform/errors/index.ts';
import { readArtifactArgument, verifyBundleRequest } from './verify-request.ts';
import type { VerifyBundleRequest } from './verify-request.ts';

const work = mkdtempSync(join(tmpdir(), 'secops-sbom-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const HEX = 'a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (err) {
    if (isSecOpsError(err)) return err.code;
    throw err;
  }
  return undefined;
}

describe('readArtifactArgument (FILE_OR_DIGEST)', () => {
  it('reads sha256:<64 hex> as a digest, in either case', async () => {
    expect(await readArtifactArgument(`sha256:${HEX}`)).toEqual({
      kind: 'digest',
      algorithm: 'sha256',
      digest: Buffer.from(HEX, 'hex'),
    });
    const upper = await readArtifactArgument(`sha256:${HEX.toUpperCase()}`);
    expect(upper.kind).toBe('digest');
  });

  it('reads anything else as a path', async () => {
    const file = join(work, 'artifact.txt');
    writeFileSync(file, 'payload');
    expect(await readArtifactArgument(file)).toEqual({
      kind: 'bytes',
      bytes: Buffer.from('payload'),
    });
    // Wrong length, or another algorithm: a path that does not exist.
    expect(await codeOf(readArtifactArgument(`sha256:${HEX.slice(2)}`))).toBe('SBOM_INPUT_INVALID');
    expect(await codeOf(readArtifactArgument(`sha512:${HEX}`))).toBe('SBOM_INPUT_INVALID');
  });

  it('prefers a file on disk even when its name looks like a digest', async () => {
    const before = process.cwd();
    process.chdir(work);
    try {
      writeFileSync(join(work, `sha256:${HEX}`), 'a file, not a digest');
      const read = await readArtifactArgument(`sha256:${HEX}`);
      expect(read).toEqual({ kind: 'bytes', bytes: Buffer.from('a file, not a digest') });
    } finally {
      process.chdir(before);
    }
  });
});

describe('verifyBundleRequest inputs', () => {
  const keyFile = join(work, 'key.pem');
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
  const privateFile = join(work, 'private.pem');
  writeFileSync(privateFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const notJson = join(work, 'bundle.json');
  writeFileSync(notJson, '{"mediaType": ');
  const base: VerifyBundleRequest = { bundlePath: notJson, artifact: `sha256:${HEX}` };

  it('refuses a key together with identity options, and no signer at all', async () => {
    expect(
      await codeOf(
        verifyBundleRequest({ ...base, keyPath: keyFile, certificateIdentity: 'a@example.com' }),
      ),
    ).toBe('SBOM_POLICY_INVALID');
    expect(await codeOf(verifyBundleRequest(base))).toBe('SBOM_POLICY_INVALID');
  });

  it('refuses a private key where a public key belongs', async () => {
    expect(await codeOf(verifyBundleRequest({ ...base, keyPath: privateFile }))).toBe(
      'SBOM_KEY_INVALID',
    );
  });

  it('needs --trusted-root with --staging', async () => {
    expect(await codeOf(verifyBundleRequest({ ...base, keyPath: keyFile, staging: true }))).toBe(
      'SBOM_INPUT_INVALID',
    );
  });

  it('names a bundle that is not JSON, and one that cannot be read', async () => {
    expect(await codeOf(verifyBundleRequest({ ...base, keyPath: keyFile }))).toBe(
      'SBOM_BUNDLE_INVALID',
    );
    expect(
      await codeOf(
        verifyBundleRequest({ ...base, keyPath: keyFile, bundlePath: join(work, 'missing.json') }),
      ),
    ).toBe('SBOM_INPUT_INVALID');
  });

  it('names a trusted root file that cannot be read', async () => {
    expect(
      await codeOf(
        verifyBundleRequest({
          ...base,
          keyPath: keyFile,
          trustedRootPath: join(work, 'missing-root.json'),
        }),
      ),
    ).toBe('SBOM_INPUT_INVALID');
  });
});
