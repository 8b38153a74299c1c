// Withdrawing a choice takes two steps: a page that names the choice and says what follows, and the
// confirmation (a form post). A choice is named by its three codes, never by a row id.
import { button, buttonGroup, card, linkButton } from '../web/components.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import type { ChoiceChange, StoredChoice } from './choices.ts';
import { ALL, isCategorie, isGegevenscategorie, type CategoryOrAll } from './codes.ts';
import { choiceWords, gegevensLabel, PATHS } from './pages.ts';

export type ChoiceKey = Omit<ChoiceChange, 'permit'>;

const side = (v: unknown): CategoryOrAll | null => (v === ALL ? ALL : isCategorie(v) ? v : null);

/** The choice a query string or form names, or null when any of its codes is not one. */
export function readChoiceKey(source: unknown): ChoiceKey | null {
  const from = (source ?? {}) as Record<string, unknown>;
  const raadpleger = side(from.raadpleger);
  const dossierhouder = side(from.dossierhouder);
  if (!isGegevenscategorie(from.gegevenscategorie) || !raadpleger || !dossierhouder) return null;
  return { gegevenscategorie: from.gegevenscategorie, raadpleger, dossierhouder };
}

export const sameChoice = (a: ChoiceKey, b: ChoiceKey) =>
  a.gegevenscategorie === b.gegevenscategorie &&
  a.raadpleger === b.raadpleger &&
  a.dossierhouder === b.dossierhouder;

export function withdrawBody(o: { lang: Lang; csrf: string; choice: StoredChoice }): SafeHtml {
  const { lang, choice } = o;
  return html`<h1>${t(lang, 'mitz.withdraw.title')}</h1>
    <p>${t(lang, 'mitz.withdraw.question')}</p>
    ${card(
      html`<p><strong>${gegevensLabel(choice.gegevenscategorie, lang)}</strong></p>
        <p>${choiceWords(choice, lang)}</p>`,
      { tag: 'div' },
    )}
    <p>${t(lang, 'mitz.withdraw.effect')}</p>
    <form method="post" action="${PATHS.withdraw}">
      <input type="hidden" name="csrf" value="${o.csrf}" />
      <input type="hidden" name="gegevenscategorie" value="${choice.gegevenscategorie}" />
      <input type="hidden" name="raadpleger" value="${choice.raadpleger}" />
      <input type="hidden" name="dossierhouder" value="${choice.dossierhouder}" />
      ${buttonGroup(
        button({ label: t(lang, 'mitz.withdraw.yes'), variant: 'destructive' }),
        linkButton({ href: PATHS.overview, label: t(lang, 'mitz.withdraw.no'), variant: 'secondary' }),
      )}
    </form>`;
}
