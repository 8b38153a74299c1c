// Small pure parts: the elfproef, the BSN wrapper, role codes, configuration, secrets, escaping, LoA.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Bsn, InvalidBsnError, passesElfproef } from '../src/means/bsn.ts';
import { parseRoleTable, roleByCode, roleTable } from '../src/register/roles.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { Secrets } from '../src/secrets.ts';
import { DataDirectoryError, ensureDirectory } from '../src/db/directory.ts';
import { html, SafeHtml } from '../src/web/html.ts';
import { LOA, meetsLoa, minimumLoaFrom } from '../src/means/loa.ts';
import { SEED_PERSONS, UNKNOWN_TEST_BSN } from '../src/proeftuin/seed-data.ts';

describe('BSN', () => {
  test('the elfproef', () => {
    assert.ok(passesElfproef('999990007'));
    assert.ok(passesElfproef('123456782'));
    assert.ok(!passesElfproef('123456789'));
    assert.ok(!passesElfproef('000000000'));
    assert.ok(!passesElfproef('12345678'));
    assert.ok(!passesElfproef('12345678a'));
    for (const p of SEED_PERSONS) assert.ok(passesElfproef(p.bsn), p.bsn);
    assert.ok(passesElfproef(UNKNOWN_TEST_BSN));
  });

  test('parse accepts 9 digits, or 8 with the leading zero dropped, and refuses the rest', () => {
    assert.equal(Bsn.parse(' 999990007 ').reveal(), '999990007');
    assert.equal(Bsn.parse('11222335').reveal(), '011222335'); // 011222335 passes the elfproef
    for (const bad of ['', '12345', '1234567890', '123456789', 'abcdefghi', '99999000७']) {
      assert.throws(() => Bsn.parse(bad), InvalidBsnError, bad);
    }
  });

  test('a BSN cannot leak through string conversion, JSON or inspection', () => {
    const bsn = Bsn.parse('999990007');
    assert.equal(String(bsn), '[BSN]');
    assert.equal(`${bsn}`, '[BSN]');
    assert.equal(JSON.stringify({ bsn }), '{"bsn":"[BSN]"}');
    assert.ok(!inspect({ bsn }).includes('999990007'));
  });
});

describe('role codes', () => {
  test('are read from the data file', () => {
    assert.ok(roleTable().size >= 20);
    assert.equal(roleByCode('01.015')?.naam, 'Huisarts');
    assert.equal(roleByCode('92.000')?.naam, 'Mondhygiënist');
    assert.equal(roleByCode('00.000'), undefined);
    assert.equal(roleByCode('30.000')?.big, true, 'verpleegkundige is a BIG profession');
    assert.equal(roleByCode('86.000')?.big, false, 'VIG-er is not');
  });
  test('a malformed table is refused with the line number', () => {
    assert.throws(() => parseRoleTable('code,name\n01.015,Huisarts'), /header/);
    assert.throws(() => parseRoleTable('rol_code,rol_naam\n01.015,Huisarts'), /header/);
    const header = 'rol_code,rol_naam,big_beroep';
    assert.throws(() => parseRoleTable(`${header}\n01.015,Huisarts,ja\n1.15,Fout,nee`), /line 3/);
    assert.throws(() => parseRoleTable(`${header}\n01.015,Huisarts,misschien`), /line 2/);
  });
});

describe('configuration', () => {
  const base = {
    DEZI_SECRET: 'ab'.repeat(32),
    DEZI_DATA_DIR: '/nonexistent-dezi',
    DEZI_PROEFTUIN_REGISTRATION_TOKEN: 'x'.repeat(20),
  };
  test('defaults: proeftuin on localhost:3000 with embedded PGlite', () => {
    const c = loadConfig(base);
    assert.equal(c.mode, 'proeftuin');
    assert.equal(c.port, 3000);
    assert.equal(c.issuer, 'http://localhost:3000');
    assert.deepEqual(c.database, { kind: 'pglite', dataDir: '/nonexistent-dezi/pgdata' });
  });
  test('PORT, DEZI_ISSUER and DATABASE_URL override', () => {
    const c = loadConfig({
      ...base,
      PORT: '8080',
      DEZI_ISSUER: 'https://dezi.example.nl/',
      DATABASE_URL: 'postgres://u:p@db/dezi',
    });
    assert.equal(c.port, 8080);
    assert.equal(c.issuer, 'https://dezi.example.nl');
    assert.equal(c.database.kind, 'postgres');
  });
  test('bad values are refused with a clear message', () => {
    assert.throws(() => loadConfig({ ...base, PORT: 'eighty' }), ConfigError);
    assert.throws(() => loadConfig({ ...base, DEZI_ISSUER: 'http://dezi.example.nl' }), /https/);
    assert.throws(() => loadConfig({ ...base, DEZI_ISSUER: 'https://dezi.example.nl/?x=1' }), /query/);
    assert.throws(() => loadConfig({ ...base, DEZI_SECRET: 'short' }), /32 bytes/);
    assert.throws(() => loadConfig({ ...base, DEZI_MODE: 'test' }), /DEZI_MODE/);
    assert.throws(() => loadConfig({ ...base, DATABASE_URL: 'mysql://x' }), /DATABASE_URL/);
    assert.throws(
      () => loadConfig({ DEZI_MODE: 'production', DEZI_DATA_DIR: '/nonexistent-dezi' }),
      /DEZI_SECRET is required/,
    );
  });
  test('production mode has no registration token', () => {
    assert.equal(loadConfig({ ...base, DEZI_MODE: 'production' }).registrationToken, null);
  });
});

describe('data directories', () => {
  test('ensureDirectory creates missing parents (0700), keeps an existing directory, names what is in the way', () => {
    const root = mkdtempSync(join(tmpdir(), 'dezi-dir-'));
    try {
      const nested = join(root, 'a', 'b', 'c');
      ensureDirectory(nested, 'the test directory');
      for (const d of ['a', 'a/b', 'a/b/c'])
        assert.equal((statSync(join(root, d)).mode & 0o777).toString(8), '700', d);
      ensureDirectory(nested, 'the test directory'); // already there: fine
      const file = join(root, 'file');
      writeFileSync(file, '');
      for (const [dir, blocker] of [
        [file, file],
        [join(file, 'x', 'y'), file],
      ] as const) {
        assert.throws(
          () => ensureDirectory(dir, 'the test directory'),
          (err: unknown) =>
            err instanceof DataDirectoryError &&
            err.message === `cannot create the test directory ${dir}: ${blocker} is a file, not a directory`,
          dir,
        );
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('secrets', () => {
  const secrets = new Secrets(Buffer.alloc(32, 1));
  test('keys differ per purpose and are stable', () => {
    assert.notDeepEqual(secrets.key('csrf'), secrets.key('cookies'));
    assert.deepEqual(secrets.key('csrf'), new Secrets(Buffer.alloc(32, 1)).key('csrf'));
    assert.notEqual(secrets.keyId, new Secrets(Buffer.alloc(32, 2)).keyId);
  });
  test('sealed data opens only with the same purpose, context and master secret', () => {
    const sealed = secrets.encrypt('bsn-encryption', Buffer.from('999990007'), 'person-1');
    assert.ok(!sealed.toString('latin1').includes('999990007'));
    assert.equal(secrets.decrypt('bsn-encryption', sealed, 'person-1').toString(), '999990007');
    assert.throws(() => secrets.decrypt('bsn-encryption', sealed, 'person-2'));
    assert.throws(() => secrets.decrypt('means-state', sealed, 'person-1'));
    assert.throws(() => new Secrets(Buffer.alloc(32, 2)).decrypt('bsn-encryption', sealed, 'person-1'));
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    assert.throws(() => secrets.decrypt('bsn-encryption', tampered, 'person-1'));
  });
});

describe('html', () => {
  test('interpolations are escaped unless already safe', () => {
    const evil = '<script>alert("x")</script>&\'';
    assert.equal(
      html`<p>${evil}</p>`.value,
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    );
    assert.equal(html`<p>${new SafeHtml('<b>ok</b>')}</p>`.value, '<p><b>ok</b></p>');
    assert.equal(html`${[html`<i>${'<'}</i>`, '<']}`.value, '<i>&lt;</i>&lt;');
    assert.equal(html`${null}${undefined}${false}${0}`.value, '0');
  });
});

describe('levels of assurance', () => {
  test('order and the requested minimum', () => {
    assert.ok(meetsLoa(LOA.high, LOA.substantial));
    assert.ok(!meetsLoa(LOA.substantial, LOA.high));
    assert.equal(minimumLoaFrom(undefined, LOA.high), LOA.high);
    assert.equal(minimumLoaFrom(`${LOA.high} ${LOA.substantial}`, LOA.high), LOA.substantial);
    assert.equal(minimumLoaFrom(`urn:x ${LOA.high}`, LOA.low), LOA.high);
    assert.equal(minimumLoaFrom('urn:unknown', LOA.substantial), LOA.substantial);
    // Dezi's floor: never below substantial, whatever is asked or configured.
    assert.equal(minimumLoaFrom(LOA.low, LOA.high), LOA.substantial);
    assert.equal(minimumLoaFrom(undefined, LOA.low), LOA.substantial);
    assert.equal(minimumLoaFrom(`${LOA.low} ${LOA.high}`, LOA.high), LOA.substantial);
  });
});
