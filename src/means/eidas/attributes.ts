// The eIDAS SAML profile's vocabulary (eIDAS SAML Attribute Profile 1.2, Message Format 1.2): the
// natural person's minimum data set as requested attributes, the SPType extension, and the
// PersonIdentifier's form. Dezi's LoA values are the eIDAS URIs themselves, so the level maps 1:1.
import { isLoa, type LoA } from '../loa.ts';

export const EIDAS_NS = {
  /** The eIDAS SAML extensions (SPType, RequestedAttributes). */
  ext: 'http://eidas.europa.eu/saml-extensions',
} as const;

export const ATTR_NAME_FORMAT_URI = 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri';

const NATURAL_PERSON = 'http://eidas.europa.eu/attributes/naturalperson/';

/** The minimum data set of a natural person; all four are mandatory in every request. */
export const EIDAS_ATTRIBUTE = {
  PersonIdentifier: `${NATURAL_PERSON}PersonIdentifier`,
  FamilyName: `${NATURAL_PERSON}CurrentFamilyName`,
  FirstName: `${NATURAL_PERSON}CurrentGivenName`,
  DateOfBirth: `${NATURAL_PERSON}DateOfBirth`,
} as const;

export type EidasAttribute = keyof typeof EIDAS_ATTRIBUTE;

export const EIDAS_ATTRIBUTES = Object.keys(EIDAS_ATTRIBUTE) as EidasAttribute[];

/** Who asks: a public sector body, or a private relying party (eidas:SPType). */
export type SpType = 'public' | 'private';

/** The country whose connector Dezi is, the PersonIdentifier's destination. */
export const RECEIVING_COUNTRY = 'NL';

/**
 * A PersonIdentifier: the nationality code of the country that identified the person, the
 * destination country (here NL), and a value unique to that pair, "DE/NL/…" (Attribute Profile §2.2.3).
 * Only printable ASCII, so that it can be a linked subject and is never a look-alike.
 */
const PERSON_IDENTIFIER = new RegExp(`^[A-Z]{2}/${RECEIVING_COUNTRY}/[\\x21-\\x7e]{1,249}$`);

export function isPersonIdentifier(value: string): boolean {
  return PERSON_IDENTIFIER.test(value);
}

/** The level an AuthnContextClassRef names, when it is a notified eIDAS level; null otherwise. */
export function loaOfEidasClassRef(classRef: string): LoA | null {
  return isLoa(classRef) ? classRef : null;
}
