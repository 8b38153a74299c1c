// The codes of the consent model: data categories (with their order), provider categories, the
// facility types that map onto them (a data file, data/mitz-zorgaanbiedertypen.csv, so that a new
// type is a line there and not a change here) and the situations of the dossierhouders- and
// raadplegersknop. Code systems as Mitz names them in XACML (OIDs) and FHIR (URIs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang } from '../web/i18n.ts';

export const OID = {
  bsn: '2.16.840.1.113883.2.4.6.3',
  ura: '2.16.528.1.1007.3.3',
  /** UZI-nummer or Dezi-nummer of a professional. */
  professional: '2.16.528.1.1007.3.1',
  facilityType: '2.16.840.1.113883.2.4.15.1060',
  gegevenscategorie: '2.16.840.1.113883.2.4.3.111.5.10.1',
  roleCode: '2.16.840.1.113883.2.4.15.111',
  purposeOfUse: '2.16.840.1.113883.1.11.20448',
} as const;

export const FHIR_SYSTEM = {
  gegevenscategorie: 'http://fhir.nl/otv/CodeSystem/gegevenscategorie',
  raadplegendeCategorie: 'http://fhir.nl/otv/CodeSystem/raadplegende-zorgaanbiedercategorie',
  bsn: 'http://fhir.nl/fhir/NamingSystem/bsn',
  ura: 'http://fhir.nl/fhir/NamingSystem/ura',
  organizationType: 'http://nictiz.nl/fhir/NamingSystem/organization-type',
} as const;

type Label = Record<Lang, string>;

/**
 * Data categories, highest first: consent for a category also permits every lower one, and a "no"
 * for a category also refuses every higher one (which holds the lower).
 */
export const GEGEVENSCATEGORIEEN = {
  GGC002: { level: 3, label: { nl: 'Behandelgegevens', en: 'Treatment data' } },
  GGC012: { level: 2, label: { nl: 'Uitslagen', en: 'Test results' } },
  GGC013: { level: 1, label: { nl: 'Medicatiegegevens', en: 'Medication data' } },
} as const satisfies Record<string, { level: number; label: Label }>;
export type Gegevenscategorie = keyof typeof GEGEVENSCATEGORIEEN;
export const GEGEVENSCATEGORIE_CODES = Object.keys(GEGEVENSCATEGORIEEN) as Gegevenscategorie[];

export const ZORGAANBIEDERCATEGORIEEN = {
  RPZAC001: { nl: 'Huisartsen en huisartsenposten', en: 'GPs and out-of-hours GP services' },
  RPZAC003: { nl: 'Geestelijke gezondheidszorg (GGZ)', en: 'Mental health care' },
  RPZAC004: { nl: 'Verpleging en verzorging', en: 'Nursing and care' },
  RPZAC005: { nl: 'Apotheken', en: 'Pharmacies' },
  RPZAC103: {
    nl: 'Overige zorg (tandartsen, paramedici, jeugdgezondheidszorg)',
    en: 'Other care (dentists, allied health professionals, youth health care)',
  },
  RPZAC104: {
    nl: 'Ziekenhuizen, medische centra, klinieken, laboratoria en diagnostische centra',
    en: 'Hospitals, medical centres, clinics, laboratories and diagnostic centres',
  },
  RPZAC200: {
    nl: 'Zorgaanbieders in de Europese Unie buiten Nederland',
    en: 'Care providers in the European Union outside the Netherlands',
  },
} as const satisfies Record<string, Label>;
export type Zorgaanbiedercategorie = keyof typeof ZORGAANBIEDERCATEGORIEEN;
export const CATEGORIE_CODES = Object.keys(ZORGAANBIEDERCATEGORIEEN) as Zorgaanbiedercategorie[];

/** A choice's provider side: one category, or every category. */
export const ALL = '*';
export type CategoryOrAll = Zorgaanbiedercategorie | typeof ALL;

export const isGegevenscategorie = (v: unknown): v is Gegevenscategorie =>
  typeof v === 'string' && Object.hasOwn(GEGEVENSCATEGORIEEN, v);
export const isCategorie = (v: unknown): v is Zorgaanbiedercategorie =>
  typeof v === 'string' && Object.hasOwn(ZORGAANBIEDERCATEGORIEEN, v);

export interface FacilityType {
  code: string;
  naam: string;
  categorie: Zorgaanbiedercategorie;
}

/** Reads the facility-type table; a line naming an unknown category is an error at start. */
export function loadFacilityTypes(
  file = join(import.meta.dirname, '..', '..', 'data', 'mitz-zorgaanbiedertypen.csv'),
): Map<string, FacilityType> {
  const [header, ...lines] = readFileSync(file, 'utf8').split(/\r?\n/).filter(Boolean);
  if (header !== 'code,naam,categorie') throw new Error(`${file}: expected the header code,naam,categorie`);
  const table = new Map<string, FacilityType>();
  for (const line of lines) {
    const [code, naam, categorie] = line.split(',').map((s) => s.trim());
    if (!code || !naam || !isCategorie(categorie)) throw new Error(`${file}: cannot read the line "${line}"`);
    table.set(code, { code, naam, categorie });
  }
  return table;
}

export const FACILITY_TYPES = loadFacilityTypes();

/** The provider category of a facility type code, or null when the table does not know it. */
export function categoryOfFacility(code: string): Zorgaanbiedercategorie | null {
  return FACILITY_TYPES.get(code)?.categorie ?? null;
}

/** Purposes of use: TREAT asks for explicit consent; COC may rely on assumed consent. */
export const PURPOSES = ['TREAT', 'COC'] as const;
export type Purpose = (typeof PURPOSES)[number];

/**
 * The situations in which a care provider records, in the consulting room, the choice the citizen
 * made there. Each fixes the question put to the citizen and the choice it records.
 */
export const SITUATIES = {
  SIT001: {
    gegevenscategorie: 'GGC002',
    dossierhouder: 'RPZAC001',
    raadpleger: 'RPZAC001',
    vraag: {
      nl: 'Mogen huisartsen en huisartsenposten die u behandelen uw medische gegevens bij uw huisarts inzien?',
      en: 'May GPs and out-of-hours GP services that treat you see your medical data held by your GP?',
    },
  },
  SIT002: {
    gegevenscategorie: 'GGC002',
    dossierhouder: 'RPZAC104',
    raadpleger: 'RPZAC104',
    vraag: {
      nl: 'Mogen ziekenhuizen die u behandelen uw medische gegevens bij dit ziekenhuis inzien?',
      en: 'May hospitals that treat you see your medical data held by this hospital?',
    },
  },
} as const satisfies Record<
  string,
  {
    gegevenscategorie: Gegevenscategorie;
    dossierhouder: Zorgaanbiedercategorie;
    raadpleger: Zorgaanbiedercategorie;
    vraag: Label;
  }
>;
export type Situatie = keyof typeof SITUATIES;
export const isSituatie = (v: unknown): v is Situatie => typeof v === 'string' && Object.hasOwn(SITUATIES, v);
