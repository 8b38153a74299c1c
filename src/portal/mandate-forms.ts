// Form parts the mandate and role-declaration pages need beyond components.ts: several checkboxes
// under one legend, the values of such a field, and a field's error from a list of them.
import type { FastifyRequest } from 'fastify';
import { describedBy, fieldError, type FieldError } from '../web/components.ts';
import { html, type SafeHtml } from '../web/html.ts';
import type { Lang } from '../web/i18n.ts';

export const errorFor = (errors: readonly FieldError[], id: string) =>
  errors.find((e) => e.id === id)?.message;

/** Several checkboxes under one legend; none checked is a valid answer (the hint says what it means). */
export function checkboxes(f: {
  name: string;
  legend: string;
  options: { value: string; label: string; sub?: string }[];
  checked: string[];
  hint?: string;
  error?: string;
  lang: Lang;
}): SafeHtml {
  const by = describedBy(f.name, f);
  return html`<fieldset
    class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset${f.error ? ' utrecht-form-fieldset--invalid' : ''}"
    id="${f.name}"
    ${by ? html`aria-describedby="${by}"` : ''}
  >
    <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">
      ${f.legend}
    </legend>
    ${f.hint ? html`<p class="utrecht-form-field-description" id="${f.name}-hint">${f.hint}</p>` : ''}
    ${fieldError(f.name, f.lang, f.error)}
    <ul class="dezi-options">
      ${f.options.map(
        (o, n) =>
          html`<li class="dezi-option">
            <input
              type="checkbox"
              name="${f.name}"
              id="${f.name}-${n}"
              value="${o.value}"
              ${f.checked.includes(o.value) ? html`checked` : ''}
            />
            <label for="${f.name}-${n}"
              >${o.label}${o.sub ? html` <span class="dezi-sub">${o.sub}</span>` : ''}</label
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
