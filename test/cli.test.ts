// The dezi command line: client add, keys rotate/list, and clear errors for bad use.
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as client from 'openid-client';
import { SEED_PERSONS } from '../src/proeftuin/seed-data.ts';
import { cliSandbox } from './helpers/cli.ts';
import { startDezi, freePort } from './helpers/dezi.ts';
import { keyMaterial, redeem, fetchUserinfo, REDIRECT_URI, type TestRp } from './helpers/rp.ts';
import { login } from './helpers/login.ts';
import { encryptionCertificate } from './helpers/certificates.ts';
import { specRp } from './helpers/spec-rp.ts';
import { testEsealFiles } from './helpers/eseal.ts';

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

  test('client add --public --encryption-cert: a spec client, userinfo encrypted to its certificate', async () => {
    const cert = await encryptionCertificate();
    const certFile = join(dir, 'epd-zuid.pem');
    writeFileSync(certFile, cert.certPem);
    const { stdout } = await dezi(
      'client',
      'add',
      '--name',
      'EPD Zuid',
      '--redirect-uri',
      REDIRECT_URI,
      '--public',
      '--encryption-cert',
      certFile,
      '--userinfo-enc',
      'A128CBC-HS256',
    );
    const added = JSON.parse(stdout) as {
      client_id: string;
      token_endpoint_auth_method: string;
      userinfo: string;
    };
    assert.equal(added.token_endpoint_auth_method, 'none');
    assert.match(added.userinfo, /JWE \(RSA-OAEP, A128CBC-HS256\)/);

    const server = await startDezi({
      port: await freePort(),
      database: { kind: 'pglite', dataDir: join(dir, 'pgdata') },
    });
    try {
      const rp = specRp(server.url, added.client_id, REDIRECT_URI);
      const out = await rp.login(SEED_PERSONS[0]!.bsn);
      const tokens = await rp.token(out);
      const info = await rp.userinfo(tokens.access_token, { decryptionKey: cert.privateKey });
      assert.equal(info.jweHeader?.kid, cert.x5tS256);
      assert.equal(info.jweHeader?.enc, 'A128CBC-HS256');
      assert.equal(info.verklaring.dezi_nummer, SEED_PERSONS[0]!.deziNummer);
    } finally {
      await server.stop();
    }
  });

  test('client add refuses what cannot work, with a clear message and no stack trace', async () => {
    const { jwks } = await keyMaterial();
    const sigOnly = join(dir, 'sig-only.json');
    writeFileSync(sigOnly, JSON.stringify({ keys: [jwks.keys[0]] }));
    const expired = join(dir, 'expired.pem');
    writeFileSync(
      expired,
      (await encryptionCertificate({ notAfter: new Date(Date.now() - 86_400_000) })).certPem,
    );
    const signing = join(dir, 'signing-only.pem');
    writeFileSync(signing, (await encryptionCertificate({ keyUsage: 'digitalSignature' })).certPem);
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(
      garbage,
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
    );
    const cases: [string[], RegExp][] = [
      [['--public', '--jwks', sigOnly], /public client .* does not authenticate/],
      [['--public', '--encryption-cert', expired], /expired on/],
      [['--public', '--encryption-cert', signing], /key usage lacks keyEncipherment or dataEncipherment/],
      [['--public', '--encryption-cert', garbage], /not a valid X\.509 certificate/],
      [
        ['--jwks', sigOnly, '--userinfo-enc', 'A128CBC-HS256'],
        /userinfo encryption needs an RSA encryption key/,
      ],
    ];
    for (const [args, message] of cases) {
      await assert.rejects(
        dezi('client', 'add', '--name', 'X', '--redirect-uri', REDIRECT_URI, ...args),
        (err: { code: number; stderr: string }) =>
          err.code === 1 && message.test(err.stderr) && !/at .*\.ts:/.test(err.stderr),
        args.join(' '),
      );
    }
    // An algorithm Dezi does not sign with is a usage error (exit 2), before anything is stored.
    for (const [option, alg] of [
      ['--id-token-alg', 'HS256'],
      ['--id-token-alg', 'none'],
      ['--userinfo-alg', 'EdDSA'],
    ]) {
      await assert.rejects(
        dezi(
          'client',
          'add',
          '--name',
          'X',
          '--redirect-uri',
          REDIRECT_URI,
          '--jwks',
          sigOnly,
          option!,
          alg!,
        ),
        (err: { code: number; stderr: string }) =>
          err.code === 2 &&
          new RegExp(`${option} must be one of RS256, PS256, ES256`).test(err.stderr) &&
          !/at .*\.ts:/.test(err.stderr),
        `${option} ${alg}`,
      );
    }
    // A private_key_jwt client without an encryption key is fine: it gets the signed envelope.
    const { stdout } = await dezi(
      'client',
      'add',
      '--name',
      'X',
      '--redirect-uri',
      REDIRECT_URI,
      '--jwks',
      sigOnly,
    );
    assert.match(JSON.parse(stdout).userinfo, /signed envelope/);
    assert.equal(JSON.parse(stdout).id_token_signed_response_alg, 'RS256', 'the default');
    assert.equal(JSON.parse(stdout).userinfo_signed_response_alg, 'RS256', 'the default');
    // --id-token-alg and --userinfo-alg are stored as the client's choice.
    const chosen = JSON.parse(
      (
        await dezi(
          'client',
          'add',
          '--name',
          'Y',
          '--redirect-uri',
          REDIRECT_URI,
          '--jwks',
          sigOnly,
          '--id-token-alg',
          'ES256',
          '--userinfo-alg',
          'PS256',
        )
      ).stdout,
    );
    assert.equal(chosen.id_token_signed_response_alg, 'ES256');
    assert.equal(chosen.userinfo_signed_response_alg, 'PS256');
  });

  test('keys rotate adds a key and keeps the old one published; rotate --eseal makes a new TEST eSeal', async () => {
    const idTokenKeys = (stdout: string) =>
      stdout
        .split('eSeal certificates')[0]!
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.trim());
    const before = idTokenKeys((await dezi('keys', 'list')).stdout);
    await dezi('keys', 'rotate');
    const after = idTokenKeys((await dezi('keys', 'list')).stdout);
    // One new key per id_token algorithm (RS256, PS256, ES256), rotated together.
    assert.equal(after.length, before.length + 3);
    for (const alg of ['RS256', 'PS256', 'ES256'])
      assert.equal(after.filter((l) => l.includes(` ${alg} (current)`)).length, 1, `one current ${alg} key`);
    assert.match(after[0]!, /\(current\)/);
    const oldKid = before[0]!.split(' ')[0]!;
    assert.ok(after.some((l) => l.startsWith(oldKid) && !l.includes('(current)')));
    for (const l of before.filter((l) => l.includes('(current)')))
      assert.ok(
        after.some((a) => a.startsWith(l.split(' ')[0]!) && !a.includes('(current)')),
        `${l}: retired, still published`,
      );

    const chain = () => readFileSync(join(dir, 'eseal', 'eseal.pem'), 'utf8');
    await dezi('keys', 'rotate', '--eseal'); // creates the TEST eSeal at first use
    const first = chain();
    await dezi('keys', 'rotate', '--eseal');
    assert.notEqual(chain(), first, 'a new certificate');
    assert.match(chain(), /BEGIN CERTIFICATE[\s\S]+BEGIN CERTIFICATE/, 'the certificate and its TEST CA');
    await assert.rejects(
      deziWith({ DEZI_MODE: 'production' }, 'keys', 'rotate', '--eseal'),
      (e: { code: number; stderr: string }) => e.code === 2 && /replace those files/.test(e.stderr),
    );
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
      dezi('client', 'add', '--name', 'X', '--redirect-uri', REDIRECT_URI),
      (e: { code: number; stderr: string }) => e.code === 2 && /--jwks .* or --public/.test(e.stderr),
    );
    await assert.rejects(
      deziWith({ PORT: 'abc' }, 'migrate'),
      (e: { code: number; stderr: string }) => e.code === 2 && /PORT/.test(e.stderr),
    );
  });
});

// Production needs an eSeal to start; the TEST eSeal's files stand in for the PKIoverheid one.
const eseal = await testEsealFiles();

describe('the embedded database in production: its data directory', () => {
  const { dir, start } = cliSandbox('dezi-data-dir-');
  const production = {
    DEZI_MODE: 'production',
    DEZI_ISSUER: 'https://dezi.example',
    LOG_LEVEL: 'warn',
    DEZI_ESEAL_KEY_FILE: eseal.keyFile,
    DEZI_ESEAL_CERT_FILE: eseal.certFile,
  };

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
