// Form parts the mandate and role-declaration pages need beyond forms.ts (a date, a choice from a
// list, several checkboxes, the error summary), in the same markup as forms.ts's textInput: a label
// for every input, the hint and the error tied to it, the input kept after an error.
import type { FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';

/** A field's error: which field (its id) and what to do about it. */
export interface FieldError {
  field: string;
  message: string;
}

/** The error summary at the top of a form, linking to each field (WCAG 3.3.1). */
export function errorSummary(lang: Lang, errors: FieldError[]): SafeHtml | '' {
  if (errors.length === 0) return '';
  return html`<div class="notice notice-error" role="alert" id="foutmeldingen" tabindex="-1" autofocus>
    <h2>${t(lang, 'mandate.form.errors')}</h2>
    <ul>
      ${errors.map((e) => html`<li><a href="#${e.field}">${e.message}</a></li>`)}
    </ul>
  </div>`;
}

export const errorFor = (errors: FieldError[], field: string) =>
  errors.find((e) => e.field === field)?.message;

function described(name: string, hint?: string, error?: string): string {
  return [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ');
}

export function dateInput(f: {
  name: string;
  label: string;
  value: string;
  hint?: string;
  error?: string;
  min?: string;
}): SafeHtml {
  const by = described(f.name, f.hint, f.error);
  return html`<div class="field">
    <label for="${f.name}">${f.label}</label>
    ${f.hint ? html`<p class="hint" id="${f.name}-hint">${f.hint}</p>` : ''}
    ${f.error ? html`<p class="error-message" id="${f.name}-error">${f.error}</p>` : ''}
    <input
      type="date"
      id="${f.name}"
      name="${f.name}"
      value="${f.value}"
      required
      aria-required="true"
      ${f.min ? html`min="${f.min}"` : ''}
      ${f.error ? html`aria-invalid="true"` : ''}
      ${by ? html`aria-describedby="${by}"` : ''}
    />
  </div>`;
}

export function selectInput(f: {
  name: string;
  label: string;
  options: { value: string; label: string }[];
  value: string;
  hint?: string;
  error?: string;
}): SafeHtml {
  const by = described(f.name, f.hint, f.error);
  return html`<div class="field">
    <label for="${f.name}">${f.label}</label>
    ${f.hint ? html`<p class="hint" id="${f.name}-hint">${f.hint}</p>` : ''}
    ${f.error ? html`<p class="error-message" id="${f.name}-error">${f.error}</p>` : ''}
    <select
      id="${f.name}"
      name="${f.name}"
      required
      aria-required="true"
      ${f.error ? html`aria-invalid="true"` : ''}
      ${by ? html`aria-describedby="${by}"` : ''}
    >
      ${f.options.map((o) => html`<option value="${o.value}" ${o.value === f.value ? html`selected` : ''}>${o.label}</option>`)}
    </select>
  </div>`;
}

/** Several checkboxes under one legend; none checked is a valid answer (the hint says what it means). */
export function checkboxes(f: {
  name: string;
  legend: string;
  options: { value: string; label: string; sub?: string }[];
  checked: string[];
  hint?: string;
  error?: string;
}): SafeHtml {
  const by = described(f.name, f.hint, f.error);
  return html`<fieldset class="field" id="${f.name}" ${by ? html`aria-describedby="${by}"` : ''}>
    <legend>${f.legend}</legend>
    ${f.hint ? html`<p class="hint" id="${f.name}-hint">${f.hint}</p>` : ''}
    ${f.error ? html`<p class="error-message" id="${f.name}-error">${f.error}</p>` : ''}
    <ul class="choice-list">
      ${f.options.map(
        (o, n) =>
          html`<li class="choice">
            <input
              type="checkbox"
              name="${f.name}"
              id="${f.name}-${n}"
              value="${o.value}"
              ${f.checked.includes(o.value) ? html`checked` : ''}
            />
            <label for="${f.name}-${n}"
              >${o.label}${o.sub ? html` <span class="choice-sub">${o.sub}</span>` : ''}</label
            >
          </li>`,
      )}
    </ul>
  </fieldset>`;
}

/** Every value of a form field sent once or more (checkboxes), trimmed and bounded. */
export function fieldValues(req: FastifyRequest, name: string, max = 200, most = 50): string[] {
  const value = ((req.body ?? {}) as Record<string, unknown>)[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list
    .filter((v): v is string => typeof v === 'string')
    .slice(0, most)
    .map((v) => v.trim().slice(0, max + 1));
}
