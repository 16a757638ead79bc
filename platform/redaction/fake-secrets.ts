// Test support, not exported from index.ts: builds structurally valid but FAKE secrets of every
// kind the default rules catch, from a numeric seed, for table and property tests here and in
// siem/redaction. No value produced here was ever a real credential.
import { githubTokenChecksum } from './rules/github-checksum.ts';

export interface FakeSecret {
  /** The rule expected to name the span. */
  readonly rule: string;
  /** The secret in the context that makes it recognisable (`password=...`, `Bearer ...`). */
  readonly text: string;
  /** The part that must never survive redaction. */
  readonly secret: string;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';
const BASE32 = `${UPPER}234567`;
const BASE64 = `${ALNUM}+/`;
const BASE64URL = `${ALNUM}-_`;
const PASSWORD = `${ALNUM}!#$%*+-.:=?@^_~`;

/** A small deterministic PRNG (mulberry32), so a failing property shrinks to a reproducible seed. */
export function createRandom(seed: number): (alphabet: string, length: number) => string {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (alphabet, length) => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet.charAt(Math.floor(next() * alphabet.length));
    return out;
  };
}

type Maker = (pick: ReturnType<typeof createRandom>) => FakeSecret;

/** Upper, lower and digit forced in, so the value never looks like hex or a word. */
const mixed = (pick: ReturnType<typeof createRandom>, alphabet: string, length: number): string =>
  pick(UPPER, 1) + pick(LOWER, 1) + pick(DIGITS, 1) + pick(alphabet, length - 3);

/** A password that is not a placeholder and not a substring of random text by accident. */
const password = (pick: ReturnType<typeof createRandom>): string =>
  mixed(pick, PASSWORD.replace(/[:=@]/g, ''), 10) + pick('!%^~', 1) + pick(DIGITS, 1);

const base64url = (value: string): string => Buffer.from(value).toString('base64url');

export const FAKE_SECRET_MAKERS: Readonly<Record<string, Maker>> = {
  'aws-access-key-id': (pick) => {
    const key = `${pick('01', 1) === '0' ? 'AKIA' : 'ASIA'}${pick(BASE32, 16)}`;
    return { rule: 'aws-access-key-id', text: key, secret: key };
  },
  'aws-secret-access-key': (pick) => {
    const secret = mixed(pick, BASE64, 40);
    return { rule: 'aws-secret-access-key', text: `aws_secret_access_key = ${secret}`, secret };
  },
  'github-token': (pick) => {
    const body = pick(ALNUM, 30);
    const token = `gh${pick('pousr', 1)}_${body}${githubTokenChecksum(body)}`;
    return { rule: 'github-token', text: token, secret: token };
  },
  'github-fine-grained-pat': (pick) => {
    const token = `github_pat_${pick(ALNUM, 22)}_${pick(ALNUM, 59)}`;
    return { rule: 'github-fine-grained-pat', text: token, secret: token };
  },
  'slack-token': (pick) => {
    const token = `xox${pick('abp', 1)}-${pick(DIGITS, 11)}-${pick(DIGITS, 12)}-${pick(ALNUM, 24)}`;
    return { rule: 'slack-token', text: token, secret: token };
  },
  'slack-webhook-url': (pick) => {
    const secret = pick(ALNUM, 24);
    const url = `https://hooks.slack.com/services/T${pick(UPPER + DIGITS, 8)}/B${pick(UPPER + DIGITS, 10)}/${secret}`;
    return { rule: 'slack-webhook-url', text: url, secret };
  },
  'stripe-secret-key': (pick) => {
    const key = `${pick('sr', 1)}k_${pick('01', 1) === '0' ? 'live' : 'test'}_${pick(ALNUM, 24)}`;
    return { rule: 'stripe-secret-key', text: key, secret: key };
  },
  'stripe-webhook-secret': (pick) => {
    const key = `whsec_${pick(ALNUM, 32)}`;
    return { rule: 'stripe-webhook-secret', text: key, secret: key };
  },
  'twilio-api-key-sid': (pick) => {
    const sid = `SK${pick(HEX, 32)}`;
    return { rule: 'twilio-api-key-sid', text: sid, secret: sid };
  },
  'twilio-auth-token': (pick) => {
    const token = pick(HEX, 32);
    return { rule: 'twilio-auth-token', text: `TWILIO_AUTH_TOKEN=${token}`, secret: token };
  },
  'twilio-account-sid': (pick) => {
    const sid = `AC${pick(HEX, 32)}`;
    return { rule: 'twilio-account-sid', text: `twilio account ${sid}`, secret: sid };
  },
  'sendgrid-api-key': (pick) => {
    const key = `SG.${pick(BASE64URL, 22)}.${pick(BASE64URL, 43)}`;
    return { rule: 'sendgrid-api-key', text: key, secret: key };
  },
  'google-api-key': (pick) => {
    const key = `AIza${pick(BASE64URL, 35)}`;
    return { rule: 'google-api-key', text: key, secret: key };
  },
  'npm-token': (pick) => {
    const token = `npm_${pick(ALNUM, 36)}`;
    return { rule: 'npm-token', text: token, secret: token };
  },
  jwt: (pick) => {
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(JSON.stringify({ sub: pick(ALNUM, 12), iat: 1_700_000_000 }));
    const token = `${header}.${payload}.${pick(BASE64URL, 43)}`;
    return { rule: 'jwt', text: token, secret: token };
  },
  'private-key': (pick) => {
    const body = pick(BASE64, 64);
    const nl = pick('01', 1) === '0' ? '\n' : '\\n';
    const pem = `-----BEGIN RSA PRIVATE KEY-----${nl}${body}${nl}${pick(BASE64, 64)}${nl}-----END RSA PRIVATE KEY-----`;
    return { rule: 'private-key', text: pem, secret: body };
  },
  'url-password': (pick) => {
    const secret = password(pick);
    return {
      rule: 'url-password',
      text: `postgres://app_user:${secret}@db-${pick(LOWER, 4)}.internal:5432/app`,
      secret,
    };
  },
  'secret-assignment': (pick) => {
    const secret = password(pick);
    const forms = [`password=${secret}`, `"client_secret": "${secret}"`, `DB_PASSWORD='${secret}'`];
    return { rule: 'secret-assignment', text: forms[Number(pick('012', 1))] ?? '', secret };
  },
  'cli-password': (pick) => {
    const secret = password(pick).replace(/^[-/]/, 'x');
    const forms = [
      `mysql -u root -p${secret} appdb`,
      `sshpass -p ${secret} ssh deploy@10.0.0.7`,
      `net user svc_backup ${secret} /add`,
      `vault login --password ${secret}`,
    ];
    return { rule: 'cli-password', text: forms[Number(pick('0123', 1))] ?? '', secret };
  },
  'http-authorization': (pick) => {
    const secret = pick(ALNUM, 32);
    return { rule: 'http-authorization', text: `Authorization: Bearer ${secret}`, secret };
  },
  'http-cookie': (pick) => {
    const secret = pick(ALNUM, 26);
    return { rule: 'http-cookie', text: `Cookie: sessionid=${secret}; theme=dark`, secret };
  },
};

/** Every kind the default rules catch. */
export const FAKE_SECRET_KINDS: readonly string[] = Object.keys(FAKE_SECRET_MAKERS);

/** A fake secret of `kind` derived from `seed`. */
export function makeFakeSecret(kind: string, seed: number): FakeSecret {
  const maker = FAKE_SECRET_MAKERS[kind];
  if (maker === undefined) throw new Error(`no fake secret maker for ${kind}`);
  return maker(createRandom(seed));
}
