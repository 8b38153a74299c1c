// DigiD through the proeftuin's stand-in (first slice). Like DigiD's artifact binding, the browser
// carries only an opaque artifact; the BSN comes over the back channel, never through a URL.
// The SAML adapter for the real DigiD replaces this (login-means issue).
import { Bsn, InvalidBsnError } from '../../register/bsn.ts';
import { constantTimeEqual } from '../../secrets.ts';
import { upstreamFetch } from '../http.ts';
import { LOA, isLoa, meetsLoa } from '../loa.ts';
import {
  MeansError,
  type LoginMeans,
  type MeansCallback,
  type MeansResult,
  type MeansStart,
} from '../means.ts';

export interface DigidMockOptions {
  /** Base URL of the stand-in IdP, e.g. https://dezi.example/proeftuin/digid-mock */
  idpUrl: string;
  /** Bearer token for the artifact-resolution back channel. */
  resolveToken: string;
  timeoutMs?: number;
}

const ARTIFACT = /^[A-Za-z0-9_-]{20,128}$/;

export function createDigidMockMeans(o: DigidMockOptions): LoginMeans {
  const timeoutMs = o.timeoutMs ?? 5000;
  return {
    id: 'digid-mock',
    displayName: { nl: 'DigiD (proeftuin)', en: 'DigiD (proeftuin)' },
    category: 'wdo',
    loa: LOA.high,

    async start(request: MeansStart) {
      const url = new URL(`${o.idpUrl}/authenticate`);
      url.searchParams.set('request_id', request.state);
      url.searchParams.set('return_to', request.callbackUrl);
      url.searchParams.set('level', request.minimumLoa);
      return { redirectTo: url.href };
    },

    async finish(callback: MeansCallback): Promise<MeansResult> {
      const { state, artifact, error } = callback.query;
      if (typeof state !== 'string' || !constantTimeEqual(state, callback.expectedState)) {
        throw new MeansError('invalid_response', 'state does not match this login');
      }
      if (error === 'cancelled') throw new MeansError('cancelled', 'the person cancelled at DigiD');
      if (typeof artifact !== 'string' || !ARTIFACT.test(artifact)) {
        throw new MeansError('invalid_response', 'missing or malformed artifact');
      }
      const res = await upstreamFetch(`${o.idpUrl}/resolve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${o.resolveToken}` },
        body: JSON.stringify({ artifact }),
        timeoutMs,
      });
      if (res.status === 404 || res.status === 410) {
        throw new MeansError('invalid_response', 'artifact unknown, expired or already resolved');
      }
      if (res.status >= 500)
        throw new MeansError('unavailable', `artifact resolution answered ${res.status}`);
      if (res.status !== 200 || !res.contentType.startsWith('application/json')) {
        throw new MeansError('invalid_response', `artifact resolution answered ${res.status}`);
      }
      let answer: { request_id?: unknown; bsn?: unknown; loa?: unknown };
      try {
        answer = JSON.parse(res.body);
      } catch {
        throw new MeansError('invalid_response', 'artifact resolution answered malformed JSON');
      }
      if (
        typeof answer.request_id !== 'string' ||
        !constantTimeEqual(answer.request_id, callback.expectedState)
      ) {
        throw new MeansError('invalid_response', 'artifact was issued for another login');
      }
      if (!isLoa(answer.loa)) throw new MeansError('invalid_response', 'unknown level of assurance');
      if (!meetsLoa(answer.loa, callback.minimumLoa)) {
        throw new MeansError('insufficient_loa', 'level of assurance below the requested minimum');
      }
      let bsn: Bsn;
      try {
        bsn = Bsn.parse(typeof answer.bsn === 'string' ? answer.bsn : '');
      } catch (err) {
        if (err instanceof InvalidBsnError)
          throw new MeansError('invalid_response', 'subject is not a valid BSN');
        throw err;
      }
      return { meansId: 'digid-mock', subject: { kind: 'bsn', bsn }, loaAuthn: answer.loa };
    },

    async health() {
      try {
        const res = await upstreamFetch(`${o.idpUrl}/health`, { method: 'GET', timeoutMs: 2000 });
        return res.status === 200;
      } catch {
        return false;
      }
    },
  };
}
