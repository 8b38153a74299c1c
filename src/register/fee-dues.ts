// What is due: the registrations of a period that no invoice charges for yet, each priced by the fee
// valid on the day it was registered. The rule (docs/operations.md#fees):
//   - abonnee-registration: once per abonnee, in the period it was added to the register;
//   - employment-registration: once per employment (koppeling), in the period it was registered,
//     whatever its start date; employments carried over from the UZI-register by the import are not
//     charged (the pass fee paid there covers them).
// A registration on a day no fee is valid for is not charged; the run reports how many there were.
import type { Queryable } from '../db/database.ts';
import type { Period } from './fee-periods.ts';
import { dutchDate } from './fee-periods.ts';
import { feeOn, type FeeItem, type Tariff } from './tariff.ts';

export interface DueLine {
  abonneeId: string;
  abonneeNummer: string;
  abonneeNaam: string;
  item: FeeItem;
  /** The abonnee (abonnee-registration) or employment (employment-registration) charged for. */
  subjectId: string;
  /** The day it was registered, in the Netherlands. */
  eventDate: string;
  deziNummer: string | null;
  personName: string | null;
  rolCode: string | null;
  amountCents: number;
}

export interface Dues {
  lines: DueLine[];
  /** Registrations in the period on a day no fee is valid for (not charged). */
  unpriced: number;
}

interface EventRow {
  item: FeeItem;
  subject_id: string;
  abonnee_id: string;
  abonnee_nummer: string;
  abonnee_naam: string;
  registered_at: Date;
  dezi_nummer: string | null;
  voorletters: string | null;
  voorvoegsel: string | null;
  achternaam: string | null;
  rol_code: string | null;
}

// Registrations in [start, end) that no invoice line names yet, oldest first.
const EVENTS = `
  SELECT 'abonnee-registration' AS item, a.id AS subject_id, a.id AS abonnee_id, a.abonnee_nummer,
         a.naam AS abonnee_naam, a.created_at AS registered_at, NULL AS dezi_nummer, NULL AS voorletters,
         NULL AS voorvoegsel, NULL AS achternaam, NULL AS rol_code
  FROM abonnees a
  WHERE a.created_at >= $1 AND a.created_at < $2 AND ($3::uuid IS NULL OR a.id = $3)
    AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.item = 'abonnee-registration' AND l.subject_id = a.id)
  UNION ALL
  SELECT 'employment-registration', e.id, a.id, a.abonnee_nummer, a.naam, e.created_at, p.dezi_nummer,
         p.voorletters, p.voorvoegsel, p.achternaam, e.rol_code
  FROM employments e JOIN abonnees a ON a.id = e.abonnee_id JOIN persons p ON p.id = e.person_id
  WHERE e.created_at >= $1 AND e.created_at < $2 AND ($3::uuid IS NULL OR a.id = $3)
    AND e.import_key IS NULL
    AND NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.item = 'employment-registration' AND l.subject_id = e.id)
  ORDER BY registered_at, subject_id`;

/** The period's registrations not invoiced yet, priced; of one abonnee, or of all. */
export async function duesOf(
  q: Queryable,
  tariff: Tariff,
  period: Period,
  abonneeId: string | null = null,
): Promise<Dues> {
  const rows = await q.query<EventRow>(EVENTS, [
    period.startsAt.toISOString(),
    period.endsAt.toISOString(),
    abonneeId,
  ]);
  const lines: DueLine[] = [];
  let unpriced = 0;
  for (const r of rows) {
    const eventDate = dutchDate(new Date(r.registered_at));
    const fee = feeOn(tariff, r.item, eventDate);
    // A fee of 0 charges nothing: no line, as for a day without a fee.
    if (!fee || fee.amountCents === 0) {
      unpriced += fee ? 0 : 1;
      continue;
    }
    lines.push({
      abonneeId: r.abonnee_id,
      abonneeNummer: r.abonnee_nummer,
      abonneeNaam: r.abonnee_naam,
      item: r.item,
      subjectId: r.subject_id,
      eventDate,
      deziNummer: r.dezi_nummer,
      personName: r.achternaam
        ? [r.voorletters, r.voorvoegsel, r.achternaam].filter(Boolean).join(' ')
        : null,
      rolCode: r.rol_code,
      amountCents: fee.amountCents,
    });
  }
  return { lines, unpriced };
}
