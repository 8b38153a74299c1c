// The first slice's end-to-end login, once for every login means: the same zorgapplicatie (an
// openid-client relying party, registered dynamically), the same checks on the ID token, the
// encrypted userinfo and the verklaring, and the same BSN hunt; only the means' own interaction
// differs, played against its proeftuin stand-in through the production adapter.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LOA, loaLabel, type LoA } from '../src/means/loa.ts';
import {
  STAND_IN_ACCOUNTS,
  ZIEKENHUISPAS_MEANS_ID,
  ZORGID_MEANS_ID,
} from '../src/proeftuin/oidc-means-op.ts';
import { SEED_ABONNEES, SEED_PERSONS, type SeedPerson } from '../src/proeftuin/seed-data.ts';
import { EIDAS_TEST_IDENTITIES } from '../src/proeftuin/eidas-identities.ts';
import { roleByCode, ROLE_SOURCE_URI } from '../src/register/roles.ts';
import { Browser, radioValues, type Exchange } from './helpers/browser.ts';
import {
  BACKENDS,
  freePort,
  openTestDatabase,
  startDezi,
  uziPasListenerConfig,
  type TestDezi,
} from './helpers/dezi.ts';
import {
  chooseEmployment,
  digidLogin,
  eidasLogin,
  oidcMeansLogin,
  startLogin,
  uziPasBrowser,
  uziPasLogin,
  walletCredential,
  walletLogin,
  yiviLogin,
} from './helpers/login.ts';
import { DIGID, offeredMeans, TEST_MEANS, testMeansLogin } from './helpers/means.ts';
import {
  fetchUserinfo,
  REDIRECT_URI,
  redeem,
  registerRp,
  VERKLARING_ISS,
  type TestRp,
} from './helpers/rp.ts';

/** The Dezi of the suite running now: the wallet case asks it for a credential first. */
let running: TestDezi | undefined;

const person = (deziNummer: string): SeedPerson => SEED_PERSONS.find((p) => p.deziNummer === deziNummer)!;
const fullName = (p: SeedPerson) => [p.voorletters, p.voorvoegsel, p.achternaam].filter(Boolean).join(' ');

/** The stand-in supplier's test account that identifies this person for a means. */
function standInAccount(meansId: string, p: SeedPerson): string {
  const account = STAND_IN_ACCOUNTS.find((a) =>
    meansId === ZORGID_MEANS_ID ? a.linkedBsn === p.bsn : a.uziNummer === p.deziNummer,
  );
  assert.ok(account, `no ${meansId} stand-in account for ${fullName(p)}`);
  return account.sub;
}

interface MeansCase {
  meansId: string;
  person: SeedPerson;
  /** What the zorgapplicatie asks for; absent: Dezi's default minimum (high). */
  acrValues?: LoA;
  /** The level this means reaches for this person: what acr and loa_authn must say. */
  reaches: LoA;
  /** The employment chosen on "Waar werk je? Wat ben je?" (the only one when there is no choice). */
  abonneeNummer: string;
  /** A browser made for the means (a card in the reader); default a plain one. */
  browser?: (p: SeedPerson) => Promise<Browser>;
  /** From "Hoe wilt u inloggen?" through the stand-in, to the page or redirect after the callback. */
  login: (browser: Browser, page: Exchange, p: SeedPerson) => Promise<Exchange>;
}

// Each means gets a person it can identify, and the persons differ in what the verklaring must show:
// two employers, a voorvoegsel, a role declared by the abonnee, no role code at all. Where a means
// delivers more than was asked for (UZI-pas, the zorgid at hoog), acr must say what was reached.
const CASES: MeansCase[] = [
  {
    meansId: DIGID,
    person: person('900010011'), // N. Hendriks, two employers
    acrValues: LOA.substantial,
    reaches: LOA.substantial, // the stand-in authenticates at the DigiD level asked for: substantieel
    abonneeNummer: '90000666',
    login: (browser, page, p) => digidLogin(browser, page, p.bsn, REDIRECT_URI),
  },
  {
    meansId: 'uzi-pas',
    person: person('900010004'), // P. van den Berg, apotheker
    acrValues: LOA.low,
    reaches: LOA.high,
    abonneeNummer: '90000444',
    browser: (p) => uziPasBrowser(`uzi-${p.deziNummer}`),
    login: (browser, page) => uziPasLogin(browser, page, REDIRECT_URI),
  },
  {
    meansId: 'yivi',
    person: person('900010009'), // E.J. Mulder, role declared by the abonnee
    acrValues: LOA.substantial,
    reaches: LOA.substantial, // at substantial the app discloses the BSN attribute
    abonneeNummer: '90000777',
    login: (browser, page, p) => yiviLogin(browser, page, p.deziNummer, REDIRECT_URI),
  },
  {
    meansId: ZORGID_MEANS_ID,
    person: person('900010001'), // J. Jansen, linked pseudonym authenticated at hoog
    acrValues: LOA.substantial,
    reaches: LOA.high,
    abonneeNummer: '90000111',
    login: (browser, page, p) =>
      oidcMeansLogin(browser, page, ZORGID_MEANS_ID, standInAccount(ZORGID_MEANS_ID, p), REDIRECT_URI),
  },
  {
    meansId: ZIEKENHUISPAS_MEANS_ID,
    person: person('900010003'), // S.M. de Vries, by UZI-nummer
    reaches: LOA.high,
    abonneeNummer: '90000333',
    login: (browser, page, p) =>
      oidcMeansLogin(
        browser,
        page,
        ZIEKENHUISPAS_MEANS_ID,
        standInAccount(ZIEKENHUISPAS_MEANS_ID, p),
        REDIRECT_URI,
      ),
  },
  {
    meansId: 'wallet',
    person: person('900010008'), // D. Smit, the verklaring put in a wallet first, then presented
    reaches: LOA.high, // the level the credential was issued at
    abonneeNummer: '90000222',
    login: async (browser, page, p) =>
      walletLogin(browser, page, await walletCredential(running!, p.bsn), REDIRECT_URI),
  },
  {
    meansId: 'eidas',
    person: person('900010008'), // D. Smit, whose German eID is linked in the proeftuin
    acrValues: LOA.substantial,
    reaches: LOA.high,
    abonneeNummer: '90000222',
    login: (browser, page, p) =>
      eidasLogin(
        browser,
        page,
        EIDAS_TEST_IDENTITIES.find((i) => i.linkedTo === p.deziNummer)!.key,
        REDIRECT_URI,
      ),
  },
  {
    meansId: TEST_MEANS,
    person: person('900010007'), // L. Visser, no role code
    acrValues: LOA.substantial,
    reaches: LOA.substantial,
    abonneeNummer: '90000666',
    login: (browser, page, p) => testMeansLogin(browser, page, p.deziNummer, REDIRECT_URI),
  },
];

const SEED_BSNS = SEED_PERSONS.map((p) => p.bsn);
/** A BSN stands alone: digits inside a longer number (a float such as a responseTime) are not one. */
const bsnPattern = (bsn: string) => new RegExp(`(?<!\\d)${bsn}(?!\\d)`);
/** The proeftuin's stand-ins show test BSNs on their own pages by design; Dezi's pages never. */
const isStandInPage = (url: string) => new URL(url).pathname.startsWith('/proeftuin/');

for (const backend of BACKENDS)
  describe(`login end to end, once per means (${backend})`, () => {
    let database: Awaited<ReturnType<typeof openTestDatabase>>;
    let dezi: TestDezi;
    let rp: TestRp;

    before(async () => {
      database = await openTestDatabase(backend);
      dezi = await startDezi({
        db: database.db,
        config: { uziPas: uziPasListenerConfig(await freePort()) },
      });
      rp = await registerRp(dezi.url);
      running = dezi;
    });

    after(async () => {
      await dezi?.stop();
      await database?.close();
    });

    test('every means of the proeftuin is in the table', () => {
      assert.deepEqual(
        CASES.map((c) => c.meansId).sort(),
        dezi.means
          .enabled()
          .map((m) => m.id)
          .sort(),
      );
    });

    for (const c of CASES) {
      const p = c.person;
      const asked = c.acrValues ? `acr_values ${loaLabel(c.acrValues)}` : 'no acr_values';
      test(`${c.meansId}: ${fullName(p)}, ${asked}, reaches ${loaLabel(c.reaches)}; verklaring as in the register`, async () => {
        const logLinesBefore = dezi.logs.lines.length;
        const browser = c.browser ? await c.browser(p) : new Browser();
        const { request, page } = await startLogin(
          browser,
          rp,
          c.acrValues ? { acr_values: c.acrValues } : {},
        );
        assert.equal(page.status, 200, page.body.slice(0, 500));
        assert.match(page.body, /Hoe wilt u inloggen\?/);
        assert.ok(offeredMeans(page.body).includes(c.meansId), `${c.meansId} is offered`);

        let final = await c.login(browser, page, p);
        const employments = p.employments;
        if (employments.length > 1) {
          assert.equal(final.status, 200, `${final.url}: ${final.body.slice(0, 500)}`);
          assert.ok(final.url.endsWith('/kies'), final.url);
          assert.match(final.body, /Waar werk je\? Wat ben je\?/);
          assert.equal(radioValues(final.body, 'employment').length, employments.length);
          final = await chooseEmployment(browser, final, c.abonneeNummer, rp.redirectUri);
        } else {
          assert.ok(!browser.history.some((h) => h.url.endsWith('/kies')), 'no choice for one employment');
        }
        assert.equal(final.status, 303, `${final.url}: ${final.body.slice(0, 500)}`);
        assert.ok(final.location!.startsWith(rp.redirectUri), final.location!);

        // The token with private_key_jwt and the PKCE verifier; the ID token says the level reached.
        const tokens = await redeem(rp, final.location!, request);
        const claims = tokens.claims()!;
        assert.equal(claims.iss, dezi.url);
        assert.equal(claims.aud, rp.clientId);
        assert.equal(claims.acr, c.reaches, `acr is the level ${c.meansId} reached`);

        // Userinfo: decrypted, the envelope verified with the issuer's keys, the verklaring through jku.
        const userinfo = await fetchUserinfo(rp, tokens.access_token, claims.sub);
        assert.equal(userinfo.verklaringHeader.jku, `${dezi.url}/dezi/jwks.json`);
        const env = userinfo.envelope;
        assert.equal(env.loa_authn, c.reaches);
        assert.equal(env.loa_authn, claims.acr);
        assert.equal(env.aud, rp.clientId);
        assert.equal(env.sub, claims.sub);
        assert.equal(env.verklaring_id, userinfo.verklaring.verklaring_id);

        // Every claim of the verklaring against the seed person's register data.
        const employment = employments.find((e) => e.abonneeNummer === c.abonneeNummer)!;
        const role = employment.rolCode ? roleByCode(employment.rolCode) : undefined;
        const v = userinfo.verklaring;
        assert.deepEqual(
          {
            iss: v.iss,
            dezi_nummer: v.dezi_nummer,
            voorletters: v.voorletters,
            voorvoegsel: v.voorvoegsel,
            achternaam: v.achternaam,
            abonnee_nummer: v.abonnee_nummer,
            abonnee_naam: v.abonnee_naam,
            rol_code: v.rol_code,
            rol_naam: v.rol_naam,
            rol_code_bron: v.rol_code_bron,
            loa_dezi: v.loa_dezi,
            status_uri: v.status_uri,
          },
          {
            iss: VERKLARING_ISS,
            dezi_nummer: p.deziNummer,
            voorletters: p.voorletters,
            voorvoegsel: p.voorvoegsel,
            achternaam: p.achternaam,
            abonnee_nummer: c.abonneeNummer,
            abonnee_naam: SEED_ABONNEES.find((a) => a.abonneeNummer === c.abonneeNummer)!.naam,
            rol_code: employment.rolCode,
            rol_naam: role?.naam ?? null,
            rol_code_bron: employment.rolCodeBron ? ROLE_SOURCE_URI[employment.rolCodeBron] : null,
            loa_dezi: LOA.high, // the proeftuin enrols every test person at high
            status_uri: `${dezi.url}/status/v1/verklaring/${v.verklaring_id}`,
          },
        );
        if (employment.rolCode) assert.ok(role, `role ${employment.rolCode} is in the role table`);
        const status = (await (await fetch(v.status_uri as string)).json()) as { status: string };
        assert.equal(status.status, 'actief');

        // The login is recorded under the means that was used.
        const [audit] = await dezi.db.query<{ detail: Record<string, unknown> }>(
          "SELECT detail FROM audit_events WHERE action = 'login' AND outcome = 'success' AND actor = $1 ORDER BY id DESC LIMIT 1",
          [p.deziNummer],
        );
        assert.equal(audit?.detail.means, c.meansId);

        // No BSN (of any test person) in a URL, a redirect, a header, a cookie, a Dezi page, a token
        // or a log line of this flow.
        const logs = dezi.logs.lines.slice(logLinesBefore).join('\n');
        assert.ok(logs.length > 0, 'the flow was logged');
        for (const bsn of SEED_BSNS) {
          for (const h of browser.history) {
            assert.ok(!h.url.includes(bsn), `BSN in URL ${h.url}`);
            assert.ok(!(h.location ?? '').includes(bsn), `BSN in redirect ${h.location}`);
            assert.ok(!JSON.stringify(h.headers).includes(bsn), `BSN in headers of ${h.url}`);
            if (!isStandInPage(h.url)) assert.ok(!h.body.includes(bsn), `BSN in the page at ${h.url}`);
          }
          for (const cookie of browser.cookies())
            assert.ok(!`${cookie.name}=${cookie.value}`.includes(bsn), `BSN in cookie ${cookie.name}`);
          assert.ok(!JSON.stringify(tokens).includes(bsn), 'BSN in the token response');
          assert.ok(!JSON.stringify(userinfo).includes(bsn), 'BSN in userinfo');
          assert.doesNotMatch(logs, bsnPattern(bsn), 'BSN in a log line');
        }
      });
    }
  });
