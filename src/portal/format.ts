// How the portals write dates, moments and amounts: in the page's language, in Dutch time.
import type { Lang } from '../web/i18n.ts';

const locale = (lang: Lang) => (lang === 'nl' ? 'nl-NL' : 'en-GB');

/** A calendar date (YYYY-MM-DD): "5 december 2026" / "5 December 2026". */
export function formatDate(date: string, lang: Lang): string {
  return new Intl.DateTimeFormat(locale(lang), {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
}

/** A moment, in the Netherlands: "2 december 2026 om 14:05" / "2 December 2026 at 14:05". */
export function formatMoment(at: Date, lang: Lang): string {
  return new Intl.DateTimeFormat(locale(lang), {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Europe/Amsterdam',
  }).format(at);
}

/** Euro cents as money: "€ 255,00" / "€255.00". */
export function formatMoney(cents: number, lang: Lang): string {
  return new Intl.NumberFormat(locale(lang), { style: 'currency', currency: 'EUR' }).format(cents / 100);
}
