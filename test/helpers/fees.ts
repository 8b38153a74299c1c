// What the fee tests share: a tariff with known amounts, a period some months back, and moving
// registrations into it (the register stamps them with now; an invoice is only made for a period
// that has ended, so the tests put their registrations in one that has).
import type { Queryable } from '../../src/db/database.ts';
import { periodOfDate, type Period } from '../../src/register/fee-periods.ts';
import { parseTariff, type Tariff } from '../../src/register/tariff.ts';

export const ABONNEE_FEE = 25500;
export const EMPLOYMENT_FEE = 8500;

export const TEST_TARIFF: Tariff = parseTariff(
  {
    issuer: 'Dezi-register (test)',
    invoicePeriod: 'month',
    paymentTermDays: 30,
    reminderIntervalDays: 14,
    fees: [
      { item: 'abonnee-registration', amountCents: ABONNEE_FEE, validFrom: '2000-01-01', validUntil: null },
      {
        item: 'employment-registration',
        amountCents: EMPLOYMENT_FEE,
        validFrom: '2000-01-01',
        validUntil: null,
      },
    ],
  },
  'test tariff',
);

/** The calendar month `monthsAgo` months before today's (UTC calendar; a month boundary is far off). */
export function monthsAgo(monthsAgo: number): Period {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsAgo, 15));
  return periodOfDate(d.toISOString().slice(0, 10), 'month');
}

/** Noon (UTC) on a day of the period: well inside it in Dutch time too. */
export function inside(period: Period, day = 15): Date {
  return new Date(`${period.start.slice(0, 8)}${String(day).padStart(2, '0')}T12:00:00Z`);
}

/** The first moment of the day after the period ends, plus `days`: a clock for a run after it. */
export function after(period: Period, days = 1): number {
  return period.endsAt.getTime() + days * 86_400_000 + 12 * 3600_000;
}

/** Moves an abonnee's registration, and its employments' (or only the given ones), to `at`. */
export async function backdate(
  db: Queryable,
  abonneeNummer: string,
  at: Date,
  o: { employments?: string[]; abonnee?: boolean } = {},
): Promise<void> {
  if (o.abonnee ?? true)
    await db.query('UPDATE abonnees SET created_at = $2 WHERE abonnee_nummer = $1', [
      abonneeNummer,
      at.toISOString(),
    ]);
  await db.query(
    `UPDATE employments e SET created_at = $2 FROM abonnees a
     WHERE a.id = e.abonnee_id AND a.abonnee_nummer = $1 AND ($3::uuid[] IS NULL OR e.id = ANY($3::uuid[]))`,
    [abonneeNummer, at.toISOString(), o.employments ?? null],
  );
}
