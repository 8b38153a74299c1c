// The form that gives or changes a choice: which data, yes or no, for which care providers (all, or
// one kind) and, optionally, for data held by one kind only. Without JavaScript: every field is
// there from the start, and a form with errors comes back with an error summary at the top whose
// links lead to the fields, and with what the citizen entered.
import {
  button,
  buttonGroup,
  errorSummary,
  linkButton,
  radioGroup,
  selectField,
  type FieldError,
} from '../web/components.ts';
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

/** The error summary's entries: each error, in the form's order, linking to its field. */
function summaryOf(errors: ChoiceErrors, lang: Lang): FieldError[] {
  return FIELDS.filter((f) => errors[f]).map((f) => ({ id: ANCHOR[f], message: t(lang, errors[f]!) }));
}

const errorText = (error: MessageKey | undefined, lang: Lang) => (error ? t(lang, error) : undefined);

function providerSelect(o: {
  name: 'raadpleger' | 'dossierhouder';
  label: string;
  hint: string;
  first: { value: string; label: string }[];
  value: string;
  error: MessageKey | undefined;
  lang: Lang;
}): SafeHtml {
  return selectField({
    id: o.name,
    name: o.name,
    label: o.label,
    hint: o.hint,
    error: errorText(o.error, o.lang),
    lang: o.lang,
    value: o.value,
    options: [
      ...o.first,
      ...CATEGORIE_CODES.map((c) => ({ value: c, label: ZORGAANBIEDERCATEGORIEEN[c][o.lang] })),
    ],
  });
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
    ${errorSummary(lang, summaryOf(errors, lang))}
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
        error: errorText(errors.gegevenscategorie, lang),
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
        error: errorText(errors.keuze, lang),
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
      ${buttonGroup(
        button({ label: t(lang, 'mitz.form.submit') }),
        linkButton({ href: PATHS.overview, label: t(lang, 'mitz.form.back'), variant: 'secondary' }),
      )}
    </form>`;
}
