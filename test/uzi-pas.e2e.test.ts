// The UZI-pas means end to end: a scripted browser presents a TEST UZI-pas over TLS to the real
// certificate listener (or through the trusted-proxy header), the broker finds the person by the
// UZI-nummer, and the zorgapplicatie gets the verklaring. Every refusal gets its own page.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { webcrypto, X509Certificate } from 'node:crypto';
import type { UziPasConfig } from '../src/config.ts';
import { LOA } from '../src/means/loa.ts';
import { encodeUziSan } from '../src/means/uzi-pas/san.ts';
import { x509 } from '../src/pki/x509.ts';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import {
  issueCardCertificate,
  loadTestUziPki,
  TEST_CARD_PASSWORD,
  type CardSpec,
  type TestCa,
  type TestUziPki,
} from '../src/proeftuin/uzi-pki.ts';
import { Browser, radioValues, type Exchange } from './helpers/browser.ts';
import { BACKENDS, freePort, openTestDatabase, startDezi, type TestDezi } from './helpers/dezi.ts';
import { codeIssued, startLogin } from './helpers/login.ts';
import { DIGID, offeredMeans, unusableMeans } from './helpers/means.ts';
import { fetchUserinfo, redeem, registerRp, type TestRp } from './helpers/rp.ts';
import { tlsFetch, type TlsFetchOptions } from './helpers/tls-fetch.ts';

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!;
const DE_VRIES = SEED_PERSONS.find((p) => p.achternaam === 'Vries')!;
const VAN_DEN_BERG = SEED_PERSONS.find((p) => p.achternaam === 'Berg')!;
const RSA = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
  publicExponent: new Uint8Array([1, 0, 1]),
  modulusLength: 2048,
};
const DAY = 24 * 3600 * 1000;

function uziConfig(o: Partial<UziPasConfig> & Pick<UziPasConfig, 'certificateUrl'>): UziPasConfig {
  return {
    listener: null,
    proxy: null,
    caFiles: [],
    crlSources: [],
    crlRefreshSeconds: 3600,
    crlGraceSeconds: 0,
    testPkiDir: null,
    ...o,
  };
}

async function listenerDezi(db: TestDezi['db'], extra: Partial<UziPasConfig> = {}) {
  const port = await freePort();
  const dezi = await startDezi({
    db,
    config: {
      uziPas: uziConfig({
        listener: { host: '127.0.0.1', port, tls: null },
        certificateUrl: `https://localhost:${port}/uzi-pas/certificaat`,
        ...extra,
      }),
    },
  });
  return { dezi, certificateUrl: `https://localhost:${port}/uzi-pas/certificaat` };
}

/** A card the proeftuin does not hand out: made here, with the TEST CA's key, to be broken on purpose. */
async function makeCard(ca: TestCa, spec: Partial<CardSpec> = {}): Promise<{ cert: string; key: string }> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await issueCardCertificate(
    ca,
    {
      holder: 'T. Test',
      uziNummer: JANSEN.deziNummer,
      cardType: 'Z',
      abonneeNummer: '90000111',
      rolCode: '01.015',
      ...spec,
    },
    keys,
  );
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { cert, key: `-----BEGIN PRIVATE KEY-----\n${der.toString('base64')}\n-----END PRIVATE KEY-----\n` };
}

function cardOf(pki: TestUziPki, id: string): TlsFetchOptions {
  const card = pki.cards.find((c) => c.id === id);
  assert.ok(card, `no test card ${id}`);
  return { pfx: card.p12, passphrase: TEST_CARD_PASSWORD };
}

for (const backend of BACKENDS)
  describe(`UZI-pas (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let dezi: TestDezi;
    let certificateUrl: string;
    let rp: TestRp;
    let pki: TestUziPki;
    const others: TestDezi[] = [];

    before(async () => {
      database = await openTestDatabase(backend);
      ({ dezi, certificateUrl } = await listenerDezi(database.db));
      pki = await loadTestUziPki(null, ['localhost']);
      rp = await registerRp(dezi.url);
    });

    after(async () => {
      for (const d of others) await d.stop();
      await dezi?.stop();
      await database?.close();
    });

    function browserWith(card: TlsFetchOptions | null): Browser {
      return new Browser({ fetch: tlsFetch({ ...card, ca: [pki.root.certPem] }) });
    }

    /** From the zorgapplicatie to the page after the certificate endpoint (or the redirect back to it). */
    async function presentCard(browser: Browser, target: TestRp = rp) {
      const { request, page } = await startLogin(browser, target);
      assert.equal(page.status, 200, page.body.slice(0, 300));
      assert.match(page.body, /UZI-pas/);
      const after = await browser.submit(page, '/means', { means: 'uzi-pas' }, target.redirectUri);
      return { request, page, after };
    }

    /**
     * Revocation lists this Dezi cannot use: its health check shows the UZI-pas as down on the
     * login page; chosen anyway, the fallback page offers the other means and the card is never
     * asked for (fail closed).
     */
    async function uziPasDown(target: { dezi: TestDezi; certificateUrl: string }) {
      const client = await registerRp(target.dezi.url);
      const browser = browserWith(cardOf(pki, `uzi-${JANSEN.deziNummer}`));
      const { page, after } = await presentCard(browser, client);
      assert.ok(!offeredMeans(page.body).includes('uzi-pas'));
      assert.deepEqual(unusableMeans(page.body), ['UZI-pas Tijdelijk niet beschikbaar']);
      assert.equal(after.status, 200, after.body.slice(0, 300));
      assert.match(after.body, /Inlogmiddel tijdelijk niet beschikbaar/);
      assert.ok(!offeredMeans(after.body).includes('uzi-pas') && offeredMeans(after.body).includes(DIGID));
      assert.ok(!browser.history.some((h) => h.url.startsWith(target.certificateUrl)), 'no card asked for');
      assert.ok(!codeIssued(browser, client.redirectUri));
    }

    async function refusedWith(
      card: TlsFetchOptions | null,
      status: number,
      title: RegExp,
    ): Promise<Exchange> {
      const browser = browserWith(card);
      const { after } = await presentCard(browser);
      assert.ok(after.url.startsWith(certificateUrl), `stopped at ${after.url}`);
      assert.equal(after.status, status, after.body.slice(0, 800));
      assert.match(after.body, title);
      // Back to the broker: the login failed, the person can try again or cancel.
      const back = await browser.follow(
        await browser.request(
          /href="([^"]*\/callback\/uzi-pas[^"]*)"/.exec(after.body)![1]!.replace(/&amp;/g, '&'),
        ),
      );
      assert.equal(back.status, 400);
      assert.match(back.body, /\/interaction\/[^"]+\/annuleren/);
      return after;
    }

    test('a test card logs in through the TLS listener: one employment, verklaring as in the register', async () => {
      const browser = browserWith(cardOf(pki, `uzi-${JANSEN.deziNummer}`));
      const { request, after } = await presentCard(browser);
      assert.equal(after.status, 303, `${after.url}: ${after.body.slice(0, 500)}`);
      assert.ok(after.location!.startsWith(rp.redirectUri));
      const tokens = await redeem(rp, after.location!, request);
      const claims = tokens.claims()!;
      assert.equal(claims.acr, LOA.high);
      const userinfo = await fetchUserinfo(rp, tokens.access_token, claims.sub);
      assert.equal(userinfo.envelope.loa_authn, LOA.high);
      assert.equal(userinfo.verklaring.dezi_nummer, JANSEN.deziNummer);
      assert.equal(userinfo.verklaring.abonnee_nummer, '90000111');
      assert.equal(userinfo.verklaring.rol_code, '01.015');
      // The browser went through the listener and carried only opaque tokens: no certificate data.
      const urls = browser.history.map((e) => e.url);
      assert.ok(urls.some((u) => u.startsWith(`${certificateUrl}?ticket=`)));
      const callback = urls.find((u) => u.includes('/callback/uzi-pas'))!;
      assert.deepEqual([...new URL(callback).searchParams.keys()], ['result']);
      const pem = pki.cards.find((c) => c.uziNummer === JANSEN.deziNummer)!.certPem;
      const base64 = pem.split('\n')[3]!;
      for (const e of browser.history) {
        assert.ok(!e.url.includes(JANSEN.deziNummer), `UZI-nummer in ${e.url}`);
        assert.ok(!decodeURIComponent(e.url).includes(base64), 'certificate in a URL');
      }
      const [row] = await dezi.db.query<{ detail: Record<string, unknown> }>(
        "SELECT detail FROM audit_events WHERE action = 'login' AND outcome = 'success' AND actor = $1 ORDER BY id DESC LIMIT 1",
        [JANSEN.deziNummer],
      );
      assert.equal(row?.detail.means, 'uzi-pas');
    });

    test('a card of a person with two employments: the choice, then the chosen verklaring', async () => {
      const browser = browserWith(cardOf(pki, `uzi-${AMRANI.deziNummer}`));
      const { request, after } = await presentCard(browser);
      assert.equal(after.status, 200, after.body.slice(0, 500));
      assert.ok(after.url.endsWith('/kies'));
      assert.equal(radioValues(after.body, 'employment').length, 2);
      const choice = after.body.split('dezi-option">').find((li) => li.includes('URA 90000222'))!;
      const employment = /value="([^"]+)"/.exec(choice)![1]!;
      const chosen = await browser.submit(after, '/kies', { employment }, rp.redirectUri);
      assert.equal(chosen.status, 303);
      const tokens = await redeem(rp, chosen.location!, request);
      const userinfo = await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub);
      assert.equal(userinfo.verklaring.dezi_nummer, AMRANI.deziNummer);
      assert.equal(userinfo.verklaring.abonnee_nummer, '90000222');
    });

    test('card types N and M (employee cards) log in too', async () => {
      for (const cardType of ['N', 'M'] as const) {
        const card = await makeCard(pki.cas[cardType], { cardType, uziNummer: VAN_DEN_BERG.deziNummer });
        const browser = browserWith(card);
        const { request, after } = await presentCard(browser);
        assert.equal(after.status, 303, `${cardType}: ${after.body.slice(0, 300)}`);
        const tokens = await redeem(rp, after.location!, request);
        const userinfo = await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub);
        assert.equal(userinfo.verklaring.dezi_nummer, VAN_DEN_BERG.deziNummer);
      }
    });

    test('a card type that does not belong to the CA OID in the SAN is garbled', async () => {
      await refusedWith(
        await makeCard(pki.cas.Z, {
          san: encodeUziSan(`2.16.528.1.1003.1.3.5.5.3-1-${JANSEN.deziNummer}-Z-90000111-01.015-00000000`),
        }),
        403,
        /UZI-gegevens onleesbaar/,
      );
    });

    test('the certificate endpoint without a valid ticket: "session expired", nothing validated', async () => {
      const browser = browserWith(cardOf(pki, `uzi-${JANSEN.deziNummer}`));
      for (const query of ['', '?ticket=short', `?ticket=${'A'.repeat(43)}`]) {
        const res = await browser.request(`${certificateUrl}${query}`);
        assert.equal(res.status, 400, query);
        assert.doesNotMatch(res.body, /UZI-pas/);
      }
      const css = await browser.request(
        `${certificateUrl.replace('/uzi-pas/certificaat', '')}/static/dezi.css`,
      );
      assert.equal(css.status, 200);
      assert.match(css.headers['content-security-policy']!, /default-src 'self'/);
      const missing = await browser.request(`${certificateUrl.replace('/uzi-pas/certificaat', '')}/nothing`);
      assert.equal(missing.status, 404);
    });

    test('a card whose UZI-nummer is in no register: "not in the register"', async () => {
      const browser = browserWith(cardOf(pki, 'uzi-900099999'));
      const { after } = await presentCard(browser);
      assert.equal(after.status, 403);
      assert.match(after.body, /U staat niet in het Dezi-register/);
    });

    test('the revoked test card is refused (it is on the CRL)', async () => {
      const card = pki.cards.find((c) => c.purpose === 'revoked')!;
      await refusedWith(cardOf(pki, card.id), 403, /UZI-pas ingetrokken/);
      const [audit] = await dezi.db.query<{ detail: Record<string, unknown> }>(
        "SELECT detail FROM audit_events WHERE action = 'uzi-pas.certificate' AND outcome = 'failure' ORDER BY id DESC LIMIT 1",
      );
      assert.equal(audit?.detail.reason, 'revoked');
      assert.match(
        dezi.logs.text(),
        new RegExp(`revoked: certificate ${new X509Certificate(card.certPem).serialNumber}`),
      );
      assert.doesNotMatch(dezi.logs.text(), /Jansen/, 'the holder is not named in the logs');
    });

    test('a server card (type S) is refused; the refusal page switches to English', async () => {
      const card = pki.cards.find((c) => c.purpose === 'server_card')!;
      const browser = browserWith(cardOf(pki, card.id));
      const { after } = await presentCard(browser);
      assert.equal(after.status, 403);
      assert.match(after.body, /Servercertificaat/);
      const switchTo = /class="[^"]*dezi-lang-switch"\s+href="([^"]+)"/
        .exec(after.body)![1]!
        .replace(/&amp;/g, '&');
      const english = await browser.request(new URL(switchTo, after.url).href);
      assert.equal(english.status, 403);
      assert.match(english.body, /Server certificate/);
      // Only the newest "back" link works; it still ends the login as failed.
      const back = /href="([^"]*\/callback\/uzi-pas[^"]*)"/.exec(english.body)![1]!.replace(/&amp;/g, '&');
      const failed = await browser.follow(await browser.request(back));
      assert.equal(failed.status, 400);
      assert.match(failed.body, /Login failed|Inloggen is niet gelukt/);
      assert.equal((await browser.request(new URL(switchTo, after.url).href)).status, 400, 'redeemed: gone');
    });

    test('no certificate presented', async () => {
      await refusedWith(null, 403, /Geen UZI-pas gevonden/);
    });

    test('a card from an unknown CA', async () => {
      const keys = (await webcrypto.subtle.generateKey(RSA, true, [
        'sign',
        'verify',
      ])) as webcrypto.CryptoKeyPair;
      const foreign = await x509.X509CertificateGenerator.createSelfSigned({
        name: 'CN=TEST UZI-register Zorgverlener CA G3, O=TEST, C=NL',
        keys,
        signingAlgorithm: RSA,
        extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
      });
      await refusedWith(
        await makeCard({ name: 'foreign', certPem: foreign.toString('pem'), keys }),
        403,
        /Geen UZI-pas/,
      );
    });

    test('a certificate whose signature was tampered with', async () => {
      const { cert, key } = await makeCard(pki.cas.Z);
      const der = Buffer.from(new x509.X509Certificate(cert).rawData);
      der[der.length - 10]! ^= 0xff; // inside the signature value
      const tampered = `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
      await refusedWith({ cert: tampered, key }, 403, /Certificaat niet echt/);
    });

    test('an expired card and a card not yet valid', async () => {
      await refusedWith(
        await makeCard(pki.cas.Z, {
          notBefore: new Date(Date.now() - 40 * DAY),
          notAfter: new Date(Date.now() - DAY),
        }),
        403,
        /UZI-pas verlopen/,
      );
      await refusedWith(
        await makeCard(pki.cas.Z, {
          notBefore: new Date(Date.now() + DAY),
          notAfter: new Date(Date.now() + 40 * DAY),
        }),
        403,
        /UZI-pas nog niet geldig/,
      );
    });

    test('a certificate without, or with a garbled, UZI subjectAltName', async () => {
      await refusedWith(await makeCard(pki.cas.Z, { san: null }), 403, /Geen UZI-gegevens op de pas/);
      await refusedWith(
        await makeCard(pki.cas.Z, { san: encodeUziSan('2.16.528.1.1003.1.3.5.5.2-1-12345-Z-90000111') }),
        403,
        /UZI-gegevens onleesbaar/,
      );
    });

    test('a certificate not meant for authentication (key usage)', async () => {
      await refusedWith(
        await makeCard(pki.cas.Z, { keyUsage: x509.KeyUsageFlags.nonRepudiation }),
        403,
        /Verkeerd certificaat/,
      );
    });

    test('a ticket is used once; a result token only for its own login', async () => {
      const browser = browserWith(cardOf(pki, `uzi-${JANSEN.deziNummer}`));
      const { after } = await presentCard(browser);
      assert.equal(after.status, 303);
      const ticketUrl = browser.history.find((e) => e.url.startsWith(certificateUrl))!.url;
      const again = await browser.request(ticketUrl);
      assert.equal(again.status, 400);
      assert.match(again.body, /verlopen|expired/i);

      // A result token carried into another login is refused there.
      const other = browserWith(cardOf(pki, `uzi-${JANSEN.deziNummer}`));
      const { page } = await startLogin(other, rp);
      const ticketPage = await other.submit(page, '/means', { means: 'uzi-pas' }, certificateUrl);
      assert.ok(ticketPage.location!.startsWith(certificateUrl));
      const settled = await other.request(ticketPage.location!);
      assert.equal(settled.status, 303);
      const stolen = new URL(settled.location!).searchParams.get('result')!;
      const victim = browserWith(null);
      const { page: victimPage } = await startLogin(victim, rp);
      await victim.submit(victimPage, '/means', { means: 'uzi-pas' }, certificateUrl);
      const uid = /\/interaction\/([^/]+)\//.exec(victim.history.at(-1)!.url)![1]!;
      const forged = await victim.goto(`${dezi.url}/interaction/${uid}/callback/uzi-pas?result=${stolen}`);
      assert.equal(forged.status, 400);
      assert.match(forged.body, /Inloggen is niet gelukt/);
    });

    test('revocation lists that cannot be had, are stale or are forged: refused, fail closed', async () => {
      const dead = await freePort();
      const unreachable = await listenerDezi(database.db, {
        crlSources: [{ kind: 'url', url: `http://127.0.0.1:${dead}/z.crl` }],
      });
      others.push(unreachable.dezi);
      await uziPasDown(unreachable);

      // Stale: the root's list is current, the Zorgverlener CA's list expired yesterday.
      const dir = mkdtempSync(join(tmpdir(), 'dezi-crl-'));
      try {
        const crl = async (ca: TestCa, nextUpdate: Date, revoked: string[] = []) =>
          Buffer.from(
            (
              await x509.X509CrlGenerator.create({
                issuer: new x509.X509Certificate(ca.certPem).subject,
                thisUpdate: new Date(nextUpdate.getTime() - DAY),
                nextUpdate,
                entries: revoked.map((serialNumber) => ({
                  serialNumber,
                  revocationDate: new Date(Date.now() - DAY),
                })),
                signingKey: ca.keys.privateKey,
                signingAlgorithm: RSA,
              })
            ).rawData,
          );
        writeFileSync(join(dir, 'root.crl'), await crl(pki.root, new Date(Date.now() + DAY)));
        writeFileSync(join(dir, 'z-stale.crl'), await crl(pki.cas.Z, new Date(Date.now() - 60_000)));
        // Signed by the N CA but claiming nothing for Z: the Z CA still has no list.
        writeFileSync(join(dir, 'n.crl'), await crl(pki.cas.N, new Date(Date.now() + DAY)));
        const stale = await listenerDezi(database.db, {
          crlSources: ['root.crl', 'z-stale.crl', 'n.crl'].map((f) => ({
            kind: 'file' as const,
            path: join(dir, f),
          })),
        });
        others.push(stale.dezi);
        await uziPasDown(stale);

        // A list that goes out of date between the health check and the card: the certificate
        // endpoint refuses the card with its own page (fail closed), and back at the broker the
        // login goes on with another means.
        const soonUntil = Date.now() + 4000;
        writeFileSync(join(dir, 'z-soon.crl'), await crl(pki.cas.Z, new Date(soonUntil)));
        const soon = await listenerDezi(database.db, {
          crlSources: ['root.crl', 'z-soon.crl'].map((f) => ({ kind: 'file' as const, path: join(dir, f) })),
        });
        others.push(soon.dezi);
        const rp3 = await registerRp(soon.dezi.url);
        const soonBrowser = browserWith(cardOf(pki, `uzi-${JANSEN.deziNummer}`));
        const { page: soonLogin } = await startLogin(soonBrowser, rp3);
        assert.ok(offeredMeans(soonLogin.body).includes('uzi-pas'), 'current lists: offered');
        await new Promise((r) => setTimeout(r, Math.max(0, soonUntil - Date.now()) + 500));
        const stalePage = await soonBrowser.submit(
          soonLogin,
          '/means',
          { means: 'uzi-pas' },
          rp3.redirectUri,
        );
        assert.ok(stalePage.url.startsWith(soon.certificateUrl), `stopped at ${stalePage.url}`);
        assert.equal(stalePage.status, 503, stalePage.body.slice(0, 300));
        assert.match(stalePage.body, /Controle van de UZI-pas niet mogelijk/);
        assert.match(
          soon.dezi.logs.text(),
          /revocation_unavailable: revocation list from .*z-soon\.crl is out of date/,
        );
        const back = await soonBrowser.follow(
          await soonBrowser.request(
            /href="([^"]*\/callback\/uzi-pas[^"]*)"/.exec(stalePage.body)![1]!.replace(/&amp;/g, '&'),
          ),
        );
        assert.equal(back.status, 200, back.body.slice(0, 300));
        assert.match(back.body, /Inlogmiddel tijdelijk niet beschikbaar/);
        assert.ok(offeredMeans(back.body).includes(DIGID) && !offeredMeans(back.body).includes('uzi-pas'));
        assert.ok(!codeIssued(soonBrowser, rp3.redirectUri));

        // The root revoked the Zorgverlener CA itself: every Z card falls with it.
        const zSerial = new x509.X509Certificate(pki.cas.Z.certPem).serialNumber;
        writeFileSync(
          join(dir, 'root-revokes-z.crl'),
          await crl(pki.root, new Date(Date.now() + DAY), [zSerial]),
        );
        writeFileSync(join(dir, 'z.crl'), await crl(pki.cas.Z, new Date(Date.now() + DAY)));
        const caRevoked = await listenerDezi(database.db, {
          crlSources: ['root-revokes-z.crl', 'z.crl'].map((f) => ({
            kind: 'file' as const,
            path: join(dir, f),
          })),
        });
        others.push(caRevoked.dezi);
        const rp4 = await registerRp(caRevoked.dezi.url);
        const revokedCaPage = (await presentCard(browserWith(cardOf(pki, `uzi-${JANSEN.deziNummer}`)), rp4))
          .after;
        assert.equal(revokedCaPage.status, 403);
        assert.match(revokedCaPage.body, /UZI-pas ingetrokken/);
        assert.match(caRevoked.dezi.logs.text(), /revoked: CN=TEST UZI-register Zorgverlener CA G3/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('the certificate listener starts and stops with Dezi', async () => {
      const extra = await listenerDezi(database.db);
      const probe = () => browserWith(null).request(extra.certificateUrl);
      assert.equal((await probe()).status, 400);
      await extra.dezi.stop();
      await assert.rejects(
        probe(),
        (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String(e)),
      );
    });

    describe('behind a trusted proxy', () => {
      let proxied: TestDezi;
      let proxiedRp: TestRp;

      before(async () => {
        const port = await freePort();
        proxied = await startDezi({
          db: database.db,
          port,
          config: {
            uziPas: uziConfig({
              proxy: { addresses: ['127.0.0.1', '::1'], header: 'x-ssl-client-cert' },
              certificateUrl: `http://localhost:${port}/uzi-pas/certificaat`,
            }),
          },
        });
        others.push(proxied);
        proxiedRp = await registerRp(proxied.url);
      });

      async function toCertificateEndpoint(browser: Browser) {
        const { request, page } = await startLogin(browser, proxiedRp);
        const redirect = await browser.submit(
          page,
          '/means',
          { means: 'uzi-pas' },
          `${proxied.url}/uzi-pas/certificaat`,
        );
        assert.equal(redirect.status, 303);
        return { request, ticketUrl: redirect.location! };
      }

      const pemOf = (id: string) => pki.cards.find((c) => c.id === id)!.certPem;

      test('from the proxy address, the forwarded certificate logs in', async () => {
        const browser = new Browser();
        const { request, ticketUrl } = await toCertificateEndpoint(browser);
        const res = await browser.follow(
          await browser.request(ticketUrl, {
            headers: { 'x-ssl-client-cert': encodeURIComponent(pemOf(`uzi-${DE_VRIES.deziNummer}`)) },
          }),
          proxiedRp.redirectUri,
        );
        assert.equal(res.status, 303, res.body.slice(0, 300));
        const tokens = await redeem(proxiedRp, res.location!, request);
        const userinfo = await fetchUserinfo(proxiedRp, tokens.access_token, tokens.claims()!.sub);
        assert.equal(userinfo.verklaring.dezi_nummer, DE_VRIES.deziNummer);
      });

      test('from another address, the header is not believed', async () => {
        const browser = new Browser({ fetch: tlsFetch({ localAddress: '127.0.0.2' }) });
        const { ticketUrl } = await toCertificateEndpoint(browser);
        const res = await browser.request(ticketUrl.replace('localhost', '127.0.0.1'), {
          headers: { 'x-ssl-client-cert': encodeURIComponent(pemOf(`uzi-${JANSEN.deziNummer}`)) },
        });
        assert.equal(res.status, 403);
        assert.match(res.body, /Verbinding niet vertrouwd/);
        assert.match(proxied.logs.text(), /untrusted_proxy: request from 127\.0\.0\.2/);
      });

      test('a garbled header and a missing header are refused', async () => {
        const garbled = new Browser();
        const { ticketUrl } = await toCertificateEndpoint(garbled);
        const res = await garbled.request(ticketUrl, {
          headers: { 'x-ssl-client-cert': '-----BEGIN CERTIFICATE-----%%%' },
        });
        assert.equal(res.status, 403);
        assert.match(res.body, /Certificaat onleesbaar/);

        const none = new Browser();
        const { ticketUrl: t2 } = await toCertificateEndpoint(none);
        const res2 = await none.request(t2);
        assert.equal(res2.status, 403);
        assert.match(res2.body, /Geen UZI-pas gevonden/);
      });
    });
  });
