// `dezi client add` with a means policy: the options are checked before anything is stored, and a
// stored policy decides what the login page offers.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as client from 'openid-client';
import { formatPolicyDate } from '../src/means/policy.ts';
import { cliSandbox } from './helpers/cli.ts';
import { Browser } from './helpers/browser.ts';
import { freePort, startDezi } from './helpers/dezi.ts';
import { startLogin } from './helpers/login.ts';
import { DIGID, offeredMeans, TEST_MEANS, unusableMeans } from './helpers/means.ts';
import { keyMaterial, REDIRECT_URI, type TestRp } from './helpers/rp.ts';

describe('dezi client add with a means policy', () => {
  const { dir, dezi } = cliSandbox('dezi-policy-cli-', {
    DEZI_PROEFTUIN_REGISTRATION_TOKEN: 'cli-test-token-0123456789',
  });

  test('bad policy options are refused with a usage message', async () => {
    const { jwks } = await keyMaterial();
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify(jwks));
    const base = ['client', 'add', '--name', 'X', '--redirect-uri', REDIRECT_URI, '--jwks', jwksFile];
    for (const [option, value, message] of [
      ['--default-acr', 'gold', /--default-acr must be low, substantial or high/],
      ['--default-acr', 'toString', /--default-acr must be low, substantial or high/],
      ['--allow-means', 'uzi-pas:1-7-2027..', /until must be a date|from must be a date/],
      ['--exclude-means', 'UZI', /means must be a means id/],
      ['--allow-means', 'uzi-pas:2027-07-01', /use <means>\[:<from>\.\.<until>\]/],
    ] as const) {
      await assert.rejects(
        dezi(...base, option, value),
        (e: { code: number; stderr: string }) =>
          e.code === 2 && message.test(e.stderr) && /Usage: dezi/.test(e.stderr),
        `${option} ${value}`,
      );
    }
  });

  test('a stored policy and default level decide what the login page offers', async () => {
    const { sig, enc, jwks } = await keyMaterial();
    const jwksFile = join(dir, 'policy-jwks.json');
    writeFileSync(jwksFile, JSON.stringify(jwks));
    const ended = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    const { stdout } = await dezi(
      'client',
      'add',
      '--name',
      'EPD Duaal',
      '--redirect-uri',
      REDIRECT_URI,
      '--jwks',
      jwksFile,
      '--default-acr',
      'substantial',
      '--allow-means',
      DIGID,
      '--allow-means',
      `${TEST_MEANS}:..${ended}`,
    );
    const { client_id: clientId } = JSON.parse(stdout) as { client_id: string };
    const server = await startDezi({
      port: await freePort(),
      database: { kind: 'pglite', dataDir: join(dir, 'pgdata') },
    });
    try {
      const config = await client.discovery(
        new URL(server.url),
        clientId,
        undefined,
        client.PrivateKeyJwt({ key: sig.privateKey, kid: 'sig-1' }),
        { execute: [client.allowInsecureRequests] },
      );
      const rp: TestRp = {
        config,
        clientId,
        redirectUri: REDIRECT_URI,
        signingKey: sig.privateKey,
        signingKid: 'sig-1',
        decryptionKey: enc.privateKey,
        jwks,
      };
      const { page } = await startLogin(new Browser(), rp);
      assert.equal(page.status, 200);
      assert.deepEqual(offeredMeans(page.body), [DIGID]);
      assert.deepEqual(unusableMeans(page.body), [
        `Testmiddel (proeftuin) Niet meer geaccepteerd sinds ${formatPolicyDate(ended, 'nl')}`,
      ]);
    } finally {
      await server.stop();
    }
  });
});
