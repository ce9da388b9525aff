/**
 * Throw-away TLS material for tests: a CA, a server certificate for `localhost` / 127.0.0.1 /
 * ::1 signed by it, and a client certificate signed by it. EC P-256 keys keep generation fast.
 * Generated once per test file (vitest isolates modules per file) and cached.
 */
import { generate } from 'selfsigned';

/** PEM text of the test certificates and keys. */
export interface TestCertificates {
  /** The CA certificate: trust it to verify `certPem` and `clientCertPem`. */
  caPem: string;
  /** The CA's private key. */
  caKeyPem: string;
  /** Server certificate for `localhost`, 127.0.0.1 and ::1, signed by the CA. */
  certPem: string;
  /** Private key of `certPem`. */
  keyPem: string;
  /** Client certificate (CN `lsadapter-test-client`), signed by the CA. */
  clientCertPem: string;
  /** Private key of `clientCertPem`. */
  clientKeyPem: string;
}

const VALIDITY_MS = 24 * 60 * 60 * 1000;

let cached: Promise<TestCertificates> | undefined;

/** Returns this test file's certificates, generating them on first use. */
export function makeTestCertificates(): Promise<TestCertificates> {
  cached ??= generateCertificates();
  return cached;
}

async function generateCertificates(): Promise<TestCertificates> {
  // Backdated a little: the peer's clock may be a moment behind ours.
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + VALIDITY_MS);
  const common = { keyType: 'ec', algorithm: 'sha256', notBeforeDate, notAfterDate } as const;
  const ca = await generate([{ name: 'commonName', value: 'lsadapter test CA' }], {
    ...common,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      {
        name: 'keyUsage',
        keyCertSign: true,
        cRLSign: true,
        digitalSignature: true,
        critical: true,
      },
    ],
  });
  const signer = { ca: { key: ca.private, cert: ca.cert } };
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    ...common,
    ...signer,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  const client = await generate([{ name: 'commonName', value: 'lsadapter-test-client' }], {
    ...common,
    ...signer,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
  });
  return {
    caPem: ca.cert,
    caKeyPem: ca.private,
    certPem: server.cert,
    keyPem: server.private,
    clientCertPem: client.cert,
    clientKeyPem: client.private,
  };
}
