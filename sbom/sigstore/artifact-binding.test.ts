import { createHash } from 'node:crypto';
import { HashAlgorithm } from '@sigstore/protobuf-specs';
import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../test/support/errors.ts';
import { IN_TOTO_PAYLOAD_TYPE, checkDsseBinding, checkMessageDigest } from './artifact-binding.ts';
import type { ArtifactInput } from './artifact-binding.ts';

const FILE = Buffer.from('the artifact\n');
const OTHER = Buffer.from('another artifact\n');
const sha = (alg: string, data: Buffer) => createHash(alg).update(data).digest();

const bytes = (b: Buffer): ArtifactInput => ({ kind: 'bytes', bytes: b });
const digestOf = (b: Buffer): ArtifactInput => ({
  kind: 'digest',
  algorithm: 'sha256',
  digest: sha('sha256', b),
});

const codeOf = errorCodeOf;

function statement(subjects: unknown): { payloadType: string; payload: Buffer } {
  return {
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v1',
        subject: subjects,
        predicateType: 'https://slsa.dev/provenance/v1',
        predicate: {},
      }),
    ),
  };
}

describe('checkMessageDigest', () => {
  const sha256 = { algorithm: HashAlgorithm.SHA2_256, digest: sha('sha256', FILE) };

  it('binds the file or its digest to the bundle message digest', () => {
    expect(checkMessageDigest(sha256, bytes(FILE))).toEqual({
      kind: 'message-digest',
      digest: `sha256:${sha('sha256', FILE).toString('hex')}`,
    });
    expect(checkMessageDigest(sha256, digestOf(FILE)).kind).toBe('message-digest');
  });

  it('refuses another file or digest', () => {
    expect(codeOf(() => checkMessageDigest(sha256, bytes(OTHER)))).toBe('SBOM_ARTIFACT_MISMATCH');
    expect(codeOf(() => checkMessageDigest(sha256, digestOf(OTHER)))).toBe(
      'SBOM_ARTIFACT_MISMATCH',
    );
  });

  it('hashes the file with the bundle algorithm, and cannot compare a sha256 digest with sha384', () => {
    const sha384 = { algorithm: HashAlgorithm.SHA2_384, digest: sha('sha384', FILE) };
    expect(checkMessageDigest(sha384, bytes(FILE)).kind).toBe('message-digest');
    expect(codeOf(() => checkMessageDigest(sha384, digestOf(FILE)))).toBe('SBOM_ARTIFACT_MISMATCH');
  });
});

describe('checkDsseBinding', () => {
  it('finds the artifact among the in-toto subjects, by file or by digest', () => {
    const envelope = statement([
      { name: 'other', digest: { sha256: sha('sha256', OTHER).toString('hex') } },
      { name: 'app.tar', digest: { sha256: sha('sha256', FILE).toString('hex') } },
    ]);
    expect(checkDsseBinding(envelope, bytes(FILE))).toEqual({
      kind: 'in-toto-subject',
      subject: 'app.tar',
      digest: `sha256:${sha('sha256', FILE).toString('hex')}`,
    });
    expect(checkDsseBinding(envelope, digestOf(FILE)).kind).toBe('in-toto-subject');
  });

  it('matches a subject recorded only by sha512 when the file is given', () => {
    const envelope = statement([
      { name: 'app.tar', digest: { sha512: sha('sha512', FILE).toString('hex') } },
    ]);
    expect(checkDsseBinding(envelope, bytes(FILE)).kind).toBe('in-toto-subject');
    expect(codeOf(() => checkDsseBinding(envelope, digestOf(FILE)))).toBe('SBOM_ARTIFACT_MISMATCH');
  });

  it('refuses an artifact that is not a subject, and a statement without subjects', () => {
    const envelope = statement([
      { name: 'app.tar', digest: { sha256: sha('sha256', FILE).toString('hex') } },
    ]);
    expect(codeOf(() => checkDsseBinding(envelope, bytes(OTHER)))).toBe('SBOM_ARTIFACT_MISMATCH');
    expect(codeOf(() => checkDsseBinding(envelope, digestOf(OTHER)))).toBe(
      'SBOM_ARTIFACT_MISMATCH',
    );
    expect(codeOf(() => checkDsseBinding(statement([]), bytes(FILE)))).toBe(
      'SBOM_ARTIFACT_MISMATCH',
    );
    expect(
      codeOf(() =>
        checkDsseBinding(
          { payloadType: IN_TOTO_PAYLOAD_TYPE, payload: Buffer.from('{') },
          bytes(FILE),
        ),
      ),
    ).toBe('SBOM_ARTIFACT_MISMATCH');
  });

  it('binds any other payload type to the payload itself', () => {
    const envelope = { payloadType: 'text/plain', payload: FILE };
    expect(checkDsseBinding(envelope, bytes(FILE)).kind).toBe('dsse-payload');
    expect(checkDsseBinding(envelope, digestOf(FILE)).kind).toBe('dsse-payload');
    expect(codeOf(() => checkDsseBinding(envelope, bytes(OTHER)))).toBe('SBOM_ARTIFACT_MISMATCH');
  });
});
