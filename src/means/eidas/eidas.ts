// Foreign notified eIDs through the eIDAS network (eIDAS-1), with Dezi as the SP behind the Dutch
// eIDAS connector (means.md). The AuthnRequest carries the eIDAS extensions (SPType, the four
// mandatory attributes of a natural person) and the login's minimum level as the eIDAS LoA; the
// connector answers by HTTP-POST. The checked assertion's PersonIdentifier is the subject: there is
// no BSN, so it names a person only through a link (Mijn Dezi, or the operator). The SAML itself is
// ../saml/sp.ts, the same code as DigiD's.
import type { Database } from '../../db/database.ts';
import type { Secrets } from '../../secrets.ts';
import { LOA, meetsLoa, type LoA } from '../loa.ts';
import { MeansError, type MeansResult } from '../means.ts';
import type { IdpMetadata } from '../saml/metadata.ts';
import type { CheckedAssertion } from '../saml/response.ts';
import { createSamlMeans, type SamlSp } from '../saml/sp.ts';
import { NS, childElements, textOf } from '../saml/xml.ts';
import {
  ATTR_NAME_FORMAT_URI,
  EIDAS_ATTRIBUTE,
  EIDAS_ATTRIBUTES,
  EIDAS_NS,
  isPersonIdentifier,
  loaOfEidasClassRef,
  type SpType,
} from './attributes.ts';

export const EIDAS_MEANS_ID = 'eidas';
export const EIDAS_ACS_PATH = '/means/eidas/acs';
export const EIDAS_SP_METADATA_PATH = '/means/eidas/metadata';

export interface EidasOptions {
  db: Database;
  secrets: Secrets;
  sp: SamlSp;
  /** The eIDAS connector's (or the proeftuin stand-in's) metadata. */
  metadata: () => Promise<IdpMetadata>;
  spType: SpType;
  displayName?: { nl: string; en: string };
  timeoutMs?: number;
}

function refuse(message: string): never {
  throw new MeansError('invalid_response', message);
}

/** The eIDAS extensions of the AuthnRequest, as node-saml's xmlbuilder writes them. */
export function eidasExtensions(spType: SpType): Record<string, unknown> {
  return {
    'eidas:SPType': { '@xmlns:eidas': EIDAS_NS.ext, '#text': spType },
    'eidas:RequestedAttributes': {
      '@xmlns:eidas': EIDAS_NS.ext,
      'eidas:RequestedAttribute': EIDAS_ATTRIBUTES.map((a) => ({
        '@FriendlyName': a,
        '@Name': EIDAS_ATTRIBUTE[a],
        '@NameFormat': ATTR_NAME_FORMAT_URI,
        '@isRequired': 'true',
      })),
    },
  };
}

/** The values of one attribute in the assertion's attribute statements. */
function attributeValues(assertion: CheckedAssertion['assertion'], name: string): string[] {
  return childElements(assertion, NS.saml, 'AttributeStatement')
    .flatMap((s) => childElements(s, NS.saml, 'Attribute'))
    .filter((a) => a.getAttribute('Name') === name)
    .flatMap((a) => childElements(a, NS.saml, 'AttributeValue'))
    .map((v) => textOf(v) ?? '');
}

/** The PersonIdentifier and level a checked eIDAS assertion proves, if the level reaches the minimum. */
export function eidasResult(checked: CheckedAssertion, minimumLoa: LoA): MeansResult {
  const loa = loaOfEidasClassRef(checked.classRef);
  if (!loa) refuse('the AuthnContextClassRef is not an eIDAS level of assurance');
  const ids = attributeValues(checked.assertion, EIDAS_ATTRIBUTE.PersonIdentifier);
  if (ids.length === 0) refuse('the assertion holds no PersonIdentifier');
  if (ids.length > 1) refuse('the assertion holds more than one PersonIdentifier');
  // Never the value itself in the reason: it identifies a person.
  if (!isPersonIdentifier(ids[0]!)) refuse('the PersonIdentifier is not of the form XX/NL/value');
  if (!meetsLoa(loa, minimumLoa)) {
    throw new MeansError('insufficient_loa', 'the eIDAS level is below the requested level', {
      reached: loa,
    });
  }
  return {
    meansId: EIDAS_MEANS_ID,
    subject: { kind: 'linked', meansId: EIDAS_MEANS_ID, subject: ids[0]! },
    loaAuthn: loa,
  };
}

export function createEidasMeans(o: EidasOptions) {
  return createSamlMeans({
    ...o,
    means: {
      id: EIDAS_MEANS_ID,
      displayName: o.displayName ?? { nl: 'Europese eID (eIDAS)', en: 'European eID (eIDAS)' },
      category: 'eidas',
      loa: LOA.high,
      subjectKinds: ['linked'],
    },
    label: 'eIDAS',
    acsPath: EIDAS_ACS_PATH,
    metadataPath: EIDAS_SP_METADATA_PATH,
    // The eIDAS profile answers by HTTP-POST only (no artifact binding in the network).
    responseBinding: 'post',
    postOnly: true,
    authnRequest: (minimumLoa) => ({
      authnContext: [minimumLoa],
      extensions: eidasExtensions(o.spType),
      // The eIDAS message format asks for a fresh authentication with every request.
      forceAuthn: true,
      nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
    }),
    result: eidasResult,
  });
}
