import type { Command } from 'commander';
import { isSecOpsError } from '../../platform/errors/index.ts';
import { verifyBundleRequest } from '../../sbom/index.ts';
import type { BundleVerification, VerifyBundleRequest } from '../../sbom/index.ts';
import { EXIT, action } from '../context.ts';

interface VerifyBundleOptions {
  readonly bundle: string;
  readonly certificateIdentity?: string;
  readonly certificateIdentityRegexp?: string;
  readonly certificateOidcIssuer?: string;
  readonly certificateOidcIssuerRegexp?: string;
  readonly key?: string;
  readonly trustedRoot?: string;
  readonly staging?: boolean;
  readonly json?: boolean;
}

/** The request `verify-bundle`'s options and argument make. */
export function toVerifyBundleRequest(
  artifact: string,
  options: VerifyBundleOptions,
): VerifyBundleRequest {
  return {
    bundlePath: options.bundle,
    artifact,
    keyPath: options.key,
    trustedRootPath: options.trustedRoot,
    staging: options.staging,
    certificateIdentity: options.certificateIdentity,
    certificateIdentityRegexp: options.certificateIdentityRegexp,
    certificateOidcIssuer: options.certificateOidcIssuer,
    certificateOidcIssuerRegexp: options.certificateOidcIssuerRegexp,
  };
}

/** What a person reads after a successful verification. */
export function formatVerification(artifact: string, result: BundleVerification): string {
  const signer =
    result.signer.kind === 'certificate'
      ? `${result.signer.identity} (OIDC issuer ${result.signer.issuer ?? 'none'})`
      : `public key${result.signer.hint === null ? '' : ` ${result.signer.hint}`}`;
  const binding = result.artifact;
  const bound =
    binding.kind === 'message-digest'
      ? `message digest ${binding.digest}`
      : binding.kind === 'in-toto-subject'
        ? `in-toto subject ${binding.subject || '(unnamed)'} ${binding.digest}`
        : binding.kind === 'dsse-payload'
          ? `DSSE payload ${binding.digest}`
          : 'not bound (no artifact given)';
  const times = result.timestamps.map((t) => `${t.time} (${t.source})`).join(', ');
  return [
    `Verified OK: ${artifact}`,
    `  bundle:       v${result.version} ${result.content === 'dsseEnvelope' ? `DSSE envelope (${result.payloadType ?? '?'})` : 'message signature'}`,
    `  signer:       ${signer}`,
    `  artifact:     ${bound}`,
    `  signed at:    ${times || 'none'}`,
    `  tlog entries: ${result.tlogEntries}`,
    `  trusted root: ${result.trustedRoot}`,
    '',
  ].join('\n');
}

/**
 * `secops verify-bundle`: the sigstore-conformance client's verify command, offline. Exit 0
 * verified, 1 it does not verify (the reason on stderr), 2 bad usage or unreadable input.
 */
export function registerVerifyBundle(program: Command): void {
  program
    .command('verify-bundle <file-or-digest>')
    .description(
      'verify a Sigstore bundle (v0.1 to v0.3) offline against a file or sha256:<hex> digest, keyless (certificate identity and issuer) or with a public key; exit 0 when it verifies, 1 when it does not, 2 on bad usage or input',
    )
    .requiredOption('--bundle <file>', 'the Sigstore bundle (JSON)')
    .option('--certificate-identity <identity>', "the signing certificate's identity, exactly")
    .option(
      '--certificate-identity-regexp <regexp>',
      'a regular expression the whole certificate identity must match',
    )
    .option('--certificate-oidc-issuer <url>', "the certificate's OIDC issuer, exactly")
    .option(
      '--certificate-oidc-issuer-regexp <regexp>',
      'a regular expression the whole OIDC issuer must match',
    )
    .option('--key <file>', 'PEM public key of a keyed bundle (instead of the identity options)')
    .option(
      '--trusted-root <file>',
      'trusted_root.json to use (default: Sigstore public good, from @sigstore/tuf)',
    )
    .option('--staging', 'the bundle is from Sigstore staging (needs --trusted-root offline)')
    .option('--json', 'print the result as JSON')
    .action(
      action(async (artifact: string, options: VerifyBundleOptions) => {
        let result: BundleVerification;
        try {
          result = await verifyBundleRequest(toVerifyBundleRequest(artifact, options));
        } catch (err) {
          // A bundle that does not verify is the answer, not a usage problem: exit 1.
          if (!isSecOpsError(err) || (err.kind !== 'forbidden' && err.kind !== 'unsupported'))
            throw err;
          process.stderr.write(`secops: verification failed: ${err.message}\n`);
          return EXIT.failed;
        }
        process.stdout.write(
          options.json === true
            ? `${JSON.stringify(result, null, 2)}\n`
            : formatVerification(artifact, result),
        );
        return EXIT.ok;
      }),
    );
}
