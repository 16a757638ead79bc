import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../test/support/errors.ts';
import { checkIdentity, createIdentityPolicy } from './identity-policy.ts';
import type { IdentityPolicyOptions, SignerIdentity } from './identity-policy.ts';

const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ACTIONS = 'https://token.actions.githubusercontent.com';

const codeOf = errorCodeOf;

function verdict(options: IdentityPolicyOptions, signer: SignerIdentity): string | undefined {
  return codeOf(() => checkIdentity(createIdentityPolicy(options), signer));
}

describe('identity policy', () => {
  const signer = { subjectAlternativeName: WORKFLOW, issuer: ACTIONS };

  it('accepts the exact identity and issuer', () => {
    expect(
      verdict({ certificateIdentity: WORKFLOW, certificateOidcIssuer: ACTIONS }, signer),
    ).toBeUndefined();
  });

  it('compares --certificate-identity exactly, where an unanchored pattern would match', () => {
    // Each of these matches WORKFLOW as the library's unanchored regular expression would.
    for (const identity of [
      'https://github.com/acme/app',
      'workflows/release.yml',
      'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/.*',
      'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/mai[n]',
    ]) {
      expect(new RegExp(identity).test(WORKFLOW)).toBe(true);
      expect(
        verdict({ certificateIdentity: identity, certificateOidcIssuer: ACTIONS }, signer),
      ).toBe('SBOM_IDENTITY_MISMATCH');
    }
    // `.` is a literal dot: a look-alike host does not pass.
    expect(
      verdict(
        { certificateIdentity: WORKFLOW, certificateOidcIssuer: ACTIONS },
        { ...signer, subjectAlternativeName: WORKFLOW.replace('github.com', 'githubXcom') },
      ),
    ).toBe('SBOM_IDENTITY_MISMATCH');
  });

  it('anchors --certificate-identity-regexp at both ends', () => {
    const policy = {
      certificateIdentityRegexp: 'https://github\\.com/acme/.*@refs/heads/main',
      certificateOidcIssuer: ACTIONS,
    };
    expect(verdict(policy, signer)).toBeUndefined();
    expect(
      verdict(policy, { ...signer, subjectAlternativeName: `https://evil.example/?${WORKFLOW}` }),
    ).toBe('SBOM_IDENTITY_MISMATCH');
    expect(verdict(policy, { ...signer, subjectAlternativeName: `${WORKFLOW}-evil` })).toBe(
      'SBOM_IDENTITY_MISMATCH',
    );
    // An alternation cannot escape the anchors.
    expect(
      verdict(
        { certificateIdentityRegexp: 'nobody|https://github', certificateOidcIssuer: ACTIONS },
        signer,
      ),
    ).toBe('SBOM_IDENTITY_MISMATCH');
  });

  it('compares the issuer exactly, or anchored with --certificate-oidc-issuer-regexp', () => {
    expect(
      verdict({ certificateIdentity: WORKFLOW, certificateOidcIssuer: `${ACTIONS}/` }, signer),
    ).toBe('SBOM_IDENTITY_MISMATCH');
    expect(
      verdict(
        {
          certificateIdentity: WORKFLOW,
          certificateOidcIssuerRegexp: 'https://token\\.actions\\.githubusercontent\\.com',
        },
        signer,
      ),
    ).toBeUndefined();
    expect(
      verdict(
        { certificateIdentity: WORKFLOW, certificateOidcIssuerRegexp: 'https://token' },
        signer,
      ),
    ).toBe('SBOM_IDENTITY_MISMATCH');
    expect(
      verdict(
        { certificateIdentity: WORKFLOW, certificateOidcIssuer: ACTIONS },
        { subjectAlternativeName: WORKFLOW },
      ),
    ).toBe('SBOM_IDENTITY_MISMATCH');
  });

  it('refuses a missing, conflicting, empty or broken policy', () => {
    const invalid = (options: IdentityPolicyOptions) => codeOf(() => createIdentityPolicy(options));
    expect(invalid({ certificateOidcIssuer: ACTIONS })).toBe('SBOM_POLICY_INVALID');
    expect(invalid({ certificateIdentity: WORKFLOW })).toBe('SBOM_POLICY_INVALID');
    expect(
      invalid({
        certificateIdentity: WORKFLOW,
        certificateIdentityRegexp: '.*',
        certificateOidcIssuer: ACTIONS,
      }),
    ).toBe('SBOM_POLICY_INVALID');
    expect(invalid({ certificateIdentity: '', certificateOidcIssuer: ACTIONS })).toBe(
      'SBOM_POLICY_INVALID',
    );
    expect(invalid({ certificateIdentityRegexp: '(', certificateOidcIssuer: ACTIONS })).toBe(
      'SBOM_POLICY_INVALID',
    );
  });
});
