// The UZI-pas subjectAltName otherName (type-id 2.5.5.5): one IA5String
// `<OID-CA>-<version>-<UZI-nr>-<card type>-<abonnee-nr>-<role code>-<AGB>` (koppelvlak.md).
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asn1js from 'asn1js';
import { GeneralName, OtherName, SubjectAlternativeName, id_ce_subjectAltName } from '@peculiar/asn1-x509';
import { DeziError } from '../../errors.ts';

export const UZI_OTHER_NAME_OID = '2.5.5.5';

/** Z zorgverlener, N medewerker op naam, M medewerker niet op naam, S server (never a person). */
export type CardType = 'Z' | 'N' | 'M' | 'S';

/** The CA OID each card type is issued under. */
export const CARD_TYPE_CA_OID: Record<CardType, string> = {
  Z: '2.16.528.1.1003.1.3.5.5.2',
  N: '2.16.528.1.1003.1.3.5.5.3',
  M: '2.16.528.1.1003.1.3.5.5.4',
  S: '2.16.528.1.1003.1.3.5.5.5',
};

export interface UziCardName {
  caOid: string;
  version: string;
  uziNummer: string;
  cardType: CardType;
  abonneeNummer: string;
  rolCode: string;
  agb: string;
}

export class GarbledSanError extends DeziError {
  override name = 'GarbledSanError';
}

const FIELDS =
  /^(?<caOid>\d+(?:\.\d+)+)-(?<version>\d{1,3})-(?<uziNummer>\d{8,9})-(?<cardType>[A-Z])-(?<abonneeNummer>\d{8})-(?<rolCode>\d{2}\.\d{3})-(?<agb>\d{8})$/;

/** Parses the IA5String value; throws GarbledSanError on anything that does not fit the layout. */
export function parseUziName(value: string): UziCardName {
  if (value.length > 200) throw new GarbledSanError('UZI otherName value too long');
  const m = FIELDS.exec(value);
  if (!m?.groups) throw new GarbledSanError('UZI otherName value does not have the koppelvlak layout');
  const g = m.groups as Record<keyof UziCardName, string>;
  if (!['Z', 'N', 'M', 'S'].includes(g.cardType)) {
    throw new GarbledSanError(`unknown card type "${g.cardType}"`);
  }
  return { ...g, cardType: g.cardType as CardType };
}

export function formatUziName(n: UziCardName): string {
  return [n.caOid, n.version, n.uziNummer, n.cardType, n.abonneeNummer, n.rolCode, n.agb].join('-');
}

/**
 * The UZI otherName values in a DER subjectAltName extension value. Other name forms are ignored;
 * an otherName 2.5.5.5 that is not an IA5String is garbled.
 */
export function uziOtherNames(sanExtensionValue: ArrayBuffer): string[] {
  let names: SubjectAlternativeName;
  try {
    names = AsnConvert.parse(sanExtensionValue, SubjectAlternativeName);
  } catch (err) {
    throw new GarbledSanError('subjectAltName is not valid DER', { cause: err });
  }
  const values: string[] = [];
  for (const name of names) {
    if (name.otherName?.typeId !== UZI_OTHER_NAME_OID) continue;
    const inner = asn1js.fromBER(name.otherName.value);
    if (inner.offset !== name.otherName.value.byteLength || !(inner.result instanceof asn1js.IA5String)) {
      throw new GarbledSanError('UZI otherName is not an IA5String');
    }
    values.push(inner.result.valueBlock.value);
  }
  return values;
}

/** DER subjectAltName extension value carrying the UZI otherName (for the proeftuin's test cards). */
export function encodeUziSan(value: string): ArrayBuffer {
  return AsnConvert.serialize(
    new SubjectAlternativeName([
      new GeneralName({
        otherName: new OtherName({
          typeId: UZI_OTHER_NAME_OID,
          value: new asn1js.IA5String({ value }).toBER(),
        }),
      }),
    ]),
  );
}

export { id_ce_subjectAltName as SAN_OID };
