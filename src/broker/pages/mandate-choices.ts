// The mandates on "Waar werk je? Wat ben je?": beside the person's own employments, one choice per
// mandate they may use here today, "namens <name> (<role>)". Its value names the mandate; the broker
// checks it again when it is chosen.
import type { UsableMandate } from '../../register/register.ts';
import { formatDate } from '../../web/dates.ts';
import type { RadioOption } from '../../web/components.ts';
import { html } from '../../web/html.ts';
import { t, type Lang } from '../../web/i18n.ts';

/** The value of a mandate's choice; the form's other values are employment ids. */
export const MANDATE_CHOICE_PREFIX = 'mandaat:';

export function mandateChoiceValue(mandateId: string): string {
  return `${MANDATE_CHOICE_PREFIX}${mandateId}`;
}

/** The mandate id a chosen value names, or null for an employment (or anything else). */
export function chosenMandateId(value: unknown): string | null {
  return typeof value === 'string' && value.startsWith(MANDATE_CHOICE_PREFIX)
    ? value.slice(MANDATE_CHOICE_PREFIX.length)
    : null;
}

const nameOf = (p: { voorletters: string; voorvoegsel: string | null; achternaam: string }) =>
  [p.voorletters, p.voorvoegsel, p.achternaam].filter(Boolean).join(' ');

/** The choices, after the employments: "namens <name> (<role>)", the abonnee, until when, its URA. */
export function mandateChoices(lang: Lang, mandates: UsableMandate[]): RadioOption[] {
  return mandates.map(({ mandate: m }) => {
    const rol = m.mandatorRolNaam ? `${m.mandatorRolNaam}, ${m.mandatorRolCode}` : '';
    return {
      value: mandateChoiceValue(m.id),
      label: t(lang, 'mandate.choose.on_behalf', { naam: nameOf(m.mandator), rol }),
      hint: html`${m.abonnee.naam}<br />${t(lang, 'mandate.choose.until', {
          datum: formatDate(lang, m.endDate),
        })}<br />${`URA ${m.abonnee.abonneeNummer}`}`,
    };
  });
}
