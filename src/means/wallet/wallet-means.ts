// Logging in with a wallet (OpenID4VP 1.0, HAIP 1.0) as a login means. start() opens a login of its
// own and sends the browser to Dezi's wallet page (a QR code for a wallet on another device, a link for
// one on this device). The wallet fetches the signed request, and posts its encrypted answer to Dezi
// directly; that answer is checked at once and its outcome kept for finish(), which the browser reaches
// by the page's "continue" (or, on this device, the wallet's redirect with its response code).
import { constantTimeEqual } from '../../secrets.ts';
import { LOA, meetsLoa } from '../loa.ts';
import {
  MeansError,
  type LoginMeans,
  type MeansCallback,
  type MeansResult,
  type MeansStart,
} from '../means.ts';
import type { WalletLoginSessions } from './sessions.ts';
import type { WalletVerifier } from './verifier.ts';

export const WALLET_MEANS_ID = 'wallet';
export const WALLET_PAGE_PATH = '/means/wallet';

export interface WalletMeans extends LoginMeans {
  readonly sessions: WalletLoginSessions;
  readonly verifier: WalletVerifier;
}

export function createWalletMeans(d: {
  issuer: string;
  sessions: WalletLoginSessions;
  verifier: WalletVerifier;
}): WalletMeans {
  return {
    id: WALLET_MEANS_ID,
    displayName: { nl: 'ID-wallet', en: 'ID wallet' },
    category: 'eidas',
    loa: LOA.high,
    subjectKinds: ['dezi-nummer', 'bsn'],
    sessions: d.sessions,
    verifier: d.verifier,

    async start(request: MeansStart) {
      const handle = await d.sessions.create(request.state, request.callbackUrl);
      return { redirectTo: `${d.issuer}${WALLET_PAGE_PATH}/${handle}` };
    },

    async finish(callback: MeansCallback): Promise<MeansResult> {
      const handle = callback.query.session;
      if (typeof handle !== 'string')
        throw new MeansError('invalid_response', 'no wallet login in the callback');
      const taken = await d.sessions.take(handle, callback.expectedState);
      if (!taken)
        throw new MeansError('invalid_response', 'wallet login unknown, expired, used or of another login');
      const { outcome } = taken;
      if (!outcome) throw new MeansError('cancelled', 'the wallet has not answered');
      if (!outcome.ok) {
        if (outcome.kind === 'credential_refused')
          throw new MeansError('credential_refused', outcome.message, {
            refusal: outcome.refusal ?? undefined,
          });
        throw new MeansError(outcome.kind, outcome.message);
      }
      // On this device the wallet sends the browser back with a response code: only that browser may
      // go on (OpenID4VP §13.3, session fixation). From another device the page's own login goes on.
      if (outcome.responseCode !== null) {
        const code = callback.query.response_code;
        if (typeof code !== 'string' || !constantTimeEqual(code, outcome.responseCode))
          throw new MeansError('invalid_response', 'the response code is missing or wrong');
      }
      if (!meetsLoa(outcome.result.loaAuthn, callback.minimumLoa)) {
        throw new MeansError('insufficient_loa', 'the credential was issued below the requested level', {
          reached: outcome.result.loaAuthn,
        });
      }
      return outcome.result;
    },

    // Nothing upstream to ask: the wallet comes to Dezi.
    health: async () => true,
  };
}
