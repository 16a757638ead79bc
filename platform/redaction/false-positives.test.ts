import { describe, expect, it } from 'vitest';
import { createSecretScanner } from './index.ts';

// Strings that look secret-ish to a naive scanner but are not secrets. Each must pass through
// untouched: masking them would destroy evidence analysts rely on.
const { redact } = createSecretScanner();

describe('near misses that must not be flagged', () => {
  it.each([
    ['git commit SHA-1', 'commit 9fceb02d0ae598e95dc970b74767f19372d61af8'],
    ['short git SHA', 'HEAD is now at 9fceb02 fix: handle empty input'],
    ['UUID', 'request_id=550e8400-e29b-41d4-a716-446655440000'],
    ['UUIDv7', 'event.id: 019ab6f2-3c4d-7e8f-9a0b-1c2d3e4f5a6b'],
    ['SHA-256 hex', 'sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    [
      'Sysmon hashes',
      'Hashes: SHA1=D8A9C4E1F0B2A3C5D7E9F1A3B5C7D9E1F3A5B7C9,MD5=A1B2C3D4E5F60718293A4B5C6D7E8F90,SHA256=ACCA0D1E2F3A4B5C6D7E8F9A0B1C2D3E4F5A6B7C8D9E0F1A2B3C4D5E6F7A8B9C,IMPHASH=00000000000000000000000000000000',
    ],
    ['base64 of random bytes', 'blob=PhcsV44XUT1eQs+RM+MFv95pYmm+hjVgRVbAD39H'],
    ['40 base64 characters alone', 'Vc8ORS/6ilI8ihN5KXSc7Tvo/hBKqFYY/kv5ZJr3'],
    [
      'SSH key fingerprint',
      'Accepted publickey for deploy from 10.20.30.40 port 51234 ssh2: RSA SHA256:Xy8fK2lq9PzR0m4tN6vB1cD3eF5gH7jK9lM1nO3pQ5r',
    ],
    ['the word tokenizer', 'tokenizer warmup finished in 12ms (token_count=512)'],
    ['password_last_set', 'password_last_set=2025-11-24T13:19:02Z'],
    [
      'failed password log',
      'Failed password for invalid user admin from 192.0.2.44 port 50022 ssh2',
    ],
    ['pam session', 'pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)'],
    [
      'pam auth failure',
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root',
    ],
    [
      'sudo with PWD',
      'sudo:  bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx',
    ],
    [
      'Windows logon',
      'An account was successfully logged on. Key Length: 0 Logon Type: 3 Authentication Package: NTLM',
    ],
    ['Windows token elevation', 'Token Elevation Type: %%1936 Elevated Token: %%1843'],
    [
      'UFW block',
      'kernel: [UFW BLOCK] IN=eth0 OUT= MAC=00:16:3e:5e:6c:00 SRC=198.51.100.7 DST=10.0.0.5 LEN=60 PROTO=TCP SPT=443 DPT=22',
    ],
    [
      'user agent',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
    ],
    ['URL with query', 'GET /api/v1/users?page=2&limit=50&sort=-created HTTP/1.1'],
    ['OAuth endpoint', 'POST /oauth/token HTTP/1.1 200'],
    [
      'k8s audit',
      'authorization.k8s.io/decision: allow authorization.k8s.io/reason: RBAC: allowed by ClusterRoleBinding',
    ],
    ['k8s secret name', 'get secrets/prod-db-credentials in namespace payments'],
    ['ARN', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf'],
    ['CloudTrail pagination', '{"nextToken":"AAMA-EFRSURBSGhKZ0F3WlJvZUlUQ0E9PQ","maxResults":50}'],
    ['docker port mapping', 'docker run -d -p 8080:80 --name web nginx:1.25'],
    ['mkdir -p', 'mkdir -p /var/lib/app/data'],
    ['email address', 'user.email: alice@example.com'],
    ['time with colons', '2025-11-24 13:19:02,123 INFO key rotation scheduled'],
    ['publishable Stripe key', 'pk_live_DavJA76rNicHTp8hkqdlm7tO'],
    [
      'public key block',
      '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----',
    ],
    ['LLM usage', '{"prompt_tokens":812,"completion_tokens":97,"max_tokens":"1024"}'],
  ])('%s', (_, input) => {
    expect(redact(input)).toEqual({ text: input, rules: [] });
  });
});
