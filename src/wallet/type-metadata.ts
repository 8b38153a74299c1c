// The Dezi-verklaring's SD-JWT VC type metadata (SD-JWT VC §6): what a wallet shows, in Dutch and
// English, for the credential and each claim, and which claims are selectively disclosable (the same
// list the issuer uses, so that the two cannot disagree).
import { DISCLOSABLE, type VerklaringClaims } from './credential.ts';

/** Where this Dezi serves the type metadata; the default `vct` is this URL on the issuer. */
export const TYPE_METADATA_PATH = '/wallet/vct/dezi-verklaring';

const LABELS: Record<keyof VerklaringClaims, { nl: string; en: string }> = {
  dezi_nummer: { nl: 'Dezi-nummer', en: 'Dezi number' },
  loa_dezi: { nl: 'Betrouwbaarheidsniveau', en: 'Level of assurance' },
  verklaring_id: { nl: 'Kenmerk van de verklaring', en: 'Declaration identifier' },
  voorletters: { nl: 'Voorletters', en: 'Initials' },
  voorvoegsel: { nl: 'Voorvoegsel', en: 'Surname prefix' },
  achternaam: { nl: 'Achternaam', en: 'Surname' },
  abonnee_nummer: { nl: 'Abonneenummer', en: 'Subscriber number' },
  abonnee_naam: { nl: 'Zorgaanbieder', en: 'Care provider' },
  rol_code: { nl: 'Rolcode', en: 'Role code' },
  rol_naam: { nl: 'Rol', en: 'Role' },
  rol_code_bron: { nl: 'Bron van de rol', en: 'Source of the role' },
};

export function typeMetadata(vct: string): Record<string, unknown> {
  const disclosable = new Set<string>(DISCLOSABLE);
  return {
    vct,
    name: 'Dezi-verklaring',
    description:
      "A care professional's Dezi-verklaring: who (Dezi-nummer), where (abonnee) and in which role, issued by the Dezi-register",
    display: [
      {
        locale: 'nl-NL',
        name: 'Dezi-verklaring',
        description:
          'Uw zorgidentiteit: wie u bent (Dezi-nummer), waar u werkt (zorgaanbieder) en in welke rol, uitgegeven door het Dezi-register.',
        rendering: { simple: { background_color: '#154273', text_color: '#ffffff' } },
      },
      {
        locale: 'en-US',
        name: 'Dezi declaration',
        description:
          'Your care identity: who you are (Dezi number), where you work (care provider) and in which role, issued by the Dezi register.',
        rendering: { simple: { background_color: '#154273', text_color: '#ffffff' } },
      },
    ],
    claims: Object.entries(LABELS).map(([name, label]) => ({
      path: [name],
      display: [
        { locale: 'nl-NL', label: label.nl },
        { locale: 'en-US', label: label.en },
      ],
      sd: disclosable.has(name) ? 'always' : 'never',
    })),
  };
}
