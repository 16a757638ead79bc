import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.ts';
import { noteKeyId, openNote, parseVerifierKey, signNote, verifierKey } from './signed-note.ts';

// Vectors of golang.org/x/mod sumdb/note/note_test.go (TestNewVerifier, TestSign, TestOpen).
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

/** Go's signer key: base64(0x01 || 32-byte Ed25519 seed), turned into a PKCS #8 key object. */
function keyFromGoSignerKey(skey: string): KeyObject {
  const seed = Buffer.from(skey.split('+').slice(4).join('+'), 'base64').subarray(1);
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

const peterKey = keyFromGoSignerKey(PETER_SKEY);
const peter = parseVerifierKey(PETER_VKEY);
const enoch = parseVerifierKey(ENOCH_VKEY);

describe('signed notes (c2sp.org/signed-note, Go sumdb/note vectors)', () => {
  it('derives the verifier key string and key ID of the Go vector from its private key', () => {
    expect(verifierKey('PeterNeumann', peterKey)).toBe(PETER_VKEY);
    expect(noteKeyId('PeterNeumann', peterKey)).toBe(0xc74f20a3);
    expect(peter).toMatchObject({ name: 'PeterNeumann', keyId: 0xc74f20a3 });
    expect(enoch).toMatchObject({ name: 'EnochRoot', keyId: 0xaf0cfe78 });
  });

  it('signs the Go vector text to the exact Go output', () => {
    expect(signNote(TEXT, { name: 'PeterNeumann', privateKey: peterKey })).toBe(
      `${TEXT}\n${PETER_SIG}`,
    );
  });

  it('refuses every mangling of a verifier key (TestNewVerifier)', () => {
    const bytes = Buffer.from(PETER_VKEY);
    const bad: string[] = [
      'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
      'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    ];
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i + 1; j <= bytes.length; j++) {
        if (i !== 0 || j !== bytes.length) bad.push(bytes.subarray(i, j).toString());
      }
    }
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i] = copy[i]! + 1;
      bad.push(copy.toString('latin1'));
    }
    for (const key of bad) {
      expect(() => parseVerifierKey(key), key).toThrow(
        expect.objectContaining({ code: 'AUDIT_KEY_INVALID' }),
      );
    }
  });

  it('opens notes as TestOpen does: known keys verified, unknown ones set aside', () => {
    const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    const one = openNote(both, [peter]);
    expect(one.text).toBe(TEXT);
    expect(one.signatures.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(one.unverified).toEqual([
      { name: 'EnochRoot', keyId: 0xaf0cfe78, base64: ENOCH_SIG.slice(12, -1) },
    ]);
    expect(openNote(both, [peter, enoch]).signatures.map((s) => s.keyId)).toEqual([
      0xc74f20a3, 0xaf0cfe78,
    ]);
    expect(() => openNote(both, [])).toThrow(
      expect.objectContaining({ code: 'AUDIT_SIGNATURE_INVALID' }),
    );
    expect(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch])).toThrow(
      expect.objectContaining({ code: 'AUDIT_NOTE_MALFORMED' }),
    );
    expect(openNote(`${TEXT}\n${PETER_SIG}`, [enoch, peter, enoch]).signatures).toHaveLength(1);
    expect(() => openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, [peter])).toThrow(
      expect.objectContaining({ code: 'AUDIT_NOTE_MALFORMED' }),
    );
    const tampered = `${TEXT}\n${PETER_SIG.slice(0, 60)}ABCD${PETER_SIG.slice(60)}`;
    expect(() => openNote(tampered, [peter])).toThrow(
      expect.objectContaining({ code: 'AUDIT_SIGNATURE_INVALID' }),
    );
    const enochABCD = `${ENOCH_SIG.slice(0, 60)}ABCD${ENOCH_SIG.slice(60)}`;
    const dupes = openNote(
      `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${enochABCD}`,
      [peter],
    );
    expect(dupes.signatures).toHaveLength(1);
    expect(dupes.unverified).toHaveLength(2);
  });

  it.each([
    ['no signature block', TEXT],
    ['an empty signature block', `${TEXT}\n`],
    ['no final newline', `${TEXT}\n${PETER_SIG.slice(0, -1)}`],
    ['a control character', `\u0001${TEXT}\n${PETER_SIG}`],
    [
      'a bad key name',
      `${TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
    ],
    ['a line after the signatures', `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
  ])('refuses a note with %s', (_name, note) => {
    expect(() => openNote(note, [peter])).toThrow(
      expect.objectContaining({ code: 'AUDIT_NOTE_MALFORMED' }),
    );
  });

  it('parses the example note of c2sp.org/signed-note as signed by an unknown key', () => {
    const note =
      'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n' +
      '\u2014 quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n';
    expect(() => openNote(note, [peter])).toThrow(
      expect.objectContaining({
        code: 'AUDIT_SIGNATURE_INVALID',
        details: { unverified: ['quasimodo.example/salvatore+367ba04b'] },
      }),
    );
  });
});

describe('checkpoints (c2sp.org/tlog-checkpoint)', () => {
  it('parses the example checkpoint of the spec', () => {
    const text =
      'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const checkpoint = parseCheckpoint(text);
    expect(checkpoint).toMatchObject({ origin: 'example.com/behind-the-sofa', treeSize: 20852163 });
    expect(checkpoint.rootHash.toString('base64')).toBe(
      'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=',
    );
    expect(formatCheckpoint(checkpoint)).toBe(text);
  });

  it('signs and opens a checkpoint, and refuses another origin or key', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const signer = { name: 'secops.example/audit', privateKey };
    const rootHash = Buffer.alloc(32, 7);
    const note = signCheckpoint(
      { origin: 'secops.example/audit', treeSize: 42, rootHash, extensions: ['x'] },
      signer,
    );
    const verifier = parseVerifierKey(verifierKey(signer.name, privateKey));
    expect(note.split('\n').slice(0, 5)).toEqual([
      'secops.example/audit',
      '42',
      rootHash.toString('base64'),
      'x',
      '',
    ]);
    expect(openCheckpoint(note, [verifier], 'secops.example/audit')).toMatchObject({
      treeSize: 42,
      rootHash,
      extensions: ['x'],
    });
    expect(() => openCheckpoint(note, [verifier], 'other')).toThrow(
      expect.objectContaining({ code: 'AUDIT_NOTE_MALFORMED' }),
    );
    expect(() => openCheckpoint(note, [peter])).toThrow(
      expect.objectContaining({ code: 'AUDIT_SIGNATURE_INVALID' }),
    );
    expect(() => openCheckpoint(note.replace('\n42\n', '\n43\n'), [verifier])).toThrow(
      expect.objectContaining({ code: 'AUDIT_SIGNATURE_INVALID' }),
    );
  });

  it.each([
    ['no final newline', 'o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['an empty origin', '\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'],
    ['a leading zero', 'o\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'],
    ['a negative size', 'o\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'],
    ['a short hash', 'o\n1\nAAAA\n'],
    ['an empty extension line', 'o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n'],
  ])('refuses checkpoint text with %s', (_name, text) => {
    expect(() => parseCheckpoint(text)).toThrow(
      expect.objectContaining({ code: 'AUDIT_NOTE_MALFORMED' }),
    );
  });
});
