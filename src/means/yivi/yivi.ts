// Yivi as a login means: a disclosure session at a Yivi (IRMA) server. The person scans a QR code
// on Dezi's page (or opens the deep link on a phone); Dezi trusts only the signed result JWT,
// fetched over the back channel with the requestor token of this login's own session.
import { importSPKI, jwtVerify, type CryptoKey } from 'jose';
import { constantTimeEqual } from '../../secrets.ts';
import { loaRank, meetsLoa } from '../loa.ts';
import {
  MeansError,
  type LoginMeans,
  type MeansCallback,
  type MeansResult,
  type MeansStart,
} from '../means.ts';
import { subjectFrom } from '../subject.ts';
import type { YiviAttribute, YiviConfig } from './config.ts';
import { IrmaServer } from './irma-server.ts';
import { YiviSessionStore } from './sessions.ts';

export const YIVI_MEANS_ID = 'yivi';
export const YIVI_PAGE_PATH = '/means/yivi';
/** A result older than this is not accepted, however valid its signature. */
const MAX_RESULT_AGE = '5m';

export interface YiviMeans extends LoginMeans {
  readonly irma: IrmaServer;
  readonly sessions: YiviSessionStore;
}

interface DisclosedAttribute {
  id?: unknown;
  rawvalue?: unknown;
  status?: unknown;
}

export async function createYiviMeans(
  c: YiviConfig,
  d: { issuer: string; sessions: YiviSessionStore },
): Promise<YiviMeans> {
  const id = YIVI_MEANS_ID;
  const irma = new IrmaServer({ url: c.serverUrl, requestorToken: c.requestorToken, timeoutMs: c.timeoutMs });
  const publicKey: CryptoKey = await importSPKI(c.serverPublicKeyPem, 'RS256');
  const byId = new Map<string, YiviAttribute>(c.attributes.map((a) => [a.id, a]));
  const loa = c.attributes.map((a) => a.loa).reduce((a, b) => (loaRank(a) >= loaRank(b) ? a : b));

  async function verifiedResult(jwt: string, requestorToken: string): Promise<Record<string, unknown>> {
    try {
      const { payload } = await jwtVerify(jwt, publicKey, {
        algorithms: ['RS256'],
        issuer: c.jwtIssuer,
        subject: 'disclosure_result',
        maxTokenAge: MAX_RESULT_AGE,
        requiredClaims: ['iat'],
      });
      // The requestor token in the signed result binds it to the session this login started.
      if (typeof payload.token !== 'string' || !constantTimeEqual(payload.token, requestorToken)) {
        throw new MeansError('invalid_response', 'result-jwt belongs to another session');
      }
      return payload;
    } catch (err) {
      if (err instanceof MeansError) throw err;
      throw new MeansError('invalid_response', `result-jwt rejected: ${(err as Error).message}`);
    }
  }

  return {
    id,
    displayName: { nl: 'Yivi', en: 'Yivi' },
    category: c.category,
    loa,
    subjectKinds: [...new Set(c.attributes.map((a) => a.subject))],
    irma,
    sessions: d.sessions,

    async start(request: MeansStart) {
      const accepted = c.attributes.filter((a) => meetsLoa(a.loa, request.minimumLoa)).map((a) => a.id);
      if (accepted.length === 0)
        throw new MeansError('insufficient_loa', 'no configured attribute reaches the level');
      const session = await irma.startDisclosure(accepted);
      const handle = await d.sessions.create(request.state, {
        meansId: id,
        requestorToken: session.token,
        sessionPtr: session.sessionPtr,
        callbackUrl: request.callbackUrl,
      });
      return { redirectTo: `${d.issuer}${YIVI_PAGE_PATH}/${handle}` };
    },

    async finish(callback: MeansCallback): Promise<MeansResult> {
      const handle = callback.query.session;
      if (typeof handle !== 'string')
        throw new MeansError('invalid_response', 'no Yivi session in the callback');
      const session = await d.sessions.take(handle, id, callback.expectedState);
      if (!session) {
        throw new MeansError(
          'invalid_response',
          'Yivi session unknown, expired, already used or of another login',
        );
      }
      const result = await verifiedResult(
        await irma.resultJwt(session.requestorToken),
        session.requestorToken,
      );
      if (result.status === 'CANCELLED') throw new MeansError('cancelled', 'the person declined in Yivi');
      if (result.status === 'TIMEOUT') throw new MeansError('cancelled', 'the Yivi session timed out');
      if (result.status !== 'DONE') throw new MeansError('invalid_response', 'Yivi session is not done');
      if (result.type !== undefined && result.type !== 'disclosing')
        throw new MeansError('invalid_response', 'Yivi result is not a disclosure');
      if (result.proofStatus !== 'VALID') throw new MeansError('invalid_response', 'Yivi proof is not valid');

      // We asked for one disjunction, so exactly one conjunction with one attribute comes back.
      const disclosed = result.disclosed;
      if (
        !Array.isArray(disclosed) ||
        disclosed.length !== 1 ||
        !Array.isArray(disclosed[0]) ||
        disclosed[0].length !== 1
      ) {
        throw new MeansError('invalid_response', 'Yivi result does not disclose exactly one attribute');
      }
      const attribute = disclosed[0][0] as DisclosedAttribute;
      const configured = typeof attribute.id === 'string' ? byId.get(attribute.id) : undefined;
      if (!configured)
        throw new MeansError('invalid_response', 'Yivi disclosed an attribute that was not asked for');
      if (attribute.status !== 'PRESENT')
        throw new MeansError('invalid_response', 'Yivi attribute is not present');
      if (!meetsLoa(configured.loa, callback.minimumLoa)) {
        throw new MeansError('insufficient_loa', 'the disclosed attribute is below the requested level', {
          reached: configured.loa,
        });
      }
      return {
        meansId: id,
        subject: subjectFrom(configured.subject, attribute.rawvalue, id),
        loaAuthn: configured.loa,
      };
    },

    health: () => irma.health(),
  };
}
