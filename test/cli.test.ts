// The dezi command line: client add, keys rotate/list, and clear errors for bad use.
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as client from 'openid-client';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { cliSandbox } from './helpers/cli.ts';
import { startDezi, freePort } from './helpers/dezi.ts';
import { keyMaterial, redeem, fetchUserinfo, REDIRECT_URI, type TestRp } from './helpers/rp.ts';
import { login } from './helpers/login.ts';

describe('dezi command line', () => {
  const { dir, dezi, deziWith } = cliSandbox('dezi-cli-', {
    DEZI_PROEFTUIN_REGISTRATION_TOKEN: 'cli-test-token-0123456789',
  });

  test('client add registers a zorgapplicatie that can log in', async () => {
    const { sig, enc, jwks } = await keyMaterial();
    const jwksFile = join(dir, 'client-jwks.json');
    writeFileSync(jwksFile, JSON.stringify(jwks));
    const { stdout } = await dezi(
      'client',
      'add',
      '--name',
      'EPD Noord',
      '--redirect-uri',
      REDIRECT_URI,
      '--jwks',
      jwksFile,
      '--organization',
      'Zorgsoft B.V.',
    );
    const { client_id: clientId } = JSON.parse(stdout) as { client_id: string };
    assert.match(clientId, /^dezi-/);

    const port = await freePort();
    const server = await startDezi({ port, database: { kind: 'pglite', dataDir: join(dir, 'pgdata') } });
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
      const out = await login(rp, SEED_PERSONS[0]!.bsn);
      assert.match(out.final.body + (out.browser.history[1]?.body ?? ''), /EPD Noord/);
      const tokens = await redeem(rp, out.final.location!, out.request);
      const info = await fetchUserinfo(rp, tokens.access_token, tokens.claims()!.sub);
      assert.equal(info.verklaring.dezi_nummer, SEED_PERSONS[0]!.deziNummer);
    } finally {
      await server.stop();
    }
  });

  test('client add --require-par: a plain authorization request is refused for that client', async () => {
    const { jwks } = await keyMaterial();
    const jwksFile = join(dir, 'par-client-jwks.json');
    writeFileSync(jwksFile, JSON.stringify(jwks));
    const { stdout } = await dezi(
      'client',
      'add',
      '--name',
      'PAR only',
      '--redirect-uri',
      REDIRECT_URI,
      '--jwks',
      jwksFile,
      '--require-par',
    );
    const { client_id: clientId } = JSON.parse(stdout) as { client_id: string };
    const server = await startDezi({
      port: await freePort(),
      database: { kind: 'pglite', dataDir: join(dir, 'pgdata') },
    });
    try {
      const url = new URL(`${server.url}/authorize`);
      url.search = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        scope: 'openid',
        redirect_uri: REDIRECT_URI,
        code_challenge: client.randomPKCECodeVerifier(),
        code_challenge_method: 'S256',
      }).toString();
      const res = await fetch(url, { redirect: 'manual' });
      const location = new URL(res.headers.get('location')!);
      assert.equal(location.searchParams.get('error'), 'invalid_request');
      assert.match(location.searchParams.get('error_description')!, /pushed authorization request/i);
    } finally {
      await server.stop();
    }
  });

  test('client add refuses a client without an encryption key, with a clear message', async () => {
    const { jwks } = await keyMaterial();
    const jwksFile = join(dir, 'sig-only.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [jwks.keys[0]] }));
    await assert.rejects(
      dezi('client', 'add', '--name', 'X', '--redirect-uri', REDIRECT_URI, '--jwks', jwksFile),
      (err: { code: number; stderr: string }) =>
        err.code === 1 && /encryption key/.test(err.stderr) && !/at .*\.ts:/.test(err.stderr),
    );
  });

  test('keys rotate adds a key and keeps the old one published', async () => {
    const before = (await dezi('keys', 'list')).stdout.trim().split('\n');
    await dezi('keys', 'rotate');
    const after = (await dezi('keys', 'list')).stdout.trim().split('\n');
    assert.equal(after.length, before.length + 1);
    assert.match(after[0]!, /\(current\)/);
    const oldKid = before[0]!.split(' ')[0]!;
    assert.ok(after.some((l) => l.startsWith(oldKid) && !l.includes('(current)')));
  });

  test('bad use: unknown command, missing options, bad configuration', async () => {
    await assert.rejects(
      dezi('frobnicate'),
      (e: { code: number; stderr: string }) => e.code === 2 && /Usage: dezi/.test(e.stderr),
    );
    await assert.rejects(
      dezi('client', 'add', '--name', 'X'),
      (e: { code: number; stderr: string }) => e.code === 2 && /--redirect-uri/.test(e.stderr),
    );
    await assert.rejects(
      deziWith({ PORT: 'abc' }, 'migrate'),
      (e: { code: number; stderr: string }) => e.code === 2 && /PORT/.test(e.stderr),
    );
  });
});

describe('the embedded database in production: its data directory', () => {
  const { dir, start } = cliSandbox('dezi-data-dir-');
  const production = { DEZI_MODE: 'production', DEZI_ISSUER: 'https://dezi.example', LOG_LEVEL: 'warn' };

  test('a data directory whose parents do not exist is created, private (0700), and Dezi starts', async () => {
    const dataDir = join(dir, 'srv', 'dezi', 'data');
    const out = await start({ ...production, DEZI_DATA_DIR: dataDir });
    assert.ok(out.started, `Dezi did not start:\n${out.stdout}${out.stderr}`);
    assert.equal(out.code, 0, 'stopped cleanly');
    assert.match(out.stdout, new RegExp(`PGlite \\(${join(dataDir, 'pgdata')}\\)`));
    for (const created of ['srv', 'srv/dezi', 'srv/dezi/data', 'srv/dezi/data/pgdata']) {
      const stat = statSync(join(dir, created));
      assert.ok(stat.isDirectory(), `${created} is a directory`);
      assert.equal((stat.mode & 0o777).toString(8), '700', `${created} is private to Dezi's user`);
    }
  });

  test('a data directory under a regular file: one clear line naming the directory and the reason', async () => {
    const file = join(dir, 'not-a-directory');
    writeFileSync(file, 'a file, not a directory\n');
    const dataDir = join(file, 'data');
    const out = await start({ ...production, DEZI_DATA_DIR: dataDir });
    assert.equal(out.started, false);
    assert.equal(out.code, 1);
    assert.equal(
      out.stderr,
      `dezi: cannot create the embedded database directory ${join(dataDir, 'pgdata')}: ${file} is a file, not a directory\n`,
    );
    assert.equal(out.stdout, '');
  });
});
