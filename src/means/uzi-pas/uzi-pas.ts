// The UZI-pas login means: a TLS client certificate from the person's card. start() opens a ticket
// and sends the browser to the certificate endpoint (our own TLS listener, or a path behind a
// trusted proxy); that endpoint validates the card and returns a one-time result token; finish()
// redeems it for the card's UZI-nummer, which the register knows as the Dezi-nummer.
import { LOA, meetsLoa } from '../loa.ts';
import {
  MeansError,
  type LoginMeans,
  type MeansCallback,
  type MeansResult,
  type MeansStart,
} from '../means.ts';
import type { UziCrlStore } from './crl.ts';
import { UziPasError } from './errors.ts';
import { UziPasLogins } from './logins.ts';

export const UZI_PAS_MEANS_ID = 'uzi-pas';

export interface UziPasMeansOptions {
  logins: UziPasLogins;
  /** Public URL of the certificate endpoint. */
  certificateUrl: string;
  crls: UziCrlStore;
}

export function createUziPasMeans(o: UziPasMeansOptions): LoginMeans {
  return {
    id: UZI_PAS_MEANS_ID,
    displayName: { nl: 'UZI-pas', en: 'UZI card (UZI-pas)' },
    // A care-sector smart card (the UZI-register's own means), not a general citizen means.
    category: 'nen7518',
    loa: LOA.high,
    subjectKinds: ['uzi-nummer'],
    // The pass is read by a card reader on a computer: no phone has one.
    needs: 'card-reader',

    async start(request: MeansStart) {
      const ticket = await o.logins.open(request.state, request.callbackUrl);
      const url = new URL(o.certificateUrl);
      url.searchParams.set('ticket', ticket);
      return { redirectTo: url.href };
    },

    async finish(callback: MeansCallback): Promise<MeansResult> {
      const { result } = callback.query;
      if (!UziPasLogins.isToken(result))
        throw new MeansError('invalid_response', 'missing or malformed result token');
      const outcome = await o.logins.redeem(result, callback.expectedState);
      if (!outcome) {
        throw new MeansError(
          'invalid_response',
          'result token unknown, expired, already used or for another login',
        );
      }
      if ('refused' in outcome) throw new UziPasError(outcome.refused, 'refused at the certificate endpoint');
      if (!meetsLoa(LOA.high, callback.minimumLoa)) {
        throw new MeansError('insufficient_loa', 'level of assurance below the requested minimum', {
          reached: LOA.high,
        });
      }
      return {
        meansId: UZI_PAS_MEANS_ID,
        subject: { kind: 'uzi-nummer', uziNummer: outcome.uziNummer },
        loaAuthn: LOA.high,
      };
    },

    async health() {
      if (!o.crls.healthy()) await o.crls.refresh();
      return o.crls.healthy();
    },
  };
}
