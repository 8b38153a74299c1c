// The notification a subscriber receives: a FHIR transaction Bundle (profile Consent-Mitz-Notify)
// that says, per data category, for which consulting provider categories the citizen's choices
// permit the subscriber's data to be consulted (a Consent with status active) and for which they
// refuse it (status inactive), with the Patient (BSN) and the subscriber's Organization (URA, type).
// Pure: built at delivery time from the choices as they stand then, by the same decide() the closed
// question uses, for purpose TREAT. A category the choices say nothing about (NotApplicable) is left
// out; with no choice at all the Bundle holds only the Patient and the Organization.
import { randomUUID } from 'node:crypto';
import {
  CATEGORIE_CODES,
  FHIR_SYSTEM,
  GEGEVENSCATEGORIE_CODES,
  GEGEVENSCATEGORIEEN,
  ZORGAANBIEDERCATEGORIEEN,
  type Gegevenscategorie,
  type Zorgaanbiedercategorie,
} from './codes.ts';
import { decide, type Choice } from './decision.ts';
import { narrative, type FhirJson } from './fhir.ts';

export const NOTIFY_PROFILE = 'http://vzvz.nl/fhir/StructureDefinition/Consent-Mitz-Notify|3.8.0';
export const OTV_PROVIDER_CATEGORY = 'http://fhir.nl/StructureDefinition/OTV-ProviderCategory';
/** The code-system version Mitz's codings carry. */
const CODE_VERSION = '3960100';

export interface NotificationInput {
  /** The BSN's digits: the one place they leave Mitz. */
  bsn: string;
  ura: string;
  providerType: string;
  /** The subscriber's provider category (of its facility type): the dossierhouder of the question. */
  dossierhouder: Zorgaanbiedercategorie;
  choices: readonly (Choice & { recordedAt: Date })[];
  /** When the message is made (a Consent's dateTime when no choice decides it; tests fix it). */
  now?: Date;
  newId?: () => string;
}

interface Verdicts {
  permitted: Zorgaanbiedercategorie[];
  denied: Zorgaanbiedercategorie[];
  /** The latest change among the choices that decided this category's answers. */
  permittedAt: Date | null;
  deniedAt: Date | null;
}

function verdicts(input: NotificationInput, gegevenscategorie: Gegevenscategorie): Verdicts {
  const v: Verdicts = { permitted: [], denied: [], permittedAt: null, deniedAt: null };
  const later = (a: Date | null, b: Date) => (a && a > b ? a : b);
  for (const raadpleger of CATEGORIE_CODES) {
    const { decision, decisive } = decide(input.choices, {
      gegevenscategorie,
      dossierhouder: input.dossierhouder,
      raadpleger,
      purpose: 'TREAT',
    });
    const at = decisive.reduce<Date | null>(
      (acc, c) => later(acc, (c as Choice & { recordedAt: Date }).recordedAt),
      null,
    );
    if (decision === 'Permit') {
      v.permitted.push(raadpleger);
      if (at) v.permittedAt = later(v.permittedAt, at);
    } else if (decision === 'Deny') {
      v.denied.push(raadpleger);
      if (at) v.deniedAt = later(v.deniedAt, at);
    }
  }
  return v;
}

function text(
  permit: boolean,
  gegevenscategorie: Gegevenscategorie,
  categories: Zorgaanbiedercategorie[],
): string {
  const data = GEGEVENSCATEGORIEEN[gegevenscategorie].label.nl;
  const who = categories.map((c) => ZORGAANBIEDERCATEGORIEEN[c].nl).join('; ');
  return permit
    ? `Toestemming: ${data.toLowerCase()} bij deze zorgaanbieder mogen worden ingezien door zorgverleners van: ${who}.`
    : `Geen toestemming: ${data.toLowerCase()} bij deze zorgaanbieder mogen niet worden ingezien door zorgverleners van: ${who}.`;
}

function consent(o: {
  id: string;
  permit: boolean;
  gegevenscategorie: Gegevenscategorie;
  categories: Zorgaanbiedercategorie[];
  at: Date;
  patientRef: string;
  organizationRef: string;
}): FhirJson {
  const provision: FhirJson = {
    ...(o.permit ? { type: 'permit' } : {}),
    actor: [
      {
        role: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'CST' }],
        },
        reference: { reference: o.organizationRef },
      },
    ],
    purpose: [{ system: 'http://hl7.org/fhir/v3/ActReason', code: 'TREAT' }],
  };
  return {
    resourceType: 'Consent',
    id: o.id,
    meta: { profile: [NOTIFY_PROFILE] },
    text: narrative(text(o.permit, o.gegevenscategorie, o.categories)),
    extension: o.categories.map((c) => ({
      url: OTV_PROVIDER_CATEGORY,
      valueCodeableConcept: {
        coding: [
          {
            system: FHIR_SYSTEM.raadplegendeCategorie,
            version: CODE_VERSION,
            code: c,
            display: ZORGAANBIEDERCATEGORIEEN[c].nl,
          },
        ],
      },
    })),
    status: o.permit ? 'active' : 'inactive',
    scope: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/consentscope',
          version: CODE_VERSION,
          code: 'patient-privacy',
        },
      ],
    },
    category: [
      {
        coding: [
          {
            system: FHIR_SYSTEM.gegevenscategorie,
            version: CODE_VERSION,
            code: o.gegevenscategorie,
            display: GEGEVENSCATEGORIEEN[o.gegevenscategorie].label.nl,
          },
        ],
      },
    ],
    patient: { reference: o.patientRef },
    dateTime: o.at.toISOString(),
    provision,
  };
}

const entry = (id: string, resource: FhirJson): FhirJson => ({
  fullUrl: `urn:uuid:${id}`,
  resource,
  request: { method: 'POST', url: String(resource.resourceType) },
});

export function notificationBundle(input: NotificationInput): FhirJson {
  const newId = input.newId ?? randomUUID;
  const now = input.now ?? new Date();
  const patientId = newId();
  const organizationId = newId();
  const refs = { patientRef: `urn:uuid:${patientId}`, organizationRef: `urn:uuid:${organizationId}` };
  const entries: FhirJson[] = [];
  for (const gegevenscategorie of GEGEVENSCATEGORIE_CODES) {
    const v = verdicts(input, gegevenscategorie);
    for (const [permit, categories, at] of [
      [true, v.permitted, v.permittedAt],
      [false, v.denied, v.deniedAt],
    ] as const) {
      if (categories.length === 0) continue;
      const id = newId();
      entries.push(entry(id, consent({ id, permit, gegevenscategorie, categories, at: at ?? now, ...refs })));
    }
  }
  entries.push(
    entry(patientId, {
      resourceType: 'Patient',
      id: patientId,
      identifier: [{ system: FHIR_SYSTEM.bsn, value: input.bsn }],
    }),
    entry(organizationId, {
      resourceType: 'Organization',
      id: organizationId,
      identifier: [{ system: FHIR_SYSTEM.ura, value: input.ura }],
      type: [
        {
          coding: [{ system: FHIR_SYSTEM.organizationType, version: CODE_VERSION, code: input.providerType }],
        },
      ],
    }),
  );
  return { resourceType: 'Bundle', id: newId(), type: 'transaction', entry: entries };
}
