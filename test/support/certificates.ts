import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface Pem {
  readonly cert: string;
  readonly key: string;
}

async function pemKey(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return `-----BEGIN PRIVATE KEY-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
}

/**
 * A throwaway PKI for TLS tests: a CA, a server certificate for localhost/127.0.0.1, and client
 * certificates carrying a SPIFFE ID in their URI SAN. Generated fresh on every run.
 */
export async function createTestPki() {
  const now = Date.now();
  const validity = { notBefore: new Date(now - 60_000), notAfter: new Date(now + 3_600_000) };
  const caKeys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=ClayTom Test CA',
    ...validity,
    keys: caKeys as never,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
    ],
  });

  const issue = async (
    subject: string,
    serial: string,
    sans: x509.JsonGeneralName[],
    server: boolean,
  ): Promise<Pem> => {
    const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial,
      subject,
      issuer: ca.subject,
      ...validity,
      signingKey: caKeys.privateKey as never,
      publicKey: keys.publicKey as never,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.ExtendedKeyUsageExtension([
          server ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
        ]),
        new x509.SubjectAlternativeNameExtension(sans),
      ],
    });
    return { cert: cert.toString('pem'), key: await pemKey(keys.privateKey) };
  };

  return {
    ca: ca.toString('pem'),
    server: await issue(
      'CN=localhost',
      '02',
      [
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
      ],
      true,
    ),
    client: (spiffeId: string, serial: string) =>
      issue(`CN=${spiffeId}`, serial, [{ type: 'url', value: spiffeId }], false),
  };
}
