// Invoice periods: a calendar month ("2026-11") or quarter ("2026-Q4") in the Netherlands, with
// its first day and the first day after it, and the instants those days begin (Europe/Amsterdam),
// so that a registration at 23:30 on 31 October belongs to October whatever the server's zone.
import { amsterdamDate, amsterdamMidnightOf } from '../time.ts';
import { RegisterError } from './errors.ts';
import type { InvoicePeriodKind } from './tariff.ts';

export interface Period {
  /** "2026-11" or "2026-Q4". */
  label: string;
  kind: InvoicePeriodKind;
  /** The first day (YYYY-MM-DD). */
  start: string;
  /** The first day after the period. */
  end: string;
  /** 00:00 in the Netherlands on start and on end, as Dates. */
  startsAt: Date;
  endsAt: Date;
}

const pad = (n: number) => String(n).padStart(2, '0');
const firstOf = (year: number, month: number) =>
  month > 12 ? `${year + 1}-${pad(month - 12)}-01` : `${year}-${pad(month)}-01`;

function period(kind: InvoicePeriodKind, label: string, year: number, firstMonth: number): Period {
  const months = kind === 'month' ? 1 : 3;
  const start = firstOf(year, firstMonth);
  const end = firstOf(year, firstMonth + months);
  return {
    label,
    kind,
    start,
    end,
    startsAt: new Date(amsterdamMidnightOf(start)),
    endsAt: new Date(amsterdamMidnightOf(end)),
  };
}

/** A period as an operator types it; the tariff says whether periods are months or quarters. */
export function parsePeriod(text: string, kind: InvoicePeriodKind): Period {
  const month = /^([0-9]{4})-([0-9]{2})$/.exec(text);
  const quarter = /^([0-9]{4})-Q([1-4])$/.exec(text);
  if (kind === 'month') {
    if (quarter) throw new RegisterError(`invoices are made per month: give a month such as 2026-11`);
    const m = Number(month?.[2]);
    if (!month || m < 1 || m > 12) throw new RegisterError(`a period is a month YYYY-MM, got "${text}"`);
    return period('month', text, Number(month[1]), m);
  }
  if (month)
    throw new RegisterError(
      `invoices are made per quarter: give a quarter such as ${month[1]}-Q${Math.ceil(Number(month[2]) / 3) || 1}`,
    );
  if (!quarter) throw new RegisterError(`a period is a quarter YYYY-Qn, got "${text}"`);
  return period('quarter', text, Number(quarter[1]), (Number(quarter[2]) - 1) * 3 + 1);
}

/** The period a date (YYYY-MM-DD) falls in. */
export function periodOfDate(date: string, kind: InvoicePeriodKind): Period {
  const [year, month] = [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
  if (kind === 'month') return period('month', `${year}-${pad(month)}`, year, month);
  const q = Math.ceil(month / 3);
  return period('quarter', `${year}-Q${q}`, year, (q - 1) * 3 + 1);
}

/** The date in the Netherlands at an instant (YYYY-MM-DD). */
export function dutchDate(instant: number | Date): string {
  const { year, month, day } = amsterdamDate(typeof instant === 'number' ? instant : instant.getTime());
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** A date plus whole days (YYYY-MM-DD, calendar arithmetic). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
