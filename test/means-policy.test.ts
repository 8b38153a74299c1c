// The means policy and the registry without a server: date windows (Dutch dates), verdicts,
// session re-use, login_hint, command-line windows, and health checks with timeout and cache.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LOA } from '../src/means/loa.ts';
import { MeansError, type LoginMeans } from '../src/means/means.ts';
import {
  formatPolicyDate,
  hintedMeans,
  meansVerdict,
  parseMeansWindowArg,
  parseMeansWindows,
  policyInstant,
  policyOf,
  PolicyError,
  sessionSatisfies,
} from '../src/means/policy.ts';
import { MeansRegistry } from '../src/means/registry.ts';
import { withDeadline } from '../src/broker/broker.ts';

const at = (iso: string) => Date.parse(iso);

describe('means policy', () => {
  test('a plain date is midnight in the Netherlands, summer and winter', () => {
    assert.equal(policyInstant('2027-07-01'), at('2027-06-30T22:00:00Z'));
    assert.equal(policyInstant('2027-01-01'), at('2026-12-31T23:00:00Z'));
    // The days the clocks change.
    assert.equal(policyInstant('2027-03-28'), at('2027-03-27T23:00:00Z'));
    assert.equal(policyInstant('2027-10-31'), at('2027-10-30T22:00:00Z'));
    assert.equal(policyInstant('2027-07-01T08:30:00+02:00'), at('2027-07-01T06:30:00Z'));
    for (const bad of ['2027-02-30', '2027-13-01', '1-7-2027', '2027-07-01T08:30', '', 'morgen']) {
      assert.ok(Number.isNaN(policyInstant(bad)), bad);
    }
  });

  test('dates are shown in Dutch and English', () => {
    assert.equal(formatPolicyDate('2027-07-01', 'nl'), '1 juli 2027');
    assert.equal(formatPolicyDate('2027-07-01', 'en'), '1 July 2027');
    assert.equal(formatPolicyDate('2027-03-01', 'nl'), '1 maart 2027');
  });

  test('the duale periode: accepted until a date, refused after it with that date', () => {
    const allowed = policyOf({
      dezi_allowed_means: [{ means: 'digid' }, { means: 'uzi-pas', until: '2027-07-01' }],
    });
    assert.deepEqual(meansVerdict(allowed, 'uzi-pas', at('2027-06-30T21:59:59Z')), { accepted: true });
    assert.deepEqual(meansVerdict(allowed, 'uzi-pas', at('2027-06-30T22:00:00Z')), {
      accepted: false,
      reason: 'no_longer_accepted',
      since: '2027-07-01',
    });
    assert.deepEqual(meansVerdict(allowed, 'digid', at('2030-01-01T00:00:00Z')), { accepted: true });
    assert.deepEqual(meansVerdict(allowed, 'yivi', at('2027-01-01T00:00:00Z')), {
      accepted: false,
      reason: 'not_allowed',
    });

    const excluded = policyOf({ dezi_excluded_means: [{ means: 'uzi-pas', from: '2027-07-01' }] });
    assert.deepEqual(meansVerdict(excluded, 'uzi-pas', at('2027-06-01T00:00:00Z')), { accepted: true });
    assert.deepEqual(meansVerdict(excluded, 'uzi-pas', at('2027-07-02T00:00:00Z')), {
      accepted: false,
      reason: 'no_longer_accepted',
      since: '2027-07-01',
    });
    assert.deepEqual(meansVerdict(excluded, 'digid', at('2027-07-02T00:00:00Z')), { accepted: true });
  });

  test('windows: not yet started, always excluded, the latest ended window, exclusion beats allowance', () => {
    const now = at('2027-07-15T12:00:00Z');
    const later = policyOf({ dezi_allowed_means: [{ means: 'yivi', from: '2028-01-01' }] });
    assert.deepEqual(meansVerdict(later, 'yivi', now), { accepted: false, reason: 'not_allowed' });
    const never = policyOf({ dezi_excluded_means: [{ means: 'yivi' }] });
    assert.deepEqual(meansVerdict(never, 'yivi', now), { accepted: false, reason: 'not_allowed' });
    const twice = policyOf({
      dezi_allowed_means: [
        { means: 'uzi-pas', until: '2027-01-01' },
        { means: 'uzi-pas', from: '2027-03-01', until: '2027-07-01' },
      ],
    });
    assert.deepEqual(meansVerdict(twice, 'uzi-pas', now), {
      accepted: false,
      reason: 'no_longer_accepted',
      since: '2027-07-01',
    });
    assert.deepEqual(meansVerdict(twice, 'uzi-pas', at('2027-02-01T00:00:00Z')), {
      accepted: false,
      reason: 'no_longer_accepted',
      since: '2027-01-01',
    });
    const both = policyOf({
      dezi_allowed_means: [{ means: 'uzi-pas' }],
      dezi_excluded_means: [{ means: 'uzi-pas', from: '2027-07-01' }],
    });
    assert.equal(meansVerdict(both, 'uzi-pas', now).accepted, false);
    assert.deepEqual(meansVerdict(policyOf({}), 'anything', now), { accepted: true });
    assert.deepEqual(policyOf({ dezi_allowed_means: [] }), {}, 'an empty list is no list');
  });

  test('metadata is checked entry by entry with a message that names the problem', () => {
    const cases: [unknown, RegExp][] = [
      ['uzi-pas', /must be an array/],
      [[{ means: 'UZI' }], /\[0\]\.means must be a means id/],
      [[{ means: 'uzi-pas' }, 7], /\[1\] must be an object/],
      [[{ means: 'uzi-pas', from: 20270701 }], /\[0\]\.from must be a date/],
      [[{ means: 'uzi-pas', until: '2027-07-01', from: '2027-07-01' }], /from must be before until/],
      [[{ means: 'uzi-pas', extra: true }], /unknown member extra/],
      [Array.from({ length: 51 }, () => ({ means: 'digid' })), /more than 50 entries/],
    ];
    for (const [value, message] of cases) {
      assert.throws(
        () => parseMeansWindows('dezi_allowed_means', value),
        (err: Error) => {
          assert.ok(err instanceof PolicyError);
          assert.match(err.message, message);
          return true;
        },
      );
    }
    assert.deepEqual(parseMeansWindows('x', [{ means: 'uzi-pas', until: '2027-07-01' }]), [
      { means: 'uzi-pas', until: '2027-07-01' },
    ]);
  });

  test('command-line windows', () => {
    assert.deepEqual(parseMeansWindowArg('--allow-means', 'digid'), { means: 'digid' });
    assert.deepEqual(parseMeansWindowArg('--allow-means', 'uzi-pas:..2027-07-01'), {
      means: 'uzi-pas',
      until: '2027-07-01',
    });
    assert.deepEqual(parseMeansWindowArg('--exclude-means', 'uzi-pas:2027-07-01..'), {
      means: 'uzi-pas',
      from: '2027-07-01',
    });
    assert.deepEqual(parseMeansWindowArg('--allow-means', 'yivi:2027-01-01..2027-07-01'), {
      means: 'yivi',
      from: '2027-01-01',
      until: '2027-07-01',
    });
    for (const bad of ['uzi-pas:', 'uzi-pas:..', 'uzi-pas:2027-07-01', 'a:b:c', 'UZI', 'uzi-pas:..1 juli']) {
      assert.throws(() => parseMeansWindowArg('--allow-means', bad), PolicyError, bad);
    }
  });

  test('a session serves a request only at its level and with a means the client accepts', () => {
    const now = at('2027-07-15T12:00:00Z');
    const none = policyOf({});
    const session = { acr: LOA.substantial, amr: ['uzi-pas'] };
    assert.ok(sessionSatisfies(session, none, LOA.substantial, now));
    assert.ok(sessionSatisfies(session, none, LOA.low, now));
    assert.ok(!sessionSatisfies(session, none, LOA.high, now), 'step-up');
    const ended = policyOf({ dezi_excluded_means: [{ means: 'uzi-pas', from: '2027-07-01' }] });
    assert.ok(!sessionSatisfies(session, ended, LOA.substantial, now), 'the duale periode ended');
    assert.ok(sessionSatisfies({ acr: LOA.high }, none, LOA.high, now), 'no means recorded, no policy');
    assert.ok(!sessionSatisfies({ acr: LOA.high }, ended, LOA.high, now), 'no means recorded, a policy');
    assert.ok(!sessionSatisfies({ acr: 'urn:x', amr: ['digid'] }, none, LOA.low, now), 'unknown acr');
  });

  test('login_hint names a means as means:<id>; anything else is ignored', () => {
    assert.equal(hintedMeans('means:uzi-pas'), 'uzi-pas');
    for (const other of [
      undefined,
      42,
      'uzi-pas',
      'means:',
      'means:UZI',
      'j.jansen@example.test',
      'means:a',
    ]) {
      assert.equal(hintedMeans(other), undefined, String(other));
    }
  });
});

function fakeMeans(id: string, health: LoginMeans['health'], loa: LoginMeans['loa'] = LOA.high): LoginMeans {
  return {
    id,
    displayName: { nl: id, en: id },
    category: 'wdo',
    loa,
    start: async () => ({ redirectTo: 'https://example.test' }),
    finish: async () => {
      throw new MeansError('invalid_response', 'not used');
    },
    health,
  };
}

describe('means registry', () => {
  test('enabled means are offered by level, disabled ones are recognised but not offered', () => {
    const registry = new MeansRegistry();
    registry.register(fakeMeans('digid', async () => true));
    registry.register(fakeMeans('markt', async () => true, LOA.substantial));
    registry.register(
      fakeMeans('uit', async () => true),
      { enabled: false },
    );
    assert.deepEqual(
      registry.offered(LOA.substantial).map((m) => m.id),
      ['digid', 'markt'],
    );
    assert.deepEqual(
      registry.offered(LOA.high).map((m) => m.id),
      ['digid'],
    );
    assert.ok(registry.get('uit'));
    assert.equal(registry.isEnabled('uit'), false);
    assert.equal(registry.isEnabled('onbekend'), false);
    assert.deepEqual(
      registry.entries().map((e) => [e.id, e.category, e.loa, e.enabled]),
      [
        ['digid', 'wdo', LOA.high, true],
        ['markt', 'wdo', LOA.substantial, true],
        ['uit', 'wdo', LOA.high, false],
      ],
    );
    assert.deepEqual(
      registry.all().map((m) => m.id),
      ['digid', 'markt', 'uit'],
    );
    assert.throws(() => registry.register(fakeMeans('digid', async () => true)), /registered twice/);
    assert.throws(() => registry.register(fakeMeans('Geen Id', async () => true)), /invalid means id/);
  });

  test('health: a timeout, an exception and false count as down; answers are cached and shared', async () => {
    let clock = 0;
    let calls = 0;
    let aborted = false;
    const registry = new MeansRegistry({ healthTimeoutMs: 50, healthCacheMs: 1000, now: () => clock });
    registry.register(
      fakeMeans('traag', (o) => {
        calls++;
        o?.signal?.addEventListener('abort', () => (aborted = true));
        return new Promise(() => undefined);
      }),
    );
    registry.register(
      fakeMeans('kapot', async () => {
        throw new Error('boom');
      }),
    );
    registry.register(fakeMeans('nee', async () => false));
    let upCalls = 0;
    registry.register(
      fakeMeans('goed', async () => {
        upCalls++;
        return true;
      }),
    );
    const t0 = Date.now();
    assert.deepEqual(
      await Promise.all([
        registry.isUp('traag'),
        registry.isUp('traag'),
        registry.isUp('kapot'),
        registry.isUp('nee'),
      ]),
      [false, false, false, false],
    );
    assert.ok(Date.now() - t0 < 1000, 'the timeout ended the wait');
    assert.equal(calls, 1, 'concurrent callers share one check');
    assert.ok(aborted, 'the check was told to stop');
    assert.equal(await registry.isUp('traag'), false);
    assert.equal(calls, 1, 'cached');
    clock = 1001;
    assert.equal(await registry.isUp('traag'), false);
    assert.equal(calls, 2, 'checked again after the cache time');

    assert.equal(await registry.isUp('goed'), true);
    assert.equal(await registry.isUp('goed'), true);
    assert.equal(upCalls, 1);
    registry.reportUnavailable('goed');
    assert.equal(await registry.isUp('goed'), false, 'a failure during a login counts until the next check');
    assert.equal(upCalls, 1);
    registry.forgetHealth('goed');
    assert.equal(await registry.isUp('goed'), true);
    assert.equal(upCalls, 2);
    assert.equal(await registry.isUp('onbekend'), false);
  });
});

describe("the broker's deadline on a means", () => {
  test('an adapter that never answers ends in MeansError unavailable; a quick one is untouched', async () => {
    const t0 = Date.now();
    await assert.rejects(
      withDeadline(new Promise(() => undefined), 50, 'hang finish'),
      (err: unknown) =>
        err instanceof MeansError &&
        err.kind === 'unavailable' &&
        /hang finish took longer than 50 ms/.test(err.message),
    );
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(await withDeadline(Promise.resolve('ok'), 50, 'quick'), 'ok');
    await assert.rejects(withDeadline(Promise.reject(new Error('own error')), 50, 'x'), /own error/);
  });
});
