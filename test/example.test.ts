// The example zorgapplicatie: its verifier accepts the real acceptance verklaring with the acceptance
// environment's JWKS (data nobody here wrote) and refuses it with any one byte changed; and in its
// public-client mode (--public) it logs a person in through Dezi with a certificate for the userinfo
// encryption, as the koppelvlak has a vendor connect.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { JWK } from 'jose';
import {
  verifyVerklaring,
  VerificationError,
  type VerklaringTrust,
} from '../examples/zorgapplicatie/verklaring.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { Browser } from './helpers/browser.ts';
import { digidLogin } from './helpers/login.ts';
import { freePort, REGISTRATION_TOKEN, startDezi, type TestDezi } from './helpers/dezi.ts';

const VECTORS = join(import.meta.dirname, '..', '..', 'shared', 'reference', 'dezi', 'vectors');
const VERKLARING = readFileSync(join(VECTORS, 'acceptatie-verklaring.jwt'), 'utf8').trim();
const JWKS = JSON.parse(readFileSync(join(VECTORS, 'acceptatie-jwks.json'), 'utf8')) as { keys: JWK[] };
const JKU = 'https://acceptatie.auth.dezi.nl/dezi/jwks.json';
/** Inside the vector's validity (nbf 2026-03-05 00:00, exp 2026-06-05 00:00 in the Netherlands). */
const INSIDE = new Date('2026-03-08T12:00:00Z');

const trust = (o: Partial<VerklaringTrust> = {}): VerklaringTrust => ({
  jku: JKU,
  keys: async () => JWKS,
  iss: 'https://abonnee.dezi.nl',
  currentDate: INSIDE,
  ...o,
});

/** The compact JWS with one byte of one part's decoded content changed. */
function oneByteChanged(jws: string, part: 0 | 1 | 2, at: number): string {
  const parts = jws.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  bytes[at] = bytes[at]! ^ 0x01;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('the example verifier on the real acceptance verklaring', () => {
  test('accepts it inside its validity, with the acceptance JWKS and its certificate', async () => {
    const v = await verifyVerklaring(VERKLARING, trust());
    assert.equal(v.verklaring_id, '0e970fcb-530c-482e-ba28-47b461d4dcb5');
    assert.equal(v.dezi_nummer, '900022159');
    assert.equal(v.abonnee_naam, 'Tést Zorginstelling 01');
    assert.equal(v.rol_naam, 'Mondhygiënist');
    assert.equal(v.nbf, 1772665200);
    assert.equal(v.exp, 1780610400);
  });

  test('refuses it with any one byte changed: in the header, the payload or the signature', async () => {
    const payloadLength = Buffer.from(VERKLARING.split('.')[1]!, 'base64url').length;
    const signatureLength = Buffer.from(VERKLARING.split('.')[2]!, 'base64url').length;
    const positions: [0 | 1 | 2, number][] = [
      [0, 10],
      [1, 0],
      [1, Math.floor(payloadLength / 2)],
      [1, payloadLength - 2],
      [2, 0],
      [2, signatureLength - 1],
    ];
    for (const [part, at] of positions) {
      await assert.rejects(
        verifyVerklaring(oneByteChanged(VERKLARING, part, at), trust()),
        VerificationError,
        `part ${part}, byte ${at}`,
      );
    }
  });

  test('refuses it outside its validity, from another jku, with another iss, or a key whose certificate is not its own', async () => {
    await assert.rejects(
      verifyVerklaring(VERKLARING, trust({ currentDate: new Date('2026-06-05T00:00:00Z') })),
      /verlopen/,
    );
    await assert.rejects(
      verifyVerklaring(VERKLARING, trust({ currentDate: new Date('2026-03-04T12:00:00Z') })),
      /nog niet geldig/,
    );
    await assert.rejects(
      verifyVerklaring(VERKLARING, trust({ jku: 'https://auth.dezi.nl/dezi/jwks.json' })),
      /jku/,
    );
    await assert.rejects(verifyVerklaring(VERKLARING, trust({ iss: 'https://auth.dezi.nl' })), /iss/);
    const dezi = await startDezi();
    try {
      // The acceptance key with another certificate (the proeftuin's eSeal's): not its own.
      const [key] = JWKS.keys;
      const otherCert = { ...key!, x5c: dezi.eseal.current.jwk.x5c };
      await assert.rejects(
        verifyVerklaring(VERKLARING, trust({ keys: async () => ({ keys: [otherCert] }) })),
        /hoort niet bij de sleutel/,
      );
      await assert.rejects(
        verifyVerklaring(
          VERKLARING,
          trust({ keys: async () => ({ keys: [{ ...key!, x5c: ['bm90IGEgY2VydA=='] }] }) }),
        ),
        VerificationError,
      );
      // A trust anchor that is not the acceptance chain's CA: the chain does not lead there.
      await assert.rejects(
        verifyVerklaring(VERKLARING, trust({ anchors: [dezi.testEseal!.caPem] })),
        /vertrouwde CA/,
      );
    } finally {
      await dezi.stop();
    }
  });
});

describe('the example zorgapplicatie as a public client (--public)', () => {
  let dezi: TestDezi;
  let example: ChildProcess;
  let exampleUrl: string;
  const workdir = mkdtempSync(join(tmpdir(), 'dezi-example-public-'));
  let output = '';

  before(async () => {
    dezi = await startDezi();
    const caFile = join(workdir, 'test-eseal-ca.pem');
    writeFileSync(caFile, dezi.testEseal!.caPem);
    const port = await freePort();
    exampleUrl = `http://localhost:${port}`;
    example = spawn(
      process.execPath,
      [join(import.meta.dirname, '..', 'examples', 'zorgapplicatie', 'main.ts'), '--public'],
      {
        cwd: workdir,
        env: {
          ...process.env,
          EXAMPLE_PORT: String(port),
          DEZI_ISSUER: dezi.url,
          DEZI_PROEFTUIN_REGISTRATION_TOKEN: REGISTRATION_TOKEN,
          // Pin the proeftuin's TEST eSeal CA: the verklaring's certificate chain must lead there.
          DEZI_ESEAL_CA_FILE: caFile,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    example.stdout!.on('data', (d) => (output += d));
    example.stderr!.on('data', (d) => (output += d));
    for (let i = 0; ; i++) {
      if (/Verbonden met Dezi/.test(output)) break;
      if (i > 200 || example.exitCode !== null) throw new Error(`example did not connect:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    example?.kill();
    await dezi?.stop();
    rmSync(workdir, { recursive: true, force: true });
  });

  test('registers with token_endpoint_auth_method none and its certificate; a login shows the verified verklaring', async () => {
    const stored = JSON.parse(readFileSync(join(workdir, '.dezi', 'example-client-public.json'), 'utf8')) as {
      client_id: string;
      signing_key?: unknown;
      encryption_certificate: string;
    };
    assert.equal(stored.signing_key, undefined, 'a public client has no key to sign with');
    const client = await dezi.provider.Client.find(stored.client_id);
    assert.equal(client?.clientAuthMethod, 'none');
    const jwks = client!.metadata().jwks as { keys: { x5c?: string[] }[] };
    assert.deepEqual(jwks.keys[0]!.x5c, [stored.encryption_certificate]);

    const person = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
    const browser = new Browser();
    const home = await browser.goto(exampleUrl);
    const loginPage = await browser.submit(home, '/login');
    const back = await digidLogin(browser, loginPage, person.bsn, `${exampleUrl}/callback`);
    const result = await browser.follow(back);
    assert.equal(result.status, 200, `${result.url}: ${result.body.slice(0, 500)}\n${output}`);
    assert.match(result.body, new RegExp(person.deziNummer));
    assert.match(result.body, /Huisarts/);
    assert.match(result.body, /geldig/);
    assert.ok(!result.body.includes(person.bsn), 'the zorgapplicatie never sees the BSN');
  });
});
