// DigiD as a SAML means (means.md): the AuthnRequest asks for the DigiD level that reaches the login's
// eIDAS minimum, delivered by artifact (or HTTP-POST); the checked assertion's NameID is the BSN in
// sector s00000000 and its context class the DigiD level. The SAML itself is ../saml/sp.ts.
import type { Database } from '../../db/database.ts';
import type { Secrets } from '../../secrets.ts';
import { Bsn, InvalidBsnError } from '../bsn.ts';
import { LOA, meetsLoa, type LoA } from '../loa.ts';
import { MeansError, type MeansResult } from '../means.ts';
import type { IdpMetadata } from '../saml/metadata.ts';
import type { CheckedAssertion } from '../saml/response.ts';
import { createSamlMeans, type ResponseBinding, type SamlSp } from '../saml/sp.ts';
import { NS, onlyChild, textOf } from '../saml/xml.ts';
import { DIGID_LEVEL, digidLevelFor, digidLevelOf, loaOfDigidLevel } from './levels.ts';

export const DIGID_MEANS_ID = 'digid';
export const DIGID_ACS_PATH = '/means/digid/acs';
export const DIGID_SP_METADATA_PATH = '/means/digid/metadata';

/** DigiD puts the BSN behind a sector code: s00000000 is the BSN sector. */
const BSN_SECTOR_PREFIX = 's00000000:';

export type { ResponseBinding };
export type DigidSp = SamlSp;

export interface DigidOptions {
  db: Database;
  secrets: Secrets;
  sp: DigidSp;
  metadata: () => Promise<IdpMetadata>;
  /** How the IdP is asked to deliver the Response (ProtocolBinding). */
  responseBinding: ResponseBinding;
  displayName?: { nl: string; en: string };
  timeoutMs?: number;
  /** How long a person may take at DigiD. */
  requestTtlSeconds?: number;
  /** TLS on the artifact back channel (see SamlMeansOptions). */
  backChannelTls?: { key?: string; cert?: string; ca?: string } | null;
}

function refuse(message: string): never {
  throw new MeansError('invalid_response', message);
}

/** The BSN and level a checked DigiD assertion proves, if its level reaches the minimum. */
export function digidResult(checked: CheckedAssertion, minimumLoa: LoA): MeansResult {
  const level = digidLevelOf(checked.classRef);
  if (!level) refuse('unknown AuthnContextClassRef');
  const nameId = textOf(onlyChild(checked.subject, NS.saml, 'NameID'));
  if (!nameId?.startsWith(BSN_SECTOR_PREFIX)) refuse('the NameID is not a BSN in sector s00000000');
  let bsn: Bsn;
  try {
    bsn = Bsn.parse(nameId.slice(BSN_SECTOR_PREFIX.length));
  } catch (err) {
    if (err instanceof InvalidBsnError) refuse('the NameID is not a valid BSN');
    throw err;
  }
  const loa = loaOfDigidLevel(level);
  if (!loa || !meetsLoa(loa, minimumLoa)) {
    throw new MeansError('insufficient_loa', `DigiD ${level} is below the requested level`, {
      reached: loa, // null for basis, which is below every eIDAS level
    });
  }
  return { meansId: DIGID_MEANS_ID, subject: { kind: 'bsn', bsn }, loaAuthn: loa };
}

export function createDigidMeans(o: DigidOptions) {
  return createSamlMeans({
    ...o,
    means: {
      id: DIGID_MEANS_ID,
      displayName: o.displayName ?? { nl: 'DigiD', en: 'DigiD' },
      category: 'wdo',
      loa: LOA.high,
      subjectKinds: ['bsn'],
    },
    label: 'DigiD',
    acsPath: DIGID_ACS_PATH,
    metadataPath: DIGID_SP_METADATA_PATH,
    authnRequest: (minimumLoa) => ({ authnContext: [DIGID_LEVEL[digidLevelFor(minimumLoa)]] }),
    result: digidResult,
  });
}
