// The first slice end to end over HTTP: an openid-client relying party registers itself, a person
// logs in through the DigiD stand-in, and the verklaring arrives exactly as the koppelvlak says.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SEED_ABONNEES, SEED_PERSONS, UNKNOWN_TEST_BSN } from '../src/proeftuin/seed-data.ts';
import { LOA } from '../src/means/loa.ts';
import { Browser, radioValues } from './helpers/browser.ts';
import { Bsn } from '../src/means/bsn.ts';
import { BACKENDS, type TestDezi } from './helpers/dezi.ts';
import { withDezi } from './helpers/fixture.ts';
import { digidLogin, login, startLogin } from './helpers/login.ts';
import { fetchUserinfo, redeem, registerRp, type TestRp } from './helpers/rp.ts';
import { amsterdamDate, amsterdamMidnightMonthsLater, amsterdamMidnightOf } from '../src/time.ts';

function todayInAmsterdam(): string {
  const { year, month, day } = amsterdamDate(Date.now());
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const JANSEN = SEED_PERSONS.find((p) => p.achternaam === 'Jansen')!;
const AMRANI = SEED_PERSONS.find((p) => p.achternaam === 'Amrani')!;
const VISSER = SEED_PERSONS.find((p) => p.achternaam === 'Visser')!;
const BAKKER = SEED_PERSONS.find((p) => p.achternaam === 'Bakker')!;
const BOS = SEED_PERSONS.find((p) => p.achternaam === 'Bos')!;
const VAN_DIJK = SEED_PERSONS.find((p) => p.achternaam === 'Dijk')!;
const abonneeNaam = (nummer: string) => SEED_ABONNEES.find((a) => a.abonneeNummer === nummer)!.naam;

for (const backend of BACKENDS)
  describe(`login end to end (${backend})`, () => {
    let dezi: TestDezi;
    let rp: TestRp;
    const browsers: Browser[] = [];

    withDezi(backend, { rp: true }, (started) => ({ dezi, rp } = started));

    async function fullLogin(bsn: string, choose?: (values: string[]) => string) {
      const out = await login(rp, bsn, { choose });
      browsers.push(out.browser);
      assert.equal(
        out.final.status,
        303,
        `expected a redirect to the client, got ${out.final.status} at ${out.final.url}`,
      );
      assert.ok(out.final.location!.startsWith(rp.redirectUri), out.final.location!);
      const tokens = await redeem(rp, out.final.location!, out.request);
      const claims = tokens.claims()!;
      const userinfo = await fetchUserinfo(rp, tokens.access_token, claims.sub);
      return { ...out, tokens, claims, userinfo };
    }

    test('discovery describes the koppelvlak', async () => {
      const meta = rp.config.serverMetadata();
      assert.equal(meta.issuer, dezi.url);
      assert.deepEqual(meta.response_types_supported, ['code']);
      assert.deepEqual(meta.grant_types_supported, ['authorization_code']);
      assert.equal(meta.dpop_signing_alg_values_supported, undefined);
      assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
      assert.deepEqual(meta.token_endpoint_auth_methods_supported, ['none', 'private_key_jwt']);
      assert.deepEqual(meta.response_modes_supported, ['query']);
      assert.equal(meta.jwks_uri, `${dezi.url}/openid/connect/jwks.json`);
      assert.equal(meta.userinfo_endpoint, `${dezi.url}/userinfo`);
      assert.equal(meta.registration_endpoint, `${dezi.url}/register`);
      assert.deepEqual(meta.acr_values_supported, [LOA.substantial, LOA.high]);
      assert.ok(
        !(meta.token_endpoint_auth_signing_alg_values_supported ?? []).some((a) => a.startsWith('HS')),
      );
      const jwks = (await (await fetch(meta.jwks_uri!)).json()) as { keys: Record<string, unknown>[] };
      assert.ok(jwks.keys.length >= 1);
      for (const k of jwks.keys) {
        assert.equal(k.d, undefined, 'private key material published');
        // One key per id_token algorithm: RSA for RS256 (the default) and PS256, P-256 for ES256.
        if (k.alg === 'ES256') {
          assert.deepEqual([k.kty, k.crv], ['EC', 'P-256']);
          continue;
        }
        assert.ok(k.alg === 'RS256' || k.alg === 'PS256', String(k.alg));
        assert.equal(k.kty, 'RSA');
        assert.ok(String(k.n).length >= 512, 'RSA key of at least 3072 bits');
      }
      assert.ok(jwks.keys.some((k) => k.alg === 'RS256'));
    });

    test('one employment: login, ID token, encrypted userinfo, verklaring as in the seed', async () => {
      const { claims, userinfo, tokens, choicePage } = await fullLogin(JANSEN.bsn);
      assert.equal(choicePage, undefined, 'no choice page for a single employment');

      // ID token
      assert.equal(claims.iss, dezi.url);
      assert.equal(claims.aud, rp.clientId);
      assert.equal(claims.acr, LOA.high);
      assert.equal(claims.amr, undefined);
      assert.ok(typeof claims.jti === 'string' && claims.jti.length > 0, 'ID token has a jti');
      assert.ok(claims.exp - claims.iat <= 300, 'ID token lives at most 5 minutes');
      assert.ok(typeof claims.auth_time === 'number');
      assert.doesNotMatch(claims.sub, /^[0-9a-f-]{36}$/, 'sub is pairwise, not the register id');
      assert.equal(tokens.token_type?.toLowerCase(), 'bearer');
      assert.equal(tokens.refresh_token, undefined);

      // JWE and envelope headers
      assert.equal(userinfo.jweHeader.alg, 'RSA-OAEP');
      assert.equal(userinfo.jweHeader.enc, 'A256CBC-HS512');
      assert.equal(userinfo.jweHeader.kid, 'enc-1');
      assert.equal(userinfo.jweHeader.typ, 'JWT');
      assert.equal(userinfo.jweHeader.cty, 'JWT');
      assert.equal(userinfo.envelopeHeader.alg, 'RS256');
      assert.equal(userinfo.envelopeHeader.typ, 'JWT');
      assert.ok(userinfo.envelopeHeader.kid);

      const env = userinfo.envelope;
      assert.equal(env.aud, rp.clientId);
      assert.equal(env.sub, claims.sub);
      assert.equal(env.loa_authn, LOA.high);
      assert.equal(env.json_schema, 'https://www.dezi.nl/json_schemas/v1/userinfo.json');
      assert.ok(typeof env.jti === 'string');
      assert.equal(env.verklaring_id, userinfo.verklaring.verklaring_id);

      // The verklaring
      assert.deepEqual(Object.keys(userinfo.verklaringHeader), ['alg', 'kid', 'typ', 'jku']);
      assert.equal(userinfo.verklaringHeader.jku, `${dezi.url}/dezi/jwks.json`);
      const v = userinfo.verklaring;
      assert.deepEqual(Object.keys(v), [
        'json_schema',
        'loa_dezi',
        'jti',
        'verklaring_id',
        'dezi_nummer',
        'voorletters',
        'voorvoegsel',
        'achternaam',
        'abonnee_nummer',
        'abonnee_naam',
        'rol_code',
        'rol_naam',
        'rol_code_bron',
        'status_uri',
        'nbf',
        'exp',
        'iss',
      ]);
      assert.equal(v.dezi_nummer, JANSEN.deziNummer);
      assert.equal(v.voorletters, 'J.');
      assert.equal(v.voorvoegsel, null);
      assert.equal(v.achternaam, 'Jansen');
      assert.equal(v.abonnee_nummer, '90000111');
      assert.equal(v.abonnee_naam, abonneeNaam('90000111'));
      assert.equal(v.rol_code, '01.015');
      assert.equal(v.rol_naam, 'Huisarts');
      assert.equal(v.rol_code_bron, 'http://www.dezi.nl/rol_bron/big');
      assert.equal(v.loa_dezi, LOA.high);
      assert.equal(v.iss, 'https://abonnee.dezi.nl');
      assert.equal(v.json_schema, 'https://www.dezi.nl/json_schemas/v1/verklaring.json');
      assert.equal(v.status_uri, `${dezi.url}/status/v1/verklaring/${v.verklaring_id}`);
      // 00:00 in the Netherlands today, and 00:00 three months later.
      assert.equal(v.nbf, amsterdamMidnightOf(todayInAmsterdam()) / 1000);
      assert.equal(v.exp, amsterdamMidnightMonthsLater(Date.now(), 3) / 1000);
      assert.notEqual(v.jti, v.verklaring_id);

      const status = await fetch(v.status_uri as string);
      assert.equal(status.status, 200);
      assert.deepEqual(await status.json(), { verklaringId: v.verklaring_id, status: 'actief' });

      // Dezi serves the schemas it validates against.
      const schema = await fetch(`${dezi.url}/json_schemas/v1/verklaring.json`);
      assert.equal(schema.status, 200);
      assert.deepEqual(
        ((await schema.json()) as { required: string[] }).required.sort(),
        Object.keys(v).sort(),
      );

      const unknown = await fetch(`${dezi.url}/status/v1/verklaring/00000000-0000-4000-8000-000000000000`);
      assert.equal(unknown.status, 404);
      assert.match(unknown.headers.get('content-type')!, /^application\/problem\+json/);
      for (const id of ['not-a-uuid', "1' OR '1'='1"]) {
        const malformed = await fetch(`${dezi.url}/status/v1/verklaring/${encodeURIComponent(id)}`);
        assert.equal(malformed.status, 400, id);
        assert.match(malformed.headers.get('content-type')!, /^application\/problem\+json/);
      }
      assert.equal((await fetch(`${dezi.url}/json_schemas/v1/unknown.json`)).status, 404);
    });

    test('a request for eIDAS low is served at substantial at least: Dezi never logs in below it', async () => {
      const out = await login(rp, JANSEN.bsn, { params: { acr_values: LOA.low } });
      browsers.push(out.browser);
      assert.equal(out.final.status, 303, `expected a redirect, got ${out.final.status} at ${out.final.url}`);
      const tokens = await redeem(rp, out.final.location!, out.request);
      const claims = tokens.claims()!;
      assert.equal(claims.acr, LOA.substantial);
      const userinfo = await fetchUserinfo(rp, tokens.access_token, claims.sub);
      assert.equal(userinfo.envelope.loa_authn, LOA.substantial);
    });

    test('two employers: "Waar werk je? Wat ben je?" and the chosen one is in the verklaring', async () => {
      const second = await fullLogin(AMRANI.bsn, (values) => {
        assert.equal(values.length, 2);
        return values[1]!;
      });
      assert.ok(second.choicePage, 'the choice page was shown');
      assert.match(second.choicePage.body, /Waar werk je\? Wat ben je\?/);
      assert.match(second.choicePage.body, new RegExp(abonneeNaam('90000111')));
      assert.match(second.choicePage.body, new RegExp(abonneeNaam('90000222')));

      const first = await fullLogin(AMRANI.bsn, (values) => values[0]!);
      const chosen = new Set([
        first.userinfo.verklaring.abonnee_nummer,
        second.userinfo.verklaring.abonnee_nummer,
      ]);
      assert.deepEqual([...chosen].sort(), ['90000111', '90000222']);
      assert.notEqual(first.userinfo.verklaring.verklaring_id, second.userinfo.verklaring.verklaring_id);
    });

    test('the verklaring is issued once per person × abonnee × role and re-used', async () => {
      const a = await fullLogin(JANSEN.bsn);
      const b = await fullLogin(JANSEN.bsn);
      assert.equal(a.userinfo.verklaring.verklaring_id, b.userinfo.verklaring.verklaring_id);
      assert.notEqual(a.userinfo.envelope.jti, b.userinfo.envelope.jti, 'each envelope is new');
      assert.equal(a.claims.sub, b.claims.sub, 'pairwise sub is stable for one client');
    });

    test('a role that is not a BIG profession, and no role code at all', async () => {
      const bakker = await fullLogin(BAKKER.bsn);
      assert.equal(bakker.userinfo.verklaring.rol_code, '86.000');
      assert.equal(bakker.userinfo.verklaring.rol_code_bron, 'http://www.dezi.nl/rol_bron/abonnee');
      const visser = await fullLogin(VISSER.bsn);
      assert.equal(visser.userinfo.verklaring.rol_code, null);
      assert.equal(visser.userinfo.verklaring.rol_naam, null);
      assert.equal(visser.userinfo.verklaring.rol_code_bron, null);
    });

    test('an unknown BSN, a suspended person and a person without employment get a clear page and no code', async () => {
      for (const [bsn, text] of [
        [UNKNOWN_TEST_BSN, 'U staat niet in het Dezi-register'],
        [VAN_DIJK.bsn, 'Uw zorgidentiteit is niet actief'],
        [BOS.bsn, 'Geen actieve koppeling'],
      ] as const) {
        const out = await login(rp, bsn);
        browsers.push(out.browser);
        assert.equal(out.final.status, 403);
        assert.match(out.final.body, new RegExp(text));
        assert.ok(
          !out.browser.history.some((h) => h.location?.startsWith(rp.redirectUri)),
          'no redirect to the client',
        );
        // The person can still go back to the zorgapplicatie: it receives access_denied.
        const back = await out.browser.submit(out.final, '/annuleren', {}, rp.redirectUri);
        const location = new URL(back.location!);
        assert.equal(location.searchParams.get('error'), 'access_denied');
        assert.equal(location.searchParams.get('code'), null);
      }
    });

    test('a malformed BSN at the DigiD stand-in is refused there, and nothing is lost', async () => {
      const browser = new Browser();
      browsers.push(browser);
      const { page } = await startLogin(browser, rp);
      const digid = await browser.submit(page, '/means', { means: 'digid' }, rp.redirectUri);
      for (const bad of ['123456789', '12345', 'abcdefghi', '9999900071']) {
        const again = await browser.submit(digid, '/proeftuin/digid/authenticate', {
          bsn: bad,
          action: 'login',
        });
        assert.equal(again.status, 400);
        assert.match(again.body, /geen geldig BSN/);
        assert.ok(!again.body.includes(`value="${bad}"`), 'the refused input is not echoed');
      }
      // The same login continues with a valid BSN.
      const ok = await browser.submit(
        digid,
        '/proeftuin/digid/authenticate',
        { bsn: JANSEN.bsn, action: 'login' },
        rp.redirectUri,
      );
      assert.equal(ok.status, 303);
      assert.ok(ok.location!.startsWith(rp.redirectUri));
    });

    test('cancelling at DigiD returns to the login page with an explanation', async () => {
      const browser = new Browser();
      browsers.push(browser);
      const { page } = await startLogin(browser, rp);
      const digid = await browser.submit(page, '/means', { means: 'digid' }, rp.redirectUri);
      const cancelled = await browser.submit(
        digid,
        '/proeftuin/digid/authenticate',
        { action: 'cancel' },
        rp.redirectUri,
      );
      assert.equal(cancelled.status, 400);
      assert.match(cancelled.body, /Inloggen geannuleerd/);
      // "Opnieuw proberen" leads back to the choice of means, and the login can still succeed.
      const retry = await browser.goto(
        new URL(/href="([^"]+)">Opnieuw proberen/.exec(cancelled.body)![1]!, dezi.url).href,
      );
      assert.match(retry.body, /Hoe wilt u inloggen\?/);
      const done = await digidLogin(browser, retry, JANSEN.bsn, rp.redirectUri);
      assert.equal(done.status, 303);
    });

    test('a replayed means callback is refused', async () => {
      const browser = new Browser();
      browsers.push(browser);
      const { page } = await startLogin(browser, rp);
      await digidLogin(browser, page, AMRANI.bsn, rp.redirectUri);
      const callback = browser.history.find((h) => h.url.includes('/callback/digid'))!;
      const answer = await browser.request(callback.url);
      // Not rendered in place (Post/Redirect/Get): the outcome page of this login says it failed.
      assert.equal(answer.status, 303);
      assert.match(answer.location!, /\/interaction\/[A-Za-z0-9_-]+\/uitkomst$/);
      const replay = await browser.follow(answer);
      assert.equal(replay.status, 400);
      assert.match(replay.body, /Inloggen is niet gelukt/);
    });

    test('a second zorgapplicatie in the same browser: no new login, only the choice of employment', async () => {
      const other = await registerRp(dezi.url, {
        client_name: 'Tweede zorgapplicatie',
        redirect_uris: ['https://ecd.andere-leverancier.test/cb'],
      });
      const first = await login(rp, AMRANI.bsn, { choose: (values) => values[0]! });
      browsers.push(first.browser);
      const { request, page } = await startLogin(first.browser, other);
      assert.equal(page.status, 200);
      assert.match(page.body, /Waar werk je\? Wat ben je\?/, 'straight to the choice, no means');
      assert.match(page.body, /Tweede zorgapplicatie/);
      const done = await first.browser.submit(
        page,
        '/kies',
        { employment: radioValues(page.body, 'employment')[1]! },
        other.redirectUri,
      );
      const tokens = await redeem(other, done.location!, request);
      const info = await fetchUserinfo(other, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.verklaring.dezi_nummer, AMRANI.deziNummer);
      const firstTokens = await redeem(rp, first.final.location!, first.request);
      assert.notEqual(tokens.claims()!.sub, firstTokens.claims()!.sub, 'the subject is pairwise per client');
    });

    test('suspending the person or revoking the verklaring stops userinfo at once', async () => {
      const smit = SEED_PERSONS.find((p) => p.achternaam === 'Smit')!;
      const a = await fullLogin(smit.bsn);
      const person = (await dezi.register.findPersonByBsn(Bsn.parse(smit.bsn)))!;
      await dezi.register.setPersonStatus(person.id, 'suspended', { kind: 'operator', name: 'test' });
      const refused = await fetch(`${dezi.url}/userinfo`, {
        headers: { authorization: `Bearer ${a.tokens.access_token}` },
      });
      assert.equal(refused.status, 401);
      await dezi.register.setPersonStatus(person.id, 'active', { kind: 'operator', name: 'test' });

      const b = await fullLogin(smit.bsn);
      await dezi.db.query("UPDATE verklaringen SET status = 'revoked', revoked_at = now() WHERE id = $1", [
        b.userinfo.verklaring.verklaring_id,
      ]);
      const revoked = await fetch(`${dezi.url}/userinfo`, {
        headers: { authorization: `Bearer ${b.tokens.access_token}` },
      });
      assert.equal(revoked.status, 401);
      const status = (await (await fetch(b.userinfo.verklaring.status_uri as string)).json()) as {
        status: string;
      };
      assert.equal(status.status, 'ingetrokken');
      // The next login issues a fresh verklaring.
      const c = await fullLogin(smit.bsn);
      assert.notEqual(c.userinfo.verklaring.verklaring_id, b.userinfo.verklaring.verklaring_id);
    });

    test('logging out at Dezi ends the session: the next login asks for a means again', async () => {
      const out = await login(rp, JANSEN.bsn);
      browsers.push(out.browser);
      const tokens = await redeem(rp, out.final.location!, out.request);
      const confirm = await out.browser.goto(`${dezi.url}/logout?id_token_hint=${tokens.id_token}`);
      assert.equal(confirm.status, 200);
      assert.match(confirm.body, /Wilt u uitloggen bij Dezi\?/);
      const done = await out.browser.submit(confirm, '/logout/confirm', { logout: 'yes' });
      assert.equal(done.status, 200);
      assert.match(done.body, /U bent uitgelogd/);
      const again = await startLogin(out.browser, rp);
      assert.match(again.page.body, /Hoe wilt u inloggen\?/);
      // The access token ended with the session.
      const res = await fetch(`${dezi.url}/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      assert.equal(res.status, 401);
    });

    test('pages are Dutch first, English on request', async () => {
      const browser = new Browser();
      browsers.push(browser);
      const { page } = await startLogin(browser, rp);
      assert.match(page.body, /<html lang="nl">/);
      assert.match(page.body, /Hoe wilt u inloggen\?/);
      const en = await browser.request(`${page.url}?lang=en`);
      assert.match(en.body, /<html lang="en">/);
      assert.match(en.body, /How do you want to log in\?/);
      assert.match(en.headers['content-security-policy'] ?? '', /default-src 'self'/);
      assert.match(en.headers['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    });

    test('the BSN appears in no URL, token, header, log line, Dezi page or database column in clear', async () => {
      const bsns = SEED_PERSONS.map((p) => p.bsn);
      const { tokens } = await fullLogin(JANSEN.bsn);
      const exchanges = browsers.flatMap((b) => b.history);
      assert.ok(exchanges.length > 50, 'the tests above produced traffic to inspect');
      const isStandIn = (url: string) => new URL(url).pathname.startsWith('/proeftuin');
      for (const bsn of bsns) {
        for (const h of exchanges) {
          assert.ok(!h.url.includes(bsn), `BSN in URL ${h.url}`);
          assert.ok(!(h.location ?? '').includes(bsn), `BSN in redirect ${h.location}`);
          assert.ok(!JSON.stringify(h.headers).includes(bsn), `BSN in headers of ${h.url}`);
          // The proeftuin's own pages (the DigiD stand-in, the test-person list) show test BSNs by design.
          if (!isStandIn(h.url)) assert.ok(!h.body.includes(bsn), `BSN in the page at ${h.url}`);
        }
        assert.ok(!JSON.stringify(tokens).includes(bsn), 'BSN in a token response');
        // A BSN stands alone; digits inside a longer number (a float responseTime such as
        // 2.0031269999990007) are not one.
        assert.ok(!new RegExp(`(?<!\\d)${bsn}(?!\\d)`).test(dezi.logs.text()), 'BSN in a log line');
      }
      // Every text column of every table.
      const tables = await dezi.db.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      let rowsChecked = 0;
      for (const { table_name } of tables) {
        const rows = await dezi.db.query<{ row: string }>(`SELECT t::text AS row FROM ${table_name} t`);
        rowsChecked += rows.length;
        for (const { row } of rows) {
          for (const bsn of bsns) assert.ok(!row.includes(bsn), `BSN in clear in table ${table_name}`);
        }
      }
      assert.ok(rowsChecked > 100);
    });
  });
