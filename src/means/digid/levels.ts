// DigiD's levels as SAML AuthnContextClassRef, and what each is in eIDAS terms (means.md):
// basis is below low, midden is low, substantieel is substantial, hoog is high.
import { LOA, type LoA } from '../loa.ts';

const AC = 'urn:oasis:names:tc:SAML:2.0:ac:classes:';

export const DIGID_LEVEL = {
  basis: `${AC}PasswordProtectedTransport`,
  midden: `${AC}MobileTwoFactorContract`,
  substantieel: `${AC}Smartcard`,
  hoog: `${AC}SmartcardPKI`,
} as const;

export type DigidLevel = keyof typeof DIGID_LEVEL;

/** Lowest to highest. */
export const DIGID_LEVELS: readonly DigidLevel[] = ['basis', 'midden', 'substantieel', 'hoog'];

const TO_LOA: Record<DigidLevel, LoA | null> = {
  basis: null,
  midden: LOA.low,
  substantieel: LOA.substantial,
  hoog: LOA.high,
};

export function digidLevelOf(classRef: string): DigidLevel | null {
  return DIGID_LEVELS.find((l) => DIGID_LEVEL[l] === classRef) ?? null;
}

/** The eIDAS level a DigiD level delivers; null for basis, which is below every eIDAS level. */
export function loaOfDigidLevel(level: DigidLevel): LoA | null {
  return TO_LOA[level];
}

/** The lowest DigiD level that reaches this eIDAS level: what an AuthnRequest asks for as minimum. */
export function digidLevelFor(minimum: LoA): DigidLevel {
  return DIGID_LEVELS.find((l) => TO_LOA[l] === minimum)!;
}
