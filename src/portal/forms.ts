// What every portal form shares: a CSRF token bound to the browser's portal state, the Origin
// check, and field errors that screen readers announce (WCAG 3.3.1).
import type { FastifyRequest } from 'fastify';
import { html, type SafeHtml } from '../web/html.ts';
import type { Web } from '../web/web.ts';

export function csrfField(web: Web, binding: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${web.csrfToken(binding)}" />`;
}

/** A post is accepted only from our own origin, with the token of the state it acts on. */
export { validFormPost as validPost, refuseFormPost } from '../web/csrf.ts';

export function field(req: FastifyRequest, name: string, max = 200): string {
  const value = ((req.body ?? {}) as Record<string, unknown>)[name];
  return typeof value === 'string' ? value.trim().slice(0, max + 1) : '';
}

export interface TextInput {
  name: string;
  label: string;
  value: string;
  hint?: string;
  error?: string;
  required?: boolean;
  autocomplete?: string;
  maxlength?: number;
}

export function textInput(f: TextInput): SafeHtml {
  const described = [f.hint ? `${f.name}-hint` : '', f.error ? `${f.name}-error` : '']
    .filter(Boolean)
    .join(' ');
  return html`<div class="field">
    <label for="${f.name}">${f.label}</label>
    ${f.hint ? html`<p class="hint" id="${f.name}-hint">${f.hint}</p>` : ''}
    ${f.error ? html`<p class="error-message" id="${f.name}-error">${f.error}</p>` : ''}
    <input
      type="text"
      id="${f.name}"
      name="${f.name}"
      value="${f.value}"
      maxlength="${f.maxlength ?? 200}"
      ${f.autocomplete ? html`autocomplete="${f.autocomplete}"` : ''}
      ${f.required ? html`required aria-required="true"` : ''}
      ${f.error ? html`aria-invalid="true"` : ''}
      ${described ? html`aria-describedby="${described}"` : ''}
    />
  </div>`;
}
