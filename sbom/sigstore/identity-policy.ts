import { SbomError } from '../errors.ts';

/** The identity flags as cosign names them; exactly one of each pair is required. */
export interface IdentityPolicyOptions {
  /** The certificate's subject alternative name, compared exactly (no pattern). */
  readonly certificateIdentity?: string | undefined;
  /** A pattern the whole subject alternative name must match (anchored at both ends). */
  readonly certificateIdentityRegexp?: string | undefined;
  /** The OIDC issuer recorded in the certificate (Fulcio extension), compared exactly. */
  readonly certificateOidcIssuer?: string | undefined;
  /** A pattern the whole OIDC issuer must match (anchored at both ends). */
  readonly certificateOidcIssuerRegexp?: string | undefined;
}

/** One side of a policy: an exact value or an anchored pattern. */
export interface ValueMatcher {
  /** How the policy reads, for messages: `"x"` or `/^(?:x)$/`. */
  readonly description: string;
  matches(value: string): boolean;
}

/** Who must have signed: the certificate's identity and its OIDC issuer. */
export interface IdentityPolicy {
  readonly identity: ValueMatcher;
  readonly issuer: ValueMatcher;
}

/** What a verified certificate says about its signer. */
export interface SignerIdentity {
  readonly subjectAlternativeName?: string | undefined;
  readonly issuer?: string | undefined;
}

function exact(value: string): ValueMatcher {
  // Plain equality: the identity is data, never a pattern (the library's matcher is an
  // unanchored regular expression, where `.` matches anything and a prefix is enough).
  return { description: JSON.stringify(value), matches: (candidate) => candidate === value };
}

function anchored(pattern: string, flag: string): ValueMatcher {
  let regexp: RegExp;
  try {
    regexp = new RegExp(`^(?:${pattern})$`);
  } catch (err) {
    throw new SbomError(
      'SBOM_POLICY_INVALID',
      `${flag} is not a valid regular expression: ${(err as Error).message}`,
      { cause: err, issues: [{ path: flag, message: (err as Error).message }] },
    );
  }
  return { description: String(regexp), matches: (candidate) => regexp.test(candidate) };
}

function oneOf(
  exactValue: string | undefined,
  pattern: string | undefined,
  exactFlag: string,
  patternFlag: string,
): ValueMatcher {
  if (exactValue !== undefined && pattern !== undefined)
    throw new SbomError('SBOM_POLICY_INVALID', `give ${exactFlag} or ${patternFlag}, not both`, {
      issues: [{ path: patternFlag, message: `conflicts with ${exactFlag}` }],
    });
  if (exactValue !== undefined) {
    if (exactValue === '')
      throw new SbomError('SBOM_POLICY_INVALID', `${exactFlag} is empty`, {
        issues: [{ path: exactFlag, message: 'is empty' }],
      });
    return exact(exactValue);
  }
  if (pattern !== undefined) return anchored(pattern, patternFlag);
  throw new SbomError(
    'SBOM_POLICY_INVALID',
    `keyless verification needs ${exactFlag} or ${patternFlag}`,
    { issues: [{ path: exactFlag, message: 'is required' }] },
  );
}

/**
 * Builds the identity policy cosign applies: `--certificate-identity` and
 * `--certificate-oidc-issuer` are exact strings; the `-regexp` forms are JavaScript regular
 * expressions that must match the whole value (`^(?:…)$`).
 */
export function createIdentityPolicy(options: IdentityPolicyOptions): IdentityPolicy {
  return {
    identity: oneOf(
      options.certificateIdentity,
      options.certificateIdentityRegexp,
      '--certificate-identity',
      '--certificate-identity-regexp',
    ),
    issuer: oneOf(
      options.certificateOidcIssuer,
      options.certificateOidcIssuerRegexp,
      '--certificate-oidc-issuer',
      '--certificate-oidc-issuer-regexp',
    ),
  };
}

/** True when any identity option is set (so a key cannot be used as well). */
export function hasIdentityOptions(options: IdentityPolicyOptions): boolean {
  return (
    options.certificateIdentity !== undefined ||
    options.certificateIdentityRegexp !== undefined ||
    options.certificateOidcIssuer !== undefined ||
    options.certificateOidcIssuerRegexp !== undefined
  );
}

/** Throws `SBOM_IDENTITY_MISMATCH` unless the verified signer satisfies the policy. */
export function checkIdentity(policy: IdentityPolicy, signer: SignerIdentity): void {
  const san = signer.subjectAlternativeName;
  if (san === undefined || !policy.identity.matches(san))
    throw new SbomError(
      'SBOM_IDENTITY_MISMATCH',
      `certificate identity ${san === undefined ? '(none)' : JSON.stringify(san)} does not match ${policy.identity.description}`,
      {
        details: { check: 'IDENTITY', expected: policy.identity.description, actual: san ?? null },
      },
    );
  const issuer = signer.issuer;
  if (issuer === undefined || !policy.issuer.matches(issuer))
    throw new SbomError(
      'SBOM_IDENTITY_MISMATCH',
      `certificate OIDC issuer ${issuer === undefined ? '(none)' : JSON.stringify(issuer)} does not match ${policy.issuer.description}`,
      { details: { check: 'ISSUER', expected: policy.issuer.description, actual: issuer ?? null } },
    );
}
