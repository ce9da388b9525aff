import { afterEach, describe, expect, it } from 'vitest';
import { TlsOptionsError } from '../../src/transport/errors.js';
import {
  isPem,
  resolveTlsOptions,
  toTlsConnectOptions,
  toTlsServerOptions,
} from '../../src/transport/tls-options.js';
import { makeTempDir, type TempDir } from '../helpers/temp-dir.js';

const CA = '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nQ0VSVA==\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----\n';

describe('resolveTlsOptions', () => {
  let dir: TempDir | undefined;
  afterEach(async () => {
    await dir?.cleanup();
    dir = undefined;
  });

  it.each([
    [undefined, null],
    [false, null],
    [true, { rejectUnauthorized: true }],
    [{}, { rejectUnauthorized: true }],
    [{ rejectUnauthorized: false }, { rejectUnauthorized: false }],
    [{ servername: 'ls.example.com' }, { servername: 'ls.example.com', rejectUnauthorized: true }],
  ])('maps %j to %j', async (input, expected) => {
    expect(await resolveTlsOptions(input)).toEqual(expected);
  });

  it('passes PEM text through unchanged', async () => {
    expect(await resolveTlsOptions({ ca: CA, cert: CERT, key: `  ${KEY}` })).toEqual({
      ca: CA,
      cert: CERT,
      key: `  ${KEY}`,
      rejectUnauthorized: true,
    });
  });

  it('reads file paths, relative ones against baseDir', async () => {
    dir = await makeTempDir();
    const caPath = await dir.write('tls/ca.pem', CA);
    await dir.write('tls/cert.pem', CERT);
    await dir.write('tls/key.pem', KEY);
    const resolved = await resolveTlsOptions(
      { ca: caPath, cert: 'tls/cert.pem', key: './tls/key.pem' },
      { baseDir: dir.path },
    );
    expect(resolved).toEqual({ ca: CA, cert: CERT, key: KEY, rejectUnauthorized: true });
  });

  it('names the missing file and the option', async () => {
    dir = await makeTempDir();
    const missing = dir.resolve('nope/ca.pem');
    const error = await resolveTlsOptions({ ca: missing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsOptionsError);
    expect(error).toMatchObject({ option: 'ca', path: missing });
    expect((error as Error).message).toContain(missing);
    expect((error as Error).message).toContain('no such file');
  });

  it('rejects a file without a PEM block', async () => {
    dir = await makeTempDir();
    const path = await dir.write('key.der', 'binary stuff');
    const error = await resolveTlsOptions({ cert: CERT, key: path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TlsOptionsError);
    expect(error).toMatchObject({ option: 'key', path });
    expect((error as Error).message).toMatch(/no PEM block/);
  });

  it('requires cert and key together', async () => {
    await expect(resolveTlsOptions({ cert: CERT })).rejects.toMatchObject({
      name: 'TlsOptionsError',
      option: 'key',
    });
    await expect(resolveTlsOptions({ key: KEY })).rejects.toMatchObject({ option: 'cert' });
  });
});

describe('isPem', () => {
  it.each([
    [CA, true],
    [`\n${CA}`, true],
    ['/etc/ssl/ca.pem', false],
    ['ca.pem', false],
  ])('%j → %s', (value, expected) => {
    expect(isPem(value)).toBe(expected);
  });
});

describe('toTlsConnectOptions / toTlsServerOptions', () => {
  it('leaves servername unset unless configured', () => {
    expect(toTlsConnectOptions({ rejectUnauthorized: true })).toEqual({ rejectUnauthorized: true });
    expect(toTlsConnectOptions({ ca: CA, servername: 'x', rejectUnauthorized: false })).toEqual({
      ca: CA,
      servername: 'x',
      rejectUnauthorized: false,
    });
  });

  it('builds server options; a CA asks peers for a client certificate', () => {
    expect(toTlsServerOptions({ cert: CERT, key: KEY, rejectUnauthorized: true })).toEqual({
      cert: CERT,
      key: KEY,
    });
    expect(toTlsServerOptions({ ca: CA, cert: CERT, key: KEY, rejectUnauthorized: true })).toEqual({
      ca: CA,
      cert: CERT,
      key: KEY,
      requestCert: true,
      rejectUnauthorized: true,
    });
  });

  it('refuses to build server options without a certificate', () => {
    expect(() => toTlsServerOptions({ rejectUnauthorized: true })).toThrow(TlsOptionsError);
  });
});
