// The proeftuin's test identities. Test BSNs from the 99999xxxx range, elfproef-valid; they belong
// to no real person. A vendor logs in as any of them through the DigiD stand-in.
import type { RoleSource } from '../register/roles.ts';

export interface SeedAbonnee {
  abonneeNummer: string;
  naam: string;
  kvk: string;
  agb: string | null;
}

export interface SeedEmployment {
  abonneeNummer: string;
  rolCode: string | null;
  rolCodeBron: RoleSource | null;
}

export interface SeedPerson {
  bsn: string;
  deziNummer: string;
  voorletters: string;
  voorvoegsel: string | null;
  achternaam: string;
  status: 'active' | 'suspended';
  note: { nl: string; en: string };
  employments: SeedEmployment[];
}

export const SEED_ABONNEES: SeedAbonnee[] = [
  { abonneeNummer: '90000111', naam: 'Huisartsenpraktijk De Linde', kvk: '59000111', agb: '01000111' },
  { abonneeNummer: '90000222', naam: 'Gezondheidscentrum Zuidwijk', kvk: '59000222', agb: '05000222' },
  { abonneeNummer: '90000333', naam: 'Wijkzorg Rivierenland', kvk: '59000333', agb: null },
  { abonneeNummer: '90000444', naam: 'Apotheek Het Plein', kvk: '59000444', agb: '06000444' },
  { abonneeNummer: '90000555', naam: 'Ambulancezorg Gelderland-Zuid', kvk: '59000555', agb: null },
  { abonneeNummer: '90000666', naam: 'Ziekenhuis Rivierenland', kvk: '59000666', agb: '06600666' },
  { abonneeNummer: '90000777', naam: 'Tandartspraktijk Mondzorg Centrum', kvk: '59000777', agb: '12000777' },
  { abonneeNummer: '90000888', naam: 'Zorggroep De Zonnehof', kvk: '59000888', agb: '07000888' },
];

const big = (abonneeNummer: string, rolCode: string): SeedEmployment => ({
  abonneeNummer,
  rolCode,
  rolCodeBron: 'big',
});

export const SEED_PERSONS: SeedPerson[] = [
  {
    bsn: '999990007',
    deziNummer: '900010001',
    voorletters: 'J.',
    voorvoegsel: null,
    achternaam: 'Jansen',
    status: 'active',
    note: { nl: 'huisarts, één werkgever', en: 'GP, one employer' },
    employments: [big('90000111', '01.015')],
  },
  {
    bsn: '999990019',
    deziNummer: '900010002',
    voorletters: 'F.',
    voorvoegsel: 'el',
    achternaam: 'Amrani',
    status: 'active',
    note: { nl: 'waarnemend huisarts, twee werkgevers', en: 'locum GP, two employers' },
    employments: [big('90000111', '01.015'), big('90000222', '01.015')],
  },
  {
    bsn: '999990020',
    deziNummer: '900010003',
    voorletters: 'S.M.',
    voorvoegsel: 'de',
    achternaam: 'Vries',
    status: 'active',
    note: { nl: 'wijkverpleegkundige', en: 'district nurse' },
    employments: [big('90000333', '30.000')],
  },
  {
    bsn: '999990032',
    deziNummer: '900010004',
    voorletters: 'P.',
    voorvoegsel: 'van den',
    achternaam: 'Berg',
    status: 'active',
    note: { nl: 'apotheker', en: 'pharmacist' },
    employments: [big('90000444', '17.000')],
  },
  {
    bsn: '999990044',
    deziNummer: '900010005',
    voorletters: 'A.',
    voorvoegsel: null,
    achternaam: 'Bakker',
    status: 'active',
    note: {
      nl: 'VIG-er: rol op verklaring van de abonnee, geen BIG-beroep',
      en: 'VIG: role declared by the abonnee, not a BIG profession',
    },
    employments: [{ abonneeNummer: '90000333', rolCode: '86.000', rolCodeBron: 'abonnee' }],
  },
  {
    bsn: '999990056',
    deziNummer: '900010006',
    voorletters: 'M.',
    voorvoegsel: null,
    achternaam: 'Yılmaz',
    status: 'active',
    note: {
      nl: 'ambulance- en ziekenhuisverpleegkundige, twee werkgevers',
      en: 'ambulance and hospital nurse, two employers',
    },
    employments: [big('90000555', '30.000'), big('90000666', '30.000')],
  },
  {
    bsn: '999990068',
    deziNummer: '900010007',
    voorletters: 'L.',
    voorvoegsel: null,
    achternaam: 'Visser',
    status: 'active',
    note: { nl: 'medisch secretaresse: geen rolcode', en: 'medical secretary: no role code' },
    employments: [{ abonneeNummer: '90000666', rolCode: null, rolCodeBron: null }],
  },
  {
    bsn: '999990081',
    deziNummer: '900010008',
    voorletters: 'D.',
    voorvoegsel: null,
    achternaam: 'Smit',
    status: 'active',
    note: { nl: 'fysiotherapeut', en: 'physiotherapist' },
    employments: [big('90000222', '04.000')],
  },
  {
    bsn: '999990093',
    deziNummer: '900010009',
    voorletters: 'E.J.',
    voorvoegsel: null,
    achternaam: 'Mulder',
    status: 'active',
    note: {
      nl: 'mondhygiënist: rol op verklaring van de abonnee',
      en: 'dental hygienist: role declared by the abonnee',
    },
    employments: [{ abonneeNummer: '90000777', rolCode: '92.000', rolCodeBron: 'abonnee' }],
  },
  {
    bsn: '999990111',
    deziNummer: '900010010',
    voorletters: 'R.',
    voorvoegsel: 'de',
    achternaam: 'Jong',
    status: 'active',
    note: { nl: 'tandarts', en: 'dentist' },
    employments: [big('90000777', '02.000')],
  },
  {
    bsn: '999990123',
    deziNummer: '900010011',
    voorletters: 'N.',
    voorvoegsel: null,
    achternaam: 'Hendriks',
    status: 'active',
    note: {
      nl: 'specialist ouderengeneeskunde en arts, twee werkgevers',
      en: 'elderly-care physician and doctor, two employers',
    },
    employments: [big('90000888', '01.047'), big('90000666', '01.000')],
  },
  {
    bsn: '999990135',
    deziNummer: '900010012',
    voorletters: 'T.',
    voorvoegsel: null,
    achternaam: 'Bos',
    status: 'active',
    note: { nl: 'geregistreerd, maar nergens gekoppeld', en: 'registered, but linked to no employer' },
    employments: [],
  },
  {
    bsn: '999990147',
    deziNummer: '900010013',
    voorletters: 'K.',
    voorvoegsel: 'van',
    achternaam: 'Dijk',
    status: 'suspended',
    note: { nl: 'geschorst', en: 'suspended' },
    employments: [big('90000444', '17.000')],
  },
];

/** Passes the elfproef but is in no register: shows the "unknown person" page. */
export const UNKNOWN_TEST_BSN = '999990159';

/** Proeftuin administrators of an abonnee (the abonnee portal, the API with their access token). */
export const SEED_ADMINS = [{ deziNummer: '900010001', abonneeNummer: '90000111' }];
