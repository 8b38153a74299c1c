// The UZI-pas building blocks on their own: the otherName 2.5.5.5 layout, the proxy header, the
// proxy allow-list, the configuration, and the revocation-list store's signature and replay checks.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, OtherName, SubjectAlternativeName } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { ConfigError, loadConfig } from '../src/config.ts';
import { upstreamFetchBytes } from '../src/means/http.ts';
import { MeansError } from '../src/means/means.ts';
import { decodeCertificateHeader, proxyAllowList } from '../src/means/uzi-pas/certificate-source.ts';
import { UziCrlStore } from '../src/means/uzi-pas/crl.ts';
import { UziPasError } from '../src/means/uzi-pas/errors.ts';
import {
  encodeUziSan,
  formatUziName,
  GarbledSanError,
  parseUziName,
  uziOtherNames,
} from '../src/means/uzi-pas/san.ts';
import { UziTrustStore } from '../src/means/uzi-pas/trust.ts';
import { x509 } from '../src/pki/x509.ts';
import { loadTestUziPki, type TestCa, type TestUziPki } from '../src/proeftuin/uzi-pki.ts';

const EXAMPLE = '2.16.528.1.1003.1.3.5.5.2-1-12345678-Z-90000111-01.015-00000000';
const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const DAY = 24 * 3600 * 1000;

describe('UZI otherName 2.5.5.5', () => {
  test('the koppelvlak example parses, and formats back to itself', () => {
    const name = parseUziName(EXAMPLE);
    assert.deepEqual(name, {
      caOid: '2.16.528.1.1003.1.3.5.5.2',
      version: '1',
      uziNummer: '12345678',
      cardType: 'Z',
      abonneeNummer: '90000111',
      rolCode: '01.015',
      agb: '00000000',
    });
    assert.equal(formatUziName(name), EXAMPLE);
  });

  test('anything off the layout is garbled', () => {
    for (const bad of [
      '',
      '2.16.528.1.1003.1.3.5.5.2-1-12345678-Z-90000111-01.015',
      `${EXAMPLE}-extra`,
      EXAMPLE.replace('-Z-', '-z-'),
      EXAMPLE.replace('-Z-', '-X-'),
      EXAMPLE.replace('12345678', '1234567a'),
      EXAMPLE.replace('01.015', '1.15'),
      EXAMPLE.replace('90000111', '9000011'),
      `${'1.'.repeat(150)}1-1-12345678-Z-90000111-01.015-00000000`,
    ]) {
      assert.throws(() => parseUziName(bad), GarbledSanError, bad);
    }
  });

  test('the DER subjectAltName: our encoding reads back; other forms are ignored or garbled', () => {
    assert.deepEqual(uziOtherNames(encodeUziSan(EXAMPLE)), [EXAMPLE]);
    const dnsOnly = AsnConvert.serialize(
      new SubjectAlternativeName([new GeneralName({ dNSName: 'x.example' })]),
    );
    assert.deepEqual(uziOtherNames(dnsOnly), []);
    const utf8 = AsnConvert.serialize(
      new SubjectAlternativeName([
        new GeneralName({
          otherName: new OtherName({
            typeId: '2.5.5.5',
            value: new asn1js.Utf8String({ value: EXAMPLE }).toBER(),
          }),
        }),
      ]),
    );
    assert.throws(() => uziOtherNames(utf8), /not an IA5String/);
    assert.throws(() => uziOtherNames(new Uint8Array([0x30, 0x05, 0x01]).buffer), GarbledSanError);
  });
});

describe('the proxy header and allow-list', () => {
  let pem: string;
  before(async () => {
    pem = (await loadTestUziPki(null, ['localhost'])).cards[0]!.certPem;
  });

  test('URL-encoded PEM (nginx), PEM with spaces (Apache), base64 DER all decode to the same DER', () => {
    const der = new X509Certificate(pem).raw;
    assert.deepEqual(decodeCertificateHeader(encodeURIComponent(pem)), der);
    assert.deepEqual(decodeCertificateHeader(pem.replace(/\n/g, ' ')), der);
    assert.deepEqual(decodeCertificateHeader(der.toString('base64')), der);
  });

  test('empty means no certificate; junk and oversized headers are garbled', () => {
    for (const none of ['', '  ', '(null)', '-']) assert.equal(decodeCertificateHeader(none), null);
    assert.throws(
      () => decodeCertificateHeader('%E0%A4%A'),
      (e: UziPasError) => e.reason === 'garbled_certificate',
    );
    assert.throws(
      () => decodeCertificateHeader('not base64!'),
      (e: UziPasError) => e.reason === 'garbled_certificate',
    );
    assert.throws(() => decodeCertificateHeader('A'.repeat(17 * 1024)), /too long/);
  });

  test('addresses and networks, IPv4 and IPv6; anything else is a configuration error', () => {
    const list = proxyAllowList(['10.1.2.3', '192.168.0.0/16', 'fd00::/8']);
    assert.ok(list.check('10.1.2.3', 'ipv4'));
    assert.ok(!list.check('10.1.2.4', 'ipv4'));
    assert.ok(list.check('192.168.40.1', 'ipv4'));
    assert.ok(list.check('fd12::1', 'ipv6'));
    assert.ok(!list.check('fe80::1', 'ipv6'));
    assert.throws(() => proxyAllowList(['proxy.example']), /not an IP address/);
    assert.throws(() => proxyAllowList(['10.0.0.0/33']), /prefix length/);
  });
});

describe('UZI-pas configuration', () => {
  const base = {
    DEZI_SECRET: 'ab'.repeat(32),
    DEZI_DATA_DIR: '/nonexistent-dezi',
    DEZI_PROEFTUIN_REGISTRATION_TOKEN: 'x'.repeat(20),
  };
  let dir: string;
  let ca: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dezi-uzi-config-'));
    ca = join(dir, 'ca.pem');
    writeFileSync(ca, 'pem');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the proeftuin has a listener on 3443 with its TEST PKI in the data directory', () => {
    const c = loadConfig(base).uziPas!;
    assert.deepEqual(c.listener, { host: 'localhost', port: 3443, tls: null });
    assert.equal(c.certificateUrl, 'https://localhost:3443/uzi-pas/certificaat');
    assert.equal(c.testPkiDir, '/nonexistent-dezi/uzi-pas');
    assert.equal(c.crlGraceSeconds, 0);
    assert.equal(loadConfig({ ...base, DEZI_UZI_PAS: 'off' }).uziPas, undefined);
  });

  test('production: off unless asked; then CA files, CRLs and a TLS certificate are required', () => {
    const prod = { ...base, DEZI_MODE: 'production', DEZI_ISSUER: 'https://dezi.example.nl' };
    assert.equal(loadConfig(prod).uziPas, undefined);
    assert.throws(
      () => loadConfig({ ...prod, DEZI_UZI_PAS: 'listener' }),
      /DEZI_UZI_PAS_CA_FILES is required/,
    );
    const withCa = { ...prod, DEZI_UZI_PAS: 'listener', DEZI_UZI_PAS_CA_FILES: ca };
    assert.throws(() => loadConfig(withCa), /DEZI_UZI_PAS_CRLS is required/);
    const withCrl = { ...withCa, DEZI_UZI_PAS_CRLS: 'https://crl.example.nl/z.crl' };
    assert.throws(() => loadConfig(withCrl), /TLS_CERT and _KEY are required/);
    assert.throws(() => loadConfig({ ...withCrl, DEZI_UZI_PAS_TLS_CERT: ca }), /go together/);
    const ok = loadConfig({
      ...withCrl,
      DEZI_UZI_PAS_TLS_CERT: ca,
      DEZI_UZI_PAS_TLS_KEY: ca,
      DEZI_UZI_PAS_CRLS: `${ca},https://crl.example.nl/z.crl`,
    }).uziPas!;
    assert.deepEqual(ok.crlSources, [
      { kind: 'file', path: ca },
      { kind: 'url', url: 'https://crl.example.nl/z.crl' },
    ]);
    assert.equal(ok.certificateUrl, 'https://dezi.example.nl:3443/uzi-pas/certificaat');
  });

  test('proxy mode needs proxy addresses; bad values are refused', () => {
    assert.throws(() => loadConfig({ ...base, DEZI_UZI_PAS: 'proxy' }), /DEZI_UZI_PAS_PROXIES is required/);
    const c = loadConfig({
      ...base,
      DEZI_UZI_PAS: 'proxy',
      DEZI_UZI_PAS_PROXIES: '10.0.0.5, 10.0.1.0/24',
    }).uziPas!;
    assert.deepEqual(c.proxy, { addresses: ['10.0.0.5', '10.0.1.0/24'], header: 'x-ssl-client-cert' });
    assert.equal(c.listener, null);
    assert.throws(() => loadConfig({ ...base, DEZI_UZI_PAS: 'yes' }), ConfigError);
    assert.throws(() => loadConfig({ ...base, DEZI_UZI_PAS_CRLS: '/nonexistent.crl' }), /neither an http/);
    assert.throws(() => loadConfig({ ...base, DEZI_UZI_PAS_CA_FILES: '/nonexistent.pem' }), /does not exist/);
    assert.throws(() => loadConfig({ ...base, DEZI_UZI_PAS_CRL_GRACE: '-1' }), /whole number/);
    assert.throws(() => loadConfig({ ...base, DEZI_UZI_PAS_URL: 'http://dezi.example.nl/c' }), /https/);
  });
});

describe('revocation-list store', () => {
  let pki: TestUziPki;
  let dir: string;
  before(async () => {
    pki = await loadTestUziPki(null, ['localhost']);
    dir = mkdtempSync(join(tmpdir(), 'dezi-uzi-crl-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function crlFile(name: string, issuer: TestCa, signer: TestCa, thisUpdate: Date): Promise<string> {
    const crl = await x509.X509CrlGenerator.create({
      issuer: new x509.X509Certificate(issuer.certPem).subject,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + 2 * DAY),
      signingKey: signer.keys.privateKey,
      signingAlgorithm: RSA,
    });
    const path = join(dir, name);
    writeFileSync(path, name.endsWith('.pem') ? crl.toString('pem') : Buffer.from(crl.rawData));
    return path;
  }

  test('a list not signed by its CA is not used: no list, no login', async () => {
    const forged = await crlFile('forged.crl', pki.cas.Z, pki.cas.N, new Date());
    const store = new UziCrlStore(
      { sources: [{ kind: 'file', path: forged }], refreshSeconds: 3600, graceSeconds: 0 },
      new UziTrustStore(pki.caPems),
    );
    const z = new X509Certificate(pki.cas.Z.certPem);
    await assert.rejects(
      store.listFor(z),
      (e: UziPasError) => e.reason === 'revocation_unavailable' && e.kind === 'unavailable',
    );
    assert.match(store.lastError!, /not signed by a configured UZI CA/);
    assert.equal(store.healthy(), false);
  });

  test('an older list (replayed) does not replace a newer one; PEM lists are read too', async () => {
    const newer = await crlFile('newer.pem', pki.cas.Z, pki.cas.Z, new Date(Date.now() - 60_000));
    const older = await crlFile('older.crl', pki.cas.Z, pki.cas.Z, new Date(Date.now() - DAY));
    const store = new UziCrlStore(
      {
        sources: [newer, older].map((path) => ({ kind: 'file' as const, path })),
        refreshSeconds: 3600,
        graceSeconds: 0,
      },
      new UziTrustStore(pki.caPems),
    );
    const list = await store.listFor(new X509Certificate(pki.cas.Z.certPem));
    assert.ok(Date.now() - list.thisUpdate.getTime() < 5 * 60_000, 'the newer list is kept');
    assert.equal(store.healthy(), true);
  });

  test('a CA certificate that is not a CA is refused as trust anchor', () => {
    assert.throws(() => new UziTrustStore([pki.cards[0]!.certPem]), /not a CA/);
    assert.throws(() => new UziTrustStore(['no pem here']), /no PEM certificate/);
  });
});

describe('upstreamFetchBytes', () => {
  test('binary answers arrive intact; the size limit holds while reading', async () => {
    const body = Buffer.from([0, 1, 2, 255, 254, 0x80]);
    const server = createServer((req, res) => {
      if (req.url === '/big') {
        res.write(Buffer.alloc(600));
        res.end(Buffer.alloc(600));
      } else res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    try {
      const ok = await upstreamFetchBytes(`http://127.0.0.1:${port}/`, { method: 'GET', maxBytes: 1000 });
      assert.deepEqual(Buffer.from(ok.body), body);
      await assert.rejects(
        upstreamFetchBytes(`http://127.0.0.1:${port}/big`, { method: 'GET', maxBytes: 1000 }),
        (e: MeansError) => e.kind === 'invalid_response' && /too large/.test(e.message),
      );
    } finally {
      server.close();
    }
  });
});
