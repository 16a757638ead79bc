import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { AuditError } from './audit-errors.ts';

/** The C2SP signed-note signature type of Ed25519. */
const ED25519 = 0x01;
/** Verifiers must accept 16 signatures; beyond 100 a note is refused (as Go's note package). */
const MAX_SIGNATURES = 100;
const SIGNATURE_PREFIX = '\u2014 ';

/** A key that signs notes: a name and an Ed25519 private key. */
export interface NoteSigner {
  readonly name: string;
  readonly privateKey: KeyObject;
}

/** A known key that verifies notes, as parsed from a verifier key string. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: KeyObject;
}

/** One signature line of a note. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  readonly base64: string;
}

/** A note whose signatures were checked: `text` may be trusted only because `signatures` verified. */
export interface OpenedNote {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
  /** Signatures by keys not in the verifier list, ignored as c2sp.org/signed-note requires. */
  readonly unverified: readonly NoteSignature[];
}

/** The 32-byte Ed25519 public key of a key object (public, or private to derive it from). */
export function ed25519PublicKeyBytes(key: KeyObject): Buffer {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new AuditError('AUDIT_KEY_INVALID', 'the key is not an Ed25519 key');
  }
  const { x } = publicKey.export({ format: 'jwk' });
  return Buffer.from(x ?? '', 'base64url');
}

/** Key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4], big-endian. */
export function noteKeyId(name: string, publicKey: KeyObject): number {
  return createHash('sha256')
    .update(`${name}\n`)
    .update(Buffer.from([ED25519]))
    .update(ed25519PublicKeyBytes(publicKey))
    .digest()
    .readUInt32BE(0);
}

/**
 * The verifier key string of Go's `golang.org/x/mod/sumdb/note`:
 * `<name>+<key ID as 8 hex digits>+<base64(0x01 || 32-byte public key)>`.
 */
export function verifierKey(name: string, publicKey: KeyObject): string {
  assertKeyName(name);
  const encoded = Buffer.concat([Buffer.from([ED25519]), ed25519PublicKeyBytes(publicKey)]);
  return `${name}+${hex8(noteKeyId(name, publicKey))}+${encoded.toString('base64')}`;
}

/** Parses a verifier key string; throws `AUDIT_KEY_INVALID` unless it is a well-formed Ed25519 key. */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const bad = (why: string): never => {
    throw new AuditError('AUDIT_KEY_INVALID', `malformed verifier key: ${why}`);
  };
  // The base64 key may itself hold '+': split at the first two only.
  const [name = '', hash = '', ...rest] = vkey.split('+');
  const key = rest.join('+');
  if (rest.length === 0) bad('expected <name>+<hash>+<key>');
  if (!isKeyName(name)) bad('bad key name');
  if (!/^[0-9a-fA-F]{8}$/.test(hash)) bad('the key hash is not 8 hex digits');
  const raw = decodeBase64(key) ?? bad('the key is not base64');
  if (raw[0] !== ED25519) bad('unknown signature algorithm');
  if (raw.length !== 33) bad('an Ed25519 key has 32 bytes');
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.subarray(1).toString('base64url') },
    format: 'jwk',
  });
  const keyId = Number.parseInt(hash, 16);
  if (noteKeyId(name, publicKey) !== keyId) bad('the key hash does not match the key');
  return { name, keyId, publicKey };
}

/** Signs `text` (which must end in a newline) and returns the signed note. */
export function signNote(text: string, signer: NoteSigner): string {
  assertKeyName(signer.name);
  if (!text.endsWith('\n') || !isNoteText(text)) malformed('the note text is not valid');
  const keyId = noteKeyId(signer.name, signer.privateKey);
  const signature = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(keyId);
  const encoded = Buffer.concat([head, signature]).toString('base64');
  return `${text}\n${SIGNATURE_PREFIX}${signer.name} ${encoded}\n`;
}

/**
 * Parses a signed note and checks the signatures of the known `verifiers`, following
 * c2sp.org/signed-note and Go's `note.Open`: signatures of unknown keys are ignored, a known
 * key's bad signature rejects the note (`AUDIT_SIGNATURE_INVALID`), and so does a note no known
 * key signed. Malformed notes throw `AUDIT_NOTE_MALFORMED`.
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  if (!isNoteText(note)) malformed('a note is UTF-8 text with no control characters but newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) malformed('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) malformed('the signature block must end in a newline');

  const signatures: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) malformed('too many signatures');
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) malformed('a signature line starts with an em dash');
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const base64 = space < 0 ? '' : rest.slice(space + 1);
    const raw = decodeBase64(base64);
    if (!isKeyName(name) || raw === undefined || raw.length < 5) malformed('bad signature line');
    const keyId = raw.readUInt32BE(0);
    const signature: NoteSignature = { name, keyId, base64 };
    const key = `${name}+${hex8(keyId)}`;
    const matching = verifiers.filter((v) => v.name === name && v.keyId === keyId);
    if (matching.length > 1) malformed(`ambiguous key ${key}`);
    const verifier = matching[0];
    // Repeated lines of unknown keys, and repeated signatures of a known key, count once.
    if (verifier === undefined) {
      if (!seen.has(line)) unverified.push(signature);
      seen.add(line);
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    const ok = verify(null, Buffer.from(text, 'utf8'), verifier.publicKey, raw.subarray(4));
    if (!ok) {
      throw new AuditError('AUDIT_SIGNATURE_INVALID', `invalid signature for key ${key}`, {
        details: { key },
      });
    }
    signatures.push(signature);
  }
  if (signatures.length === 0) {
    throw new AuditError('AUDIT_SIGNATURE_INVALID', 'the note has no signature by a known key', {
      details: { unverified: unverified.map((s) => `${s.name}+${hex8(s.keyId)}`) },
    });
  }
  return { text, signatures, unverified };
}

/** Strict standard base64 (RFC 4648 §4, padded, canonical), or undefined. */
export function decodeBase64(text: string): Buffer | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const raw = Buffer.from(text, 'base64');
  return raw.toString('base64') === text ? raw : undefined;
}

/** Key names are non-empty and hold no Unicode space and no plus sign. */
export function isKeyName(name: string): boolean {
  return name !== '' && name.isWellFormed() && !/[\s\u0085+]/u.test(name);
}

function assertKeyName(name: string): void {
  if (!isKeyName(name)) {
    throw new AuditError('AUDIT_KEY_INVALID', `bad key name ${JSON.stringify(name)}`);
  }
}

// Control characters other than newline are not allowed anywhere in a note.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;

function isNoteText(text: string): boolean {
  return text.isWellFormed() && !CONTROL.test(text);
}

function malformed(message: string): never {
  throw new AuditError('AUDIT_NOTE_MALFORMED', `malformed note: ${message}`);
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}
