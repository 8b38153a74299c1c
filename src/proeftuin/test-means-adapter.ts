// The adapter for the proeftuin's test means (test-means.ts): a LoginMeans like any other, through
// upstreamFetch, so that its failures (down, slow) reach the broker exactly as a real means' would.
import { Bsn, InvalidBsnError } from '../means/bsn.ts';
import { constantTimeEqual } from '../secrets.ts';
import { upstreamFetch } from '../means/http.ts';
import { isLoa, meetsLoa } from '../means/loa.ts';
import { MeansError, type LoginMeans, type MeansCallback, type MeansResult } from '../means/means.ts';
import { TEST_MEANS_ID, TEST_MEANS_LOA } from './test-means.ts';

export interface TestMeansOptions {
  /** Base URL of the stand-in, e.g. http://localhost:3000/proeftuin/testmiddel */
  baseUrl: string;
  token: string;
  timeoutMs?: number;
}

const CODE = /^[A-Za-z0-9_-]{20,128}$/;

/** A plain square with a "T": shows how a means' logo appears (a data: URI, allowed by the CSP). */
const TEST_MEANS_LOGO = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="4" fill="#fff"/><text x="16" y="23" font-size="20" text-anchor="middle" fill="#154273">T</text></svg>',
)}`;

export function createTestMeans(o: TestMeansOptions): LoginMeans {
  const timeoutMs = o.timeoutMs ?? 5000;
  return {
    id: TEST_MEANS_ID,
    displayName: { nl: 'Testmiddel (proeftuin)', en: 'Test means (proeftuin)' },
    category: 'nen7518',
    loa: TEST_MEANS_LOA,
    subjectKinds: ['bsn'],
    logo: TEST_MEANS_LOGO,

    async start(request) {
      const url = new URL(`${o.baseUrl}/login`);
      url.searchParams.set('state', request.state);
      url.searchParams.set('return_to', request.callbackUrl);
      return { redirectTo: url.href };
    },

    async finish(callback: MeansCallback): Promise<MeansResult> {
      const { state, code, error } = callback.query;
      if (typeof state !== 'string' || !constantTimeEqual(state, callback.expectedState)) {
        throw new MeansError('invalid_response', 'state does not match this login');
      }
      if (error === 'cancelled') throw new MeansError('cancelled', 'the person cancelled at the test means');
      if (typeof code !== 'string' || !CODE.test(code)) {
        throw new MeansError('invalid_response', 'missing or malformed code');
      }
      const res = await upstreamFetch(`${o.baseUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token}` },
        body: JSON.stringify({ code }),
        timeoutMs,
      });
      if (res.status >= 500) throw new MeansError('unavailable', `code exchange answered ${res.status}`);
      if (res.status !== 200 || !res.contentType.startsWith('application/json')) {
        throw new MeansError('invalid_response', `code exchange answered ${res.status}`);
      }
      let answer: { state?: unknown; bsn?: unknown; loa?: unknown };
      try {
        answer = JSON.parse(res.body);
      } catch {
        throw new MeansError('invalid_response', 'code exchange answered malformed JSON');
      }
      if (typeof answer.state !== 'string' || !constantTimeEqual(answer.state, callback.expectedState)) {
        throw new MeansError('invalid_response', 'code was issued for another login');
      }
      if (!isLoa(answer.loa)) throw new MeansError('invalid_response', 'unknown level of assurance');
      if (!meetsLoa(answer.loa, callback.minimumLoa)) {
        throw new MeansError('insufficient_loa', 'level of assurance below the requested minimum', {
          reached: answer.loa,
        });
      }
      let bsn: Bsn;
      try {
        bsn = Bsn.parse(typeof answer.bsn === 'string' ? answer.bsn : '');
      } catch (err) {
        if (err instanceof InvalidBsnError)
          throw new MeansError('invalid_response', 'subject is not a valid BSN');
        throw err;
      }
      return { meansId: TEST_MEANS_ID, subject: { kind: 'bsn', bsn }, loaAuthn: answer.loa };
    },

    async health(options) {
      const res = await upstreamFetch(`${o.baseUrl}/health`, {
        method: 'GET',
        timeoutMs: 2000,
        signal: options?.signal,
      });
      return res.status === 200;
    },
  };
}
