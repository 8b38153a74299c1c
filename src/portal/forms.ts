// What every portal form shares: a CSRF token bound to the browser's portal state, the Origin
// check, and field errors that screen readers announce (WCAG 3.3.1).
import type { FastifyRequest } from 'fastify';
import { describedBy, formField, textbox } from '../web/components.ts';
import { html, type SafeHtml } from '../web/html.ts';
import type { Lang } from '../web/i18n.ts';
import type { Web } from '../web/web.ts';

export function csrfField(web: Web, binding: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${web.csrfToken(binding)}" />`;
}

/** A post is accepted only from our own origin, with the token of the state it acts on. */
export { validFormPost as validPost, refuseFormPost } from '../web/csrf.ts';

/** The NL Design System's form pieces, for forms built next to these helpers. */
export {
  button,
  buttonGroup,
  checkboxField,
  dateField,
  errorSummary,
  linkButton,
  radioGroup,
  selectField,
  textButton,
  type FieldError,
} from '../web/components.ts';

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
  inputmode?: 'numeric' | 'text';
  /** The page's language, for the error's "Fout:" that a screen reader reads (default Dutch). */
  lang?: Lang;
}

/**
 * A labelled text field in the NL Design System's form field: hint, error beside the field (and the
 * field marked invalid and described by it), the value kept. A page with errors also shows an
 * errorSummary (components.ts) whose links lead to the fields' ids (the name).
 */
export function textInput(f: TextInput): SafeHtml {
  return formField({
    id: f.name,
    label: f.label,
    hint: f.hint,
    error: f.error,
    lang: f.lang ?? 'nl',
    control: textbox({
      id: f.name,
      name: f.name,
      value: f.value,
      invalid: Boolean(f.error),
      describedBy: describedBy(f.name, f),
      required: f.required,
      autocomplete: f.autocomplete,
      maxlength: f.maxlength,
      inputmode: f.inputmode,
    }),
  });
}
