// The tariff table of the registration fees (vergoeding): configuration, not data, because the
// amounts are set by whoever runs the register and are not public (DEZI_TARIFF_FILE; the proeftuin's
// example is data/proeftuin-tarieven.json). Each fee has an amount in euro cents and the dates it is
// valid; an invoice keeps the amounts it was made with, so changing the file never rewrites one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeziError } from '../errors.ts';

/** What a fee is charged for (docs/operations.md#fees states the rule). */
export const FEE_ITEMS = ['abonnee-registration', 'employment-registration'] as const;
export type FeeItem = (typeof FEE_ITEMS)[number];

export const INVOICE_PERIODS = ['month', 'quarter'] as const;
export type InvoicePeriodKind = (typeof INVOICE_PERIODS)[number];

export interface TariffEntry {
  item: FeeItem;
  amountCents: number;
  /** The first day the amount applies (YYYY-MM-DD). */
  validFrom: string;
  /** The first day it no longer applies; null: until further notice. */
  validUntil: string | null;
}

export interface Tariff {
  /** Where it was read from, for messages. */
  source: string;
  /** Who the invoices are from, as the invoice page names it. */
  issuer: string;
  invoicePeriod: InvoicePeriodKind;
  /** Days from an invoice's date to its due date. */
  paymentTermDays: number;
  /** Days between two reminders of one unpaid invoice. */
  reminderIntervalDays: number;
  fees: TariffEntry[];
}

/** The proeftuin's example tariff, used when DEZI_TARIFF_FILE names none. */
export const PROEFTUIN_TARIFF_FILE = join(import.meta.dirname, '..', '..', 'data', 'proeftuin-tarieven.json');

/** The tariff file is unreadable or wrong; the message names the file and what is wrong in it. */
export class TariffError extends DeziError {
  override name = 'TariffError';
}

const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const TOP_KEYS = new Set([
  'description',
  'issuer',
  'invoicePeriod',
  'paymentTermDays',
  'reminderIntervalDays',
  'fees',
]);
const FEE_KEYS = new Set(['item', 'amountCents', 'validFrom', 'validUntil', 'description']);
/** No fee of a register is this high; a larger number is a mistake (euros typed as cents times 100). */
const MAX_AMOUNT_CENTS = 100_000_000;

function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const t = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === value;
}

function wholeDays(fail: (m: string) => never, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 365)
    fail(`${name} must be a whole number of days from 1 to 365`);
  return value as number;
}

/** Checks a parsed tariff file; throws TariffError naming the first problem. */
export function parseTariff(value: unknown, source: string): Tariff {
  const fail = (message: string): never => {
    throw new TariffError(`tariff file ${source}: ${message}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('must hold one JSON object');
  const o = value as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!TOP_KEYS.has(key)) fail(`unknown key "${key}"`);
  const invoicePeriod = o.invoicePeriod ?? 'month';
  if (!INVOICE_PERIODS.includes(invoicePeriod as InvoicePeriodKind))
    fail(`invoicePeriod must be "month" or "quarter", got ${JSON.stringify(invoicePeriod)}`);
  const issuer = o.issuer ?? 'Dezi-register';
  if (typeof issuer !== 'string' || issuer.trim() === '' || issuer.length > 200)
    fail('issuer must be a name of at most 200 characters');
  if (!Array.isArray(o.fees) || o.fees.length === 0) fail('fees must be a list of at least one fee');
  const fees = (o.fees as unknown[]).map((f, i): TariffEntry => {
    const at = `fees[${i}]`;
    if (typeof f !== 'object' || f === null || Array.isArray(f)) fail(`${at} must be an object`);
    const e = f as Record<string, unknown>;
    for (const key of Object.keys(e)) if (!FEE_KEYS.has(key)) fail(`${at} has an unknown key "${key}"`);
    if (!FEE_ITEMS.includes(e.item as FeeItem))
      fail(`${at}.item must be one of ${FEE_ITEMS.join(', ')}, got ${JSON.stringify(e.item)}`);
    if (!Number.isInteger(e.amountCents) || (e.amountCents as number) < 0)
      fail(`${at}.amountCents must be a whole number of euro cents, 0 or more (€255 is 25500)`);
    if ((e.amountCents as number) > MAX_AMOUNT_CENTS)
      fail(`${at}.amountCents is more than €1,000,000: amounts are in euro cents`);
    if (!isCalendarDate(e.validFrom)) fail(`${at}.validFrom must be a date YYYY-MM-DD`);
    const until = e.validUntil ?? null;
    if (until !== null && !isCalendarDate(until)) fail(`${at}.validUntil must be a date YYYY-MM-DD or null`);
    if (until !== null && (until as string) <= (e.validFrom as string))
      fail(`${at}.validUntil must lie after validFrom (it is the first day the fee no longer applies)`);
    return {
      item: e.item as FeeItem,
      amountCents: e.amountCents as number,
      validFrom: e.validFrom as string,
      validUntil: until as string | null,
    };
  });
  // Two amounts for one item on one day would make the charge ambiguous.
  for (let i = 0; i < fees.length; i++)
    for (let j = i + 1; j < fees.length; j++) {
      const [a, b] = [fees[i]!, fees[j]!];
      if (a.item !== b.item) continue;
      const overlap =
        (a.validUntil === null || b.validFrom < a.validUntil) &&
        (b.validUntil === null || a.validFrom < b.validUntil);
      if (overlap) fail(`fees[${i}] and fees[${j}] are both valid for ${a.item} on ${later(a, b)}`);
    }
  return {
    source,
    issuer: (issuer as string).trim(),
    invoicePeriod: invoicePeriod as InvoicePeriodKind,
    paymentTermDays: wholeDays(fail, 'paymentTermDays', o.paymentTermDays, 30),
    reminderIntervalDays: wholeDays(fail, 'reminderIntervalDays', o.reminderIntervalDays, 14),
    fees,
  };
}

const later = (a: TariffEntry, b: TariffEntry) => (a.validFrom > b.validFrom ? a.validFrom : b.validFrom);

export function loadTariffFile(path: string): Tariff {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TariffError(`tariff file ${path}: cannot read it (${(err as NodeJS.ErrnoException).code})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new TariffError(`tariff file ${path}: not valid JSON (${(err as Error).message})`);
  }
  return parseTariff(parsed, path);
}

/** The fee for an item on a date (YYYY-MM-DD), or null when none is valid that day. */
export function feeOn(tariff: Tariff, item: FeeItem, date: string): TariffEntry | null {
  return (
    tariff.fees.find(
      (f) => f.item === item && f.validFrom <= date && (f.validUntil === null || date < f.validUntil),
    ) ?? null
  );
}

/**
 * The tariff a deployment uses: the one configured (DEZI_TARIFF_FILE, read and checked by
 * loadConfig), else in the proeftuin its example, else none (no fees are computed or invoiced).
 */
export function tariffFor(config: {
  mode: 'proeftuin' | 'production';
  tariff?: Tariff | null;
}): Tariff | null {
  if (config.tariff !== undefined) return config.tariff;
  return config.mode === 'proeftuin' ? loadTariffFile(PROEFTUIN_TARIFF_FILE) : null;
}
