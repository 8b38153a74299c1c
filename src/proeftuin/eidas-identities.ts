// The eIDAS node stand-in's test identities: people from two other member states, as their national
// eIDs would name them to the Dutch connector. Invented; they belong to no real person. One is linked
// to a proeftuin person at start (a vendor logs in with it at once); the others are not, to show the
// page on linking and to link in Mijn Dezi.
import { EIDAS_MEANS_ID } from '../means/eidas/eidas.ts';
import { LOA, type LoA } from '../means/loa.ts';
import type { Register } from '../register/register.ts';
import { SEED_PERSONS } from './seed-data.ts';

export interface EidasTestIdentity {
  /** The form field's value. */
  key: string;
  country: 'DE' | 'BE';
  personIdentifier: string;
  firstName: string;
  familyName: string;
  dateOfBirth: string;
  /** The level the person's eID reaches. */
  loa: LoA;
  /** The proeftuin person it is linked to at start, by Dezi-nummer. */
  linkedTo?: string;
}

export const EIDAS_COUNTRIES = ['DE', 'BE'] as const;

const smit = SEED_PERSONS.find((p) => p.achternaam === 'Smit')!;

export const EIDAS_TEST_IDENTITIES: EidasTestIdentity[] = [
  {
    key: 'de-schmidt',
    country: 'DE',
    personIdentifier: 'DE/NL/8f3c2a71d9e04b5a6c1e',
    firstName: 'Klara',
    familyName: 'Schmidt',
    dateOfBirth: '1979-04-12',
    loa: LOA.high,
    linkedTo: smit.deziNummer,
  },
  {
    key: 'de-weber',
    country: 'DE',
    personIdentifier: 'DE/NL/2b6e91c4a0f7d358e4a9',
    firstName: 'Jonas',
    familyName: 'Weber',
    dateOfBirth: '1985-11-03',
    loa: LOA.substantial,
  },
  {
    key: 'be-peeters',
    country: 'BE',
    personIdentifier: 'BE/NL/93051822361',
    firstName: 'Lotte',
    familyName: 'Peeters',
    dateOfBirth: '1993-05-18',
    loa: LOA.high,
  },
  {
    key: 'be-maes',
    country: 'BE',
    personIdentifier: 'BE/NL/87120433598',
    firstName: 'Thomas',
    familyName: 'Maes',
    dateOfBirth: '1987-12-04',
    loa: LOA.substantial,
  },
];

/** Links the identities that say so to their proeftuin person (again at every start: idempotent). */
export async function linkEidasTestIdentities(register: Register): Promise<void> {
  for (const i of EIDAS_TEST_IDENTITIES) {
    if (!i.linkedTo) continue;
    const p = await register.findPersonByDeziNummer(i.linkedTo);
    if (p) await register.linkMeans(p.id, EIDAS_MEANS_ID, i.personIdentifier);
  }
}
