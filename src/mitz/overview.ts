// MijnMitz's overview: per data category the citizen's choices as they stand, and what applies now
// for each kind of consulting care provider: the same decide() the closed question uses, for purpose
// TREAT, over every kind of care provider that may hold the data.
import type { SafeHtml } from '../web/html.ts';
import { buttonGroup, linkButton, tableContainer, visuallyHidden } from '../web/components.ts';
import { html } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import type { StoredChoice } from './choices.ts';
import {
  CATEGORIE_CODES,
  GEGEVENSCATEGORIE_CODES,
  ZORGAANBIEDERCATEGORIEEN,
  type Gegevenscategorie,
  type Zorgaanbiedercategorie,
} from './codes.ts';
import { decide, type Choice, type Decision } from './decision.ts';
import {
  byWhom,
  choiceLine,
  choiceWords,
  gegevensLabel,
  heldBy,
  PATHS,
  questionAsked,
  tHtml,
  when,
} from './pages.ts';

/** What applies for one data category and one consulting kind of provider. */
export type Effect =
  | { kind: 'uniform'; decision: Decision }
  /** The answer differs with where the data are held: which holders get which answer. */
  | { kind: 'mixed'; holders: [Decision, Zorgaanbiedercategorie[]][] };

const ORDER: Decision[] = ['Permit', 'Deny', 'NotApplicable'];

export function effectFor(
  choices: readonly Choice[],
  gegevenscategorie: Gegevenscategorie,
  raadpleger: Zorgaanbiedercategorie,
): Effect {
  const byHolder = new Map<Decision, Zorgaanbiedercategorie[]>();
  for (const dossierhouder of CATEGORIE_CODES) {
    const { decision } = decide(choices, { gegevenscategorie, dossierhouder, raadpleger, purpose: 'TREAT' });
    byHolder.set(decision, [...(byHolder.get(decision) ?? []), dossierhouder]);
  }
  if (byHolder.size === 1) return { kind: 'uniform', decision: [...byHolder.keys()][0]! };
  return { kind: 'mixed', holders: ORDER.flatMap((d) => (byHolder.has(d) ? [[d, byHolder.get(d)!]] : [])) };
}

/** The link to a page about one choice (change or withdraw), naming it by its three codes. */
export function choiceUrl(path: string, c: Omit<Choice, 'permit'> & { permit?: boolean }): string {
  const q = new URLSearchParams({
    gegevenscategorie: c.gegevenscategorie,
    raadpleger: c.raadpleger,
    dossierhouder: c.dossierhouder,
  });
  if (c.permit !== undefined) q.set('keuze', c.permit ? 'ja' : 'nee');
  return `${path}?${q.toString()}`;
}

function effectCell(effect: Effect, lang: Lang): SafeHtml {
  if (effect.kind === 'uniform') return html`${t(lang, `mitz.effect.${effect.decision}`)}`;
  return html`${t(lang, 'mitz.overview.mixed')}
    <ul>
      ${effect.holders.map(
        ([decision, holders]) =>
          html`<li>
            ${t(lang, 'mitz.overview.mixed_line', {
              answer: t(lang, `mitz.effect.${decision}`),
              where: holders.map((h) => ZORGAANBIEDERCATEGORIEEN[h][lang]).join('; '),
            })}
          </li>`,
      )}
    </ul>`;
}

function choiceCard(c: StoredChoice, lang: Lang): SafeHtml {
  // The visually hidden part tells a screen reader which choice a link acts on.
  const which = visuallyHidden(
    `: ${gegevensLabel(c.gegevenscategorie, lang)}, ${choiceLine(c, lang)}${heldBy(c, lang) ? `, ${heldBy(c, lang)}` : ''}`,
  );
  return html`<li class="rhc-card rhc-card--default dezi-card">
    <p><strong>${choiceWords(c, lang)}</strong></p>
    <p class="utrecht-form-field-description">
      ${tHtml(lang, 'mitz.overview.recorded', { when: when(c.recordedAt, lang), by: byWhom(c.recordedBy, lang) })}
    </p>
    ${questionAsked(c.recordedBy, lang)}
    <p class="dezi-actions">
      <a href="${choiceUrl(PATHS.choice, c)}">${t(lang, 'mitz.overview.change')}${which}</a>
      <a href="${choiceUrl(PATHS.withdraw, c)}">${t(lang, 'mitz.overview.withdraw')}${which}</a>
    </p>
  </li>`;
}

function section(g: Gegevenscategorie, current: readonly StoredChoice[], lang: Lang): SafeHtml {
  const own = current.filter((c) => c.gegevenscategorie === g);
  const label = gegevensLabel(g, lang);
  return html`<section aria-labelledby="gegevens-${g}">
    <h2 id="gegevens-${g}">${label}</h2>
    <p class="utrecht-form-field-description">${t(lang, `mitz.gegevens.${g}.uitleg`)}</p>
    <h3>${t(lang, 'mitz.overview.choices')}</h3>
    ${
      own.length === 0
        ? html`<p>${t(lang, 'mitz.overview.none')}</p>`
        : html`<ul class="dezi-plain-list dezi-choices">
            ${own.map((c) => choiceCard(c, lang))}
          </ul>`
    }
    <h3 id="geldt-${g}">${t(lang, 'mitz.overview.effect')}</h3>
    ${tableContainer({
      labelledBy: `geldt-${g}`,
      table: html`<table>
        <caption>
          ${t(lang, 'mitz.overview.effect_caption', { gegevens: label.toLocaleLowerCase(lang) })}
        </caption>
        <thead>
          <tr>
            <th scope="col">${t(lang, 'mitz.overview.provider')}</th>
            <th scope="col">${t(lang, 'mitz.overview.answer')}</th>
          </tr>
        </thead>
        <tbody>
          ${CATEGORIE_CODES.map((r) => {
            const effect = effectFor(current, g, r);
            return html`<tr>
              <th scope="row">${ZORGAANBIEDERCATEGORIEEN[r][lang]}</th>
              <td
                id="geldt-${g}-${r}"
                data-besluit="${effect.kind === 'uniform' ? effect.decision : 'mixed'}"
              >
                ${effectCell(effect, lang)}
              </td>
            </tr>`;
          })}
        </tbody>
      </table>`,
    })}
  </section>`;
}

/** The overview's content: the way to a new choice, then each data category, highest first. */
export function overviewBody(current: readonly StoredChoice[], lang: Lang, notice: SafeHtml | ''): SafeHtml {
  return html`<h1>${t(lang, 'mitz.overview.title')}</h1>
    ${notice}
    <p>${t(lang, 'mitz.overview.intro')}</p>
    ${buttonGroup(linkButton({ href: PATHS.choice, label: t(lang, 'mitz.overview.give') }))}
    <p class="utrecht-form-field-description">${t(lang, 'mitz.overview.rules')}</p>
    ${GEGEVENSCATEGORIE_CODES.map((g) => section(g, current, lang))}`;
}
