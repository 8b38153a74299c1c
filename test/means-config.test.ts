// The login-means file (DEZI_MEANS_FILE): a valid file configures Yivi and OIDC means; anything
// wrong stops Dezi at start with a message that names the problem. In production there are no stand-ins.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { ConfigError, loadConfig } from '../src/config.ts';
import { LOA } from '../src/means/loa.ts';
import { BACKENDS, openTestDatabase, startDezi } from './helpers/dezi.ts';
import { testEsealFiles } from './helpers/eseal.ts';
import { fakeIrmaServer, fakeOpenIdProvider } from './helpers/fake-upstreams.ts';
import { createOidcMeans } from '../src/means/oidc/oidc-means.ts';
import { YiviSessionStore } from '../src/means/yivi/sessions.ts';
import { createYiviMeans } from '../src/means/yivi/yivi.ts';

const dir = mkdtempSync(join(tmpdir(), 'dezi-means-'));
const base = {
  DEZI_MODE: 'production',
  DEZI_SECRET: 'ab'.repeat(32),
  DEZI_ISSUER: 'https://dezi.example.nl',
};

async function files() {
  const yiviKey = await generateKeyPair('RS256');
  const rpKey = await generateKeyPair('RS256', { extractable: true });
  writeFileSync(join(dir, 'token'), 'requestor-token-0123456789\n');
  writeFileSync(join(dir, 'yivi.pem'), await exportSPKI(yiviKey.publicKey));
  writeFileSync(
    join(dir, 'rp.jwk.json'),
    JSON.stringify({ ...(await exportJWK(rpKey.privateKey)), kid: 'rp-1', alg: 'RS256' }),
  );
  writeFileSync(
    join(dir, 'public.jwk.json'),
    JSON.stringify({ ...(await exportJWK(rpKey.publicKey)), kid: 'rp-1', alg: 'RS256' }),
  );
}

function valid() {
  return {
    yivi: {
      serverUrl: 'https://yivi.example.nl/',
      requestorTokenFile: 'token',
      serverPublicKeyFile: 'yivi.pem',
      attributes: [{ id: 'pbdf.gemeente.personalData.bsn', subject: 'bsn', loa: LOA.substantial }],
    },
    oidc: [
      {
        id: 'ziekenhuispas-noord',
        displayName: { nl: 'Ziekenhuispas Noord', en: 'Hospital pass Noord' },
        category: 'nen7518',
        issuer: 'https://idp.example.nl',
        clientId: 'dezi',
        privateKeyFile: 'rp.jwk.json',
        subjectClaim: 'uzi_nummer',
        subjectKind: 'uzi-nummer',
        acr: { 'urn:noord:hoog': LOA.high },
      },
    ],
  };
}

function load(content: unknown) {
  const file = join(dir, `means-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return loadConfig({ ...base, DEZI_MEANS_FILE: file });
}

describe('DEZI_MEANS_FILE', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('a valid file: Yivi with its defaults, and an OIDC means', async () => {
    await files();
    const c = load(valid());
    assert.equal(c.yivi!.serverUrl, 'https://yivi.example.nl');
    assert.equal(c.yivi!.requestorToken, 'requestor-token-0123456789');
    assert.equal(c.yivi!.jwtIssuer, 'irmaserver');
    assert.equal(c.yivi!.timeoutMs, 5000);
    assert.equal(c.oidcMeans!.length, 1);
    assert.equal(c.oidcMeans![0]!.scope, 'openid');
    assert.equal(c.oidcMeans![0]!.privateJwk.kid, 'rp-1');
    const none = loadConfig(base);
    assert.equal(none.yivi, null);
    assert.deepEqual(none.oidcMeans, []);
  });

  test('every mistake is refused with a message that names it', () => {
    const cases: [string, (f: ReturnType<typeof valid>) => unknown, RegExp][] = [
      [
        'http server',
        (f) => ({ ...f, yivi: { ...f.yivi, serverUrl: 'http://yivi.example.nl' } }),
        /yivi: serverUrl must use https/,
      ],
      [
        'missing token file',
        (f) => ({ ...f, yivi: { ...f.yivi, requestorTokenFile: 'nope' } }),
        /cannot read nope/,
      ],
      ['not a PEM', (f) => ({ ...f, yivi: { ...f.yivi, serverPublicKeyFile: 'token' } }), /SPKI PEM/],
      [
        'short attribute id',
        (f) => ({ ...f, yivi: { ...f.yivi, attributes: [{ id: 'bsn', subject: 'bsn', loa: LOA.high }] } }),
        /full attribute id/,
      ],
      [
        'unknown subject kind',
        (f) => ({ ...f, yivi: { ...f.yivi, attributes: [{ ...f.yivi.attributes[0], subject: 'email' }] } }),
        /subject of/,
      ],
      [
        'no LoA URI',
        (f) => ({ ...f, yivi: { ...f.yivi, attributes: [{ ...f.yivi.attributes[0], loa: 'high' }] } }),
        /eIDAS LoA URI/,
      ],
      ['no attributes', (f) => ({ ...f, yivi: { ...f.yivi, attributes: [] } }), /at least one attribute/],
      ['bad means id', (f) => ({ ...f, oidc: [{ ...f.oidc[0], id: 'Ziekenhuis Pas' }] }), /id must be/],
      [
        'public key only',
        (f) => ({ ...f, oidc: [{ ...f.oidc[0], privateKeyFile: 'public.jwk.json' }] }),
        /private JWK/,
      ],
      [
        'key not JSON',
        (f) => ({ ...f, oidc: [{ ...f.oidc[0], privateKeyFile: 'token' }] }),
        /not a JSON JWK/,
      ],
      [
        'scope without openid',
        (f) => ({ ...f, oidc: [{ ...f.oidc[0], scope: 'profile' }] }),
        /scope must include openid/,
      ],
      [
        'acr to a non-level',
        (f) => ({ ...f, oidc: [{ ...f.oidc[0], acr: { x: 'high' } }] }),
        /must map to an eIDAS LoA/,
      ],
      ['no acr', (f) => ({ ...f, oidc: [{ ...f.oidc[0], acr: {} }] }), /at least one acr/],
      [
        'http issuer',
        (f) => ({ ...f, oidc: [{ ...f.oidc[0], issuer: 'http://idp.example.nl' }] }),
        /issuer must use https/,
      ],
      ['duplicate ids', (f) => ({ ...f, oidc: [f.oidc[0], f.oidc[0]] }), /unique/],
      ['category', (f) => ({ ...f, oidc: [{ ...f.oidc[0], category: 'market' }] }), /category/],
    ];
    for (const [what, change, message] of cases) {
      assert.throws(
        () => load(change(valid())),
        (err: Error) => err instanceof ConfigError && message.test(err.message),
        what,
      );
    }
    assert.throws(() => load('{not json'), /not valid JSON/);
    assert.throws(() => loadConfig({ ...base, DEZI_MEANS_FILE: join(dir, 'absent.json') }), ConfigError);
  });
});

for (const backend of BACKENDS)
  describe(`production mode with a configured Yivi server (${backend})`, () => {
    test('Yivi is served, the stand-ins are not', async () => {
      const database = await openTestDatabase(backend);
      const irma = await fakeIrmaServer();
      const dezi = await startDezi({
        db: database.db,
        config: {
          mode: 'production',
          registrationToken: null,
          yivi: irma.config,
          eseal: await testEsealFiles(),
        },
      });
      try {
        assert.equal((await fetch(`${dezi.url}/static/poll.js`)).status, 200);
        assert.equal((await fetch(`${dezi.url}/means/yivi/${'A'.repeat(43)}/status`)).status, 404);
        assert.equal((await fetch(`${dezi.url}/proeftuin/yivi-server/publickey`)).status, 404);
        assert.equal(
          (await fetch(`${dezi.url}/proeftuin/oidc-means/.well-known/openid-configuration`)).status,
          404,
        );
        assert.equal((await fetch(`${dezi.url}/means/oidc/zorgid-proeftuin/callback?state=x`)).status, 404);
      } finally {
        await dezi.stop();
        await irma.close();
        await database.close();
      }
    });
  });

for (const backend of BACKENDS)
  describe(`health of the Yivi and OIDC means (${backend})`, () => {
    test('true while the upstream answers, false once it is gone', async () => {
      const database = await openTestDatabase(backend);
      const irma = await fakeIrmaServer();
      const op = await fakeOpenIdProvider();
      const dezi = await startDezi({
        db: database.db,
        config: { yivi: irma.config, oidcMeans: [op.config] },
      });
      try {
        const yivi = await createYiviMeans(irma.config, {
          issuer: dezi.url,
          sessions: new YiviSessionStore(dezi.db, dezi.secrets, 300),
        });
        const oidc = await createOidcMeans(op.config, { issuer: dezi.url, secrets: dezi.secrets });
        assert.equal(await yivi.health(), true);
        assert.equal(await oidc.health(), true);
        await irma.close();
        await op.close();
        assert.equal(await yivi.health(), false);
        assert.equal(await oidc.health(), false);
      } finally {
        await dezi.stop();
        await database.close();
      }
    });
  });
