// The history of a citizen's choices, newest first: every choice given, changed or withdrawn, who
// recorded it (the citizen, or a named professional through a button of their care provider's
// system) and when, in Dutch time.
import { html, type SafeHtml } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import type { HistoryEntry } from './choices.ts';
import { byWhom, choiceWords, gegevensLabel, questionAsked, when } from './pages.ts';

export function historyBody(entries: readonly HistoryEntry[], lang: Lang): SafeHtml {
  return html`<h1>${t(lang, 'mitz.history.title')}</h1>
    <p>${t(lang, 'mitz.history.intro')}</p>
    ${
      entries.length === 0
        ? html`<p>${t(lang, 'mitz.history.none')}</p>`
        : html`<ol class="dezi-plain-list dezi-history">
            ${entries.map(
              (e) =>
                html`<li class="rhc-card rhc-card--default dezi-card">
                  <p class="utrecht-form-field-description">${when(e.recordedAt, lang)}</p>
                  <p><strong>${gegevensLabel(e.gegevenscategorie, lang)}</strong>: ${choiceWords(e, lang)}</p>
                  <p>${t(lang, 'mitz.history.by', { by: byWhom(e.recordedBy, lang) })}</p>
                  ${questionAsked(e.recordedBy, lang)}
                </li>`,
            )}
          </ol>`
    }`;
}
