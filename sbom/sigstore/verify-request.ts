import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SbomError } from '../errors.ts';
import type { ArtifactInput } from './artifact-binding.ts';
import { createIdentityPolicy, hasIdentityOptions } from './identity-policy.ts';
import type { IdentityPolicyOptions } from './identity-policy.ts';
import { loadPublicGoodTrustedRoot, readTrustedRootFile } from './trusted-root-sources.ts';
import { parsePublicKeyPem } from './verification-keys.ts';
import { verifyBundle } from './verify-bundle.ts';
import type { BundleVerification, SignerPolicy } from './verify-bundle.ts';

/**
 * A verification as the sigstore-conformance CLI protocol states it (`verify-bundle`): files
 * by path, the artifact as a path or `sha256:<hex>`, and the signer as an identity policy or a
 * key.
 */
export interface VerifyBundleRequest extends IdentityPolicyOptions {
  readonly bundlePath: string;
  /** `FILE_OR_DIGEST`: a path, or `sha256:<64 hex>` that is not a path on disk. */
  readonly artifact: string;
  readonly keyPath?: string | undefined;
  /** Absent: the Sigstore public-good root shipped in `@sigstore/tuf`'s seeds. */
  readonly trustedRootPath?: string | undefined;
  /** The conformance suite's `--staging`: only with a `--trusted-root` (none is shipped). */
  readonly staging?: boolean | undefined;
}

const DIGEST = /^sha256:([0-9a-fA-F]{64})$/;

/**
 * Reads `FILE_OR_DIGEST` as the protocol says: a digest when it is `sha256:` and 64 hex digits
 * and no file of that name exists; otherwise a path.
 */
export async function readArtifactArgument(argument: string): Promise<ArtifactInput> {
  const digest = DIGEST.exec(argument)?.[1];
  if (digest !== undefined && !existsSync(argument))
    return { kind: 'digest', algorithm: 'sha256', digest: Buffer.from(digest, 'hex') };
  return { kind: 'bytes', bytes: await readInput(argument, 'artifact') };
}

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new SbomError(
      'SBOM_INPUT_INVALID',
      `${what} ${path} cannot be read: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

async function readSignerPolicy(request: VerifyBundleRequest): Promise<SignerPolicy> {
  if (request.keyPath !== undefined) {
    if (hasIdentityOptions(request))
      throw new SbomError(
        'SBOM_POLICY_INVALID',
        'give --key, or the --certificate-identity and --certificate-oidc-issuer options, not both',
      );
    const pem = (await readInput(request.keyPath, 'key')).toString('utf8');
    return { kind: 'keys', keys: [parsePublicKeyPem(pem, request.keyPath)] };
  }
  return { kind: 'identity', policy: createIdentityPolicy(request) };
}

/** Parses the bundle file's JSON (the structure is checked by `verifyBundle`). */
export async function readBundleFile(path: string): Promise<unknown> {
  const text = (await readInput(path, 'bundle')).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SbomError(
      'SBOM_BUNDLE_INVALID',
      `bundle ${path} is not JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

/**
 * Reads every input of a `verify-bundle` request and verifies it offline. This is what
 * `secops verify-bundle` runs; the conformance tests call it in process.
 */
export async function verifyBundleRequest(
  request: VerifyBundleRequest,
): Promise<BundleVerification> {
  const signer = await readSignerPolicy(request);
  if (request.staging === true && request.trustedRootPath === undefined)
    throw new SbomError(
      'SBOM_INPUT_INVALID',
      '--staging needs --trusted-root: no staging trusted root is shipped for offline use',
    );
  const trustedRoot =
    request.trustedRootPath === undefined
      ? loadPublicGoodTrustedRoot()
      : await readTrustedRootFile(request.trustedRootPath);
  const bundle = await readBundleFile(request.bundlePath);
  const artifact = await readArtifactArgument(request.artifact);
  return verifyBundle({ bundle, artifact, trustedRoot, signer });
}
