// The form that gives or changes a choice: which data, yes or no, for which care providers (all, or
// one kind) and, optionally, for data held by one kind only. Without JavaScript: every field is
// there from the start, and a form with errors comes back with an error summary at the top whose
// links lead to the fields, and with what the citizen entered.
import { html, type SafeHtml } from '../web/html.ts';
import { t, type Lang, type MessageKey } from '../web/i18n.ts';
import type { ChoiceChange } from './choices.ts';
import {
  ALL,
  CATEGORIE_CODES,
  GEGEVENSCATEGORIE_CODES,
  isCategorie,
  isGegevenscategorie,
  ZORGAANBIEDERCATEGORIEEN,
  type CategoryOrAll,
} from './codes.ts';
import { gegevensLabel, PATHS } from './pages.ts';

/** The form's fields as sent (or as a "Wijzigen" link fills them in). */
export interface ChoiceInput {
  gegevenscategorie: string;
  keuze: string;
  raadpleger: string;
  dossierhouder: string;
}

export type ChoiceErrors = Partial<Record<keyof ChoiceInput, MessageKey>>;

export const EMPTY_INPUT: ChoiceInput = {
  gegevenscategorie: '',
  keuze: '',
  raadpleger: '',
  dossierhouder: '',
};

/** The fields of a form body or a query string: strings only, trimmed, short. */
export function readInput(source: unknown): ChoiceInput {
  const from = (source ?? {}) as Record<string, unknown>;
  const field = (name: keyof ChoiceInput) => {
    const value = from[name];
    return typeof value === 'string' ? value.trim().slice(0, 20) : '';
  };
  return {
    gegevenscategorie: field('gegevenscategorie'),
    keuze: field('keuze'),
    raadpleger: field('raadpleger'),
    dossierhouder: field('dossierhouder'),
  };
}

const side = (v: string): CategoryOrAll | null => (v === ALL ? ALL : isCategorie(v) ? v : null);

/** A form filled in from a link ("Wijzigen"): what is a valid value is kept, anything else left blank. */
export function prefill(query: unknown): ChoiceInput {
  const q = readInput(query);
  return {
    gegevenscategorie: isGegevenscategorie(q.gegevenscategorie) ? q.gegevenscategorie : '',
    keuze: q.keuze === 'ja' || q.keuze === 'nee' ? q.keuze : '',
    raadpleger: side(q.raadpleger) ? q.raadpleger : '',
    dossierhouder: side(q.dossierhouder) ? q.dossierhouder : '',
  };
}

/** A side of a choice: "*" or a provider category; blank holder means every holder. */
export function parseChoice(input: ChoiceInput): { change: ChoiceChange } | { errors: ChoiceErrors } {
  const errors: ChoiceErrors = {};
  if (!isGegevenscategorie(input.gegevenscategorie))
    errors.gegevenscategorie = 'mitz.form.error.gegevenscategorie';
  if (input.keuze !== 'ja' && input.keuze !== 'nee') errors.keuze = 'mitz.form.error.keuze';
  const raadpleger = side(input.raadpleger);
  if (!raadpleger) errors.raadpleger = 'mitz.form.error.raadpleger';
  const dossierhouder = input.dossierhouder === '' ? ALL : side(input.dossierhouder);
  if (!dossierhouder) errors.dossierhouder = 'mitz.form.error.dossierhouder';
  if (Object.keys(errors).length > 0 || !isGegevenscategorie(input.gegevenscategorie)) return { errors };
  return {
    change: {
      gegevenscategorie: input.gegevenscategorie,
      permit: input.keuze === 'ja',
      raadpleger: raadpleger!,
      dossierhouder: dossierhouder!,
    },
  };
}

/** Where each field's error summary link leads: the field, or a group's first option. */
const ANCHOR: Record<keyof ChoiceInput, string> = {
  gegevenscategorie: `gegevenscategorie-${GEGEVENSCATEGORIE_CODES[0]}`,
  keuze: 'keuze-ja',
  raadpleger: 'raadpleger',
  dossierhouder: 'dossierhouder',
};
const FIELDS: (keyof ChoiceInput)[] = ['gegevenscategorie', 'keuze', 'raadpleger', 'dossierhouder'];

function errorSummary(errors: ChoiceErrors, lang: Lang): SafeHtml | '' {
  const listed = FIELDS.filter((f) => errors[f]);
  if (listed.length === 0) return '';
  return html`<div class="error-summary" role="alert" aria-labelledby="fouten-titel">
    <h2 id="fouten-titel">${t(lang, 'mitz.form.errors')}</h2>
    <ul>
      ${listed.map((f) => html`<li><a href="#${ANCHOR[f]}">${t(lang, errors[f]!)}</a></li>`)}
    </ul>
  </div>`;
}

const errorText = (name: string, error: MessageKey | undefined, lang: Lang) =>
  error ? html`<p class="error-message" id="${name}-error">${t(lang, error)}</p>` : '';

function radioGroup(o: {
  name: keyof ChoiceInput;
  legend: string;
  options: { value: string; label: string; hint?: string }[];
  value: string;
  error: MessageKey | undefined;
  lang: Lang;
}): SafeHtml {
  return html`<fieldset
    class="field${o.error ? ' field-error' : ''}"
    ${o.error ? html`aria-describedby="${o.name}-error"` : ''}
  >
    <legend>${o.legend}</legend>
    ${errorText(o.name, o.error, o.lang)}
    <div class="choice-list">
      ${o.options.map((opt) => {
        const id = `${o.name}-${opt.value}`;
        return html`<div class="choice">
          <input
            type="radio"
            id="${id}"
            name="${o.name}"
            value="${opt.value}"
            ${o.value === opt.value ? html`checked` : ''}
            ${opt.hint ? html`aria-describedby="${id}-hint"` : ''}
          />
          <label for="${id}"
            >${opt.label}${opt.hint ? html`<span class="choice-sub choice-hint" id="${id}-hint">${opt.hint}</span>` : ''}</label
          >
        </div>`;
      })}
    </div>
  </fieldset>`;
}

function providerSelect(o: {
  name: 'raadpleger' | 'dossierhouder';
  label: string;
  hint: string;
  first: { value: string; label: string }[];
  value: string;
  error: MessageKey | undefined;
  lang: Lang;
}): SafeHtml {
  const described = [`${o.name}-hint`, o.error ? `${o.name}-error` : ''].filter(Boolean).join(' ');
  const options = [
    ...o.first,
    ...CATEGORIE_CODES.map((c) => ({ value: c, label: ZORGAANBIEDERCATEGORIEEN[c][o.lang] })),
  ];
  return html`<div class="field${o.error ? ' field-error' : ''}">
    <label for="${o.name}">${o.label}</label>
    <p class="hint" id="${o.name}-hint">${o.hint}</p>
    ${errorText(o.name, o.error, o.lang)}
    <select
      id="${o.name}"
      name="${o.name}"
      aria-describedby="${described}"
      ${o.error ? html`aria-invalid="true"` : ''}
    >
      ${options.map(
        (opt) =>
          html`<option value="${opt.value}" ${o.value === opt.value ? html`selected` : ''}>
            ${opt.label}
          </option>`,
      )}
    </select>
  </div>`;
}

export function choiceFormBody(o: {
  lang: Lang;
  csrf: string;
  values: ChoiceInput;
  errors: ChoiceErrors;
}): SafeHtml {
  const { lang, values, errors } = o;
  const holderChosen = values.dossierhouder !== '' && values.dossierhouder !== ALL;
  return html`<h1>${t(lang, 'mitz.form.title')}</h1>
    ${errorSummary(errors, lang)}
    <p>${t(lang, 'mitz.form.intro')}</p>
    <form method="post" action="${PATHS.choice}" novalidate>
      <input type="hidden" name="csrf" value="${o.csrf}" />
      ${radioGroup({
        name: 'gegevenscategorie',
        legend: t(lang, 'mitz.form.gegevens'),
        options: GEGEVENSCATEGORIE_CODES.map((g) => ({
          value: g,
          label: gegevensLabel(g, lang),
          hint: t(lang, `mitz.gegevens.${g}.uitleg`),
        })),
        value: values.gegevenscategorie,
        error: errors.gegevenscategorie,
        lang,
      })}
      ${radioGroup({
        name: 'keuze',
        legend: t(lang, 'mitz.form.keuze'),
        options: [
          { value: 'ja', label: t(lang, 'mitz.form.ja') },
          { value: 'nee', label: t(lang, 'mitz.form.nee') },
        ],
        value: values.keuze,
        error: errors.keuze,
        lang,
      })}
      ${providerSelect({
        name: 'raadpleger',
        label: t(lang, 'mitz.form.raadpleger'),
        hint: t(lang, 'mitz.form.raadpleger.hint'),
        first: [
          { value: '', label: t(lang, 'mitz.form.raadpleger.choose') },
          { value: ALL, label: t(lang, 'mitz.form.raadpleger.all') },
        ],
        value: values.raadpleger,
        error: errors.raadpleger,
        lang,
      })}
      <details ${holderChosen || errors.dossierhouder ? html`open` : ''}>
        <summary>${t(lang, 'mitz.form.dossierhouder.more')}</summary>
        ${providerSelect({
          name: 'dossierhouder',
          label: t(lang, 'mitz.form.dossierhouder'),
          hint: t(lang, 'mitz.form.dossierhouder.hint'),
          first: [{ value: ALL, label: t(lang, 'mitz.form.dossierhouder.all') }],
          value: values.dossierhouder === '' ? ALL : values.dossierhouder,
          error: errors.dossierhouder,
          lang,
        })}
      </details>
      <p><button class="button" type="submit">${t(lang, 'mitz.form.submit')}</button></p>
    </form>
    <p><a href="${PATHS.overview}">${t(lang, 'mitz.form.back')}</a></p>`;
}
