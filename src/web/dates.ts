// Dates as a person reads them: "1 januari 2027" on a Dutch page, "1 January 2027" on an English one.
// Register dates are calendar dates (YYYY-MM-DD) in the Netherlands: formatted as such, never shifted
// by the server's time zone.
import { amsterdamDate } from '../time.ts';
import type { Lang } from './i18n.ts';

const FORMATS: Record<Lang, Intl.DateTimeFormat> = {
  nl: new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
  en: new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
};

/** A calendar date (YYYY-MM-DD) in words; anything else as it is. */
export function formatDate(lang: Lang, date: string): string {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(date)) return date;
  const at = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(at.getTime()) ? date : FORMATS[lang].format(at);
}

/** The calendar date in the Netherlands of an instant, in words. */
export function formatDay(lang: Lang, at: Date): string {
  const { year, month, day } = amsterdamDate(at.getTime());
  return formatDate(lang, `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
}
