// Mitz's test citizens: choices already made, one citizen per answer of the closed question, so that
// a vendor can ask it for each outcome right away (the proeftuin page lists them, with a curl example).
import type { MitzSeedCitizen } from '../mitz/module.ts';

export interface MitzTestCitizen extends MitzSeedCitizen {
  note: { nl: string; en: string };
  /** The answer to the example question (a GP's behandelgegevens asked by a GP, purpose TREAT). */
  answer: 'Permit' | 'Deny' | 'NotApplicable';
}

export const MITZ_TEST_CITIZENS: MitzTestCitizen[] = [
  {
    bsn: '999992004',
    note: { nl: 'ja aan iedereen, voor alle gegevens', en: 'yes to everyone, for all data' },
    answer: 'Permit',
    choices: [{ gegevenscategorie: 'GGC002', dossierhouder: '*', raadpleger: '*', permit: true }],
  },
  {
    bsn: '999992016',
    note: { nl: 'nee aan iedereen', en: 'no to everyone' },
    answer: 'Deny',
    choices: [{ gegevenscategorie: 'GGC013', dossierhouder: '*', raadpleger: '*', permit: false }],
  },
  {
    bsn: '999992028',
    note: { nl: 'nog geen keuze gemaakt', en: 'no choice made yet' },
    answer: 'NotApplicable',
    choices: [],
  },
  {
    bsn: '999992041',
    note: {
      nl: 'ja aan iedereen, maar nee aan apotheken',
      en: 'yes to everyone, but no to pharmacies',
    },
    answer: 'Permit',
    choices: [
      { gegevenscategorie: 'GGC002', dossierhouder: '*', raadpleger: '*', permit: true },
      { gegevenscategorie: 'GGC002', dossierhouder: '*', raadpleger: 'RPZAC005', permit: false },
    ],
  },
];
