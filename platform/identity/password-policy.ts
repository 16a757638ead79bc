import { COMMON_PASSWORDS } from './common-passwords.ts';

/** Bounds of an acceptable password. */
export interface PasswordPolicy {
  readonly minLength: number;
  /** Longer inputs are refused before hashing (request bodies are small anyway). */
  readonly maxLength: number;
}

export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { minLength: 12, maxLength: 1024 };

/**
 * What is wrong with a proposed password, as messages (empty when it is acceptable): too short
 * (in Unicode code points, NIST SP 800-63B), too long, equal to the username, or one of the
 * most common passwords. Messages never repeat the password.
 */
export function passwordProblems(
  password: string,
  username: string,
  policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
): string[] {
  const problems: string[] = [];
  let length = 0; // Unicode code points, not UTF-16 units
  for (const _ of password.normalize('NFC')) length++;
  if (length < policy.minLength)
    problems.push(`must be at least ${policy.minLength} characters long`);
  if (length > policy.maxLength)
    problems.push(`must be at most ${policy.maxLength} characters long`);
  const folded = password.normalize('NFKC').toLowerCase();
  if (username !== '' && folded === username.normalize('NFKC').toLowerCase())
    problems.push('must not be the username');
  if (COMMON_PASSWORDS.has(folded)) problems.push('is one of the most common passwords');
  return problems;
}
