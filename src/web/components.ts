// The NL Design System's components as Dezi's pages use them (the Rijkshuisstijl community's
// components-css, drawn with its design tokens): buttons, alerts, the error summary, form fields,
// tables. A page builds its markup from these, so that the class names and the accessible structure
// (labels, descriptions, errors tied to their fields) are written once. Plain semantic HTML (h1, p,
// a, ul, table) gets its classes from the page frame (layout.ts), so it needs no helper.
import { html, type SafeHtml } from './html.ts';
import { t, type Lang } from './i18n.ts';

export type Content = SafeHtml | string;

export type ButtonVariant = 'primary' | 'secondary' | 'destructive' | 'subtle';

const BUTTON: Record<ButtonVariant, string> = {
  primary: 'utrecht-button utrecht-button--primary-action',
  secondary: 'utrecht-button utrecht-button--secondary-action',
  // NL DS marks an action that cannot be undone with the "danger" hint on a primary button.
  destructive: 'utrecht-button utrecht-button--primary-action utrecht-button--danger',
  subtle: 'utrecht-button utrecht-button--subtle',
};

const BUTTON_LINK: Record<ButtonVariant, string> = {
  primary: 'utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action',
  secondary: 'utrecht-button-link utrecht-button-link--html-a utrecht-button-link--secondary-action',
  destructive:
    'utrecht-button-link utrecht-button-link--html-a utrecht-button-link--primary-action dezi-danger',
  subtle: 'utrecht-button-link utrecht-button-link--html-a utrecht-button-link--subtle',
};

/** The class names of a button of this kind (for markup a helper does not write itself). */
export const buttonClass = (variant: ButtonVariant = 'primary') => BUTTON[variant];
export const linkButtonClass = (variant: ButtonVariant = 'primary') => BUTTON_LINK[variant];
export const TEXT_BUTTON_CLASS = 'utrecht-link-button utrecht-link-button--html-button';

export interface ButtonOptions {
  label: Content;
  variant?: ButtonVariant;
  type?: 'submit' | 'button';
  name?: string;
  value?: string;
  /** The id of a form elsewhere on the page this button submits. */
  form?: string;
  id?: string;
}

/** A form's button: primary ("Ga verder"), secondary ("Annuleren"), destructive (end, unlink, withdraw). */
export function button(o: ButtonOptions): SafeHtml {
  return html`<button
    class="${BUTTON[o.variant ?? 'primary']}"
    type="${o.type ?? 'submit'}"
    ${o.name ? html`name="${o.name}"` : ''}
    ${o.value !== undefined ? html`value="${o.value}"` : ''}
    ${o.form ? html`form="${o.form}"` : ''}
    ${o.id ? html`id="${o.id}"` : ''}
  >
    ${o.label}
  </button>`;
}

/** A link that looks like a button: a step to another page ("Inloggen", "Opnieuw proberen"). */
export function linkButton(o: { href: string; label: Content; variant?: ButtonVariant }): SafeHtml {
  return html`<a class="${BUTTON_LINK[o.variant ?? 'primary']}" href="${o.href}">${o.label}</a>`;
}

/** A button that looks like a link: a minor action that still needs a form post (log out, unlink). */
export function textButton(o: { label: Content; name?: string; value?: string; form?: string }): SafeHtml {
  return html`<button
    class="${TEXT_BUTTON_CLASS}"
    type="submit"
    ${o.name ? html`name="${o.name}"` : ''}
    ${o.value !== undefined ? html`value="${o.value}"` : ''}
    ${o.form ? html`form="${o.form}"` : ''}
  >
    ${o.label}
  </button>`;
}

/** Buttons side by side (wrapping on a phone): the main action first. */
export function buttonGroup(...items: (SafeHtml | '' | null | undefined | false)[]): SafeHtml {
  return html`<div class="utrecht-button-group dezi-actions">${items.filter(Boolean) as SafeHtml[]}</div>`;
}

export type AlertType = 'info' | 'ok' | 'warning' | 'error';

/**
 * A notice: info, ok (an action succeeded), warning, error. An error is announced at once
 * (role=alert); a result of the person's own action politely (role=status).
 */
export function alert(o: {
  type: AlertType;
  body: Content;
  heading?: string;
  role?: 'alert' | 'status' | 'note' | null;
  id?: string;
}): SafeHtml {
  const role =
    o.role === undefined ? { error: 'alert', ok: 'status', info: null, warning: null }[o.type] : o.role;
  const content = typeof o.body === 'string' ? html`<p class="nl-paragraph">${o.body}</p>` : o.body;
  return html`<div
    class="utrecht-alert utrecht-alert--${o.type}"
    ${role ? html`role="${role}"` : ''}
    ${o.id ? html`id="${o.id}"` : ''}
  >
    <div class="utrecht-alert__content">
      <div class="utrecht-alert__message">
        ${o.heading ? html`<h2 class="nl-heading nl-heading--level-3">${o.heading}</h2>` : ''}${content}
      </div>
    </div>
  </div>`;
}

/** An error of one field: the message, and the id the summary's link leads to (the field, or a group's first option). */
export interface FieldError {
  id: string;
  message: string;
}

/**
 * The error summary at the top of a form that came back with errors: each error a link to its
 * field. Focus goes to it without JavaScript (autofocus, and tabindex so it can hold focus), so a
 * screen reader reads it first; the page's title starts with "Fout:" (web.render's `error`).
 */
export function errorSummary(lang: Lang, errors: readonly FieldError[]): SafeHtml | '' {
  if (errors.length === 0) return '';
  return html`<div
    class="utrecht-alert utrecht-alert--error dezi-error-summary"
    role="alert"
    aria-labelledby="fouten-titel"
    tabindex="-1"
    autofocus
  >
    <div class="utrecht-alert__content">
      <div class="utrecht-alert__message">
        <h2 class="nl-heading nl-heading--level-2" id="fouten-titel">${t(lang, 'form.error_summary')}</h2>
        <ul class="utrecht-unordered-list">
          ${errors.map(
            (e) =>
              html`<li class="utrecht-unordered-list__item">
                <a class="nl-link" href="#${e.id}">${e.message}</a>
              </li>`,
          )}
        </ul>
      </div>
    </div>
  </div>`;
}

/** The ids a control is described by: its hint and its error, when it has them. */
export function describedBy(id: string, o: { hint?: unknown; error?: unknown }): string {
  return [o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter(Boolean).join(' ');
}

/** A field's error beside the field, with "Fout:" for a screen reader that meets it out of context. */
export function fieldError(id: string, lang: Lang, message: string | undefined): SafeHtml | '' {
  if (!message) return '';
  return html`<p class="utrecht-form-field__error-message utrecht-form-field-error-message" id="${id}-error">
    <span class="rhc-visually-hidden">${t(lang, 'form.error_prefix')}</span> ${message}
  </p>`;
}

function fieldHint(id: string, hint: Content | undefined): SafeHtml | '' {
  if (!hint) return '';
  return html`<p class="utrecht-form-field__description utrecht-form-field-description" id="${id}-hint">
    ${hint}
  </p>`;
}

/** A labelled field: label, hint, error (beside the field), then the control. */
export function formField(o: {
  id: string;
  label: Content;
  hint?: Content;
  error?: string;
  lang: Lang;
  control: SafeHtml;
}): SafeHtml {
  return html`<div
    class="utrecht-form-field utrecht-form-field--text${o.error ? ' utrecht-form-field--invalid' : ''}"
  >
    <div class="utrecht-form-field__label">
      <label class="utrecht-form-label" for="${o.id}">${o.label}</label>
    </div>
    ${fieldHint(o.id, o.hint)} ${fieldError(o.id, o.lang, o.error)}
    <div class="utrecht-form-field__input">${o.control}</div>
  </div>`;
}

export interface TextboxOptions {
  id: string;
  name: string;
  value: string;
  invalid?: boolean;
  describedBy?: string;
  required?: boolean;
  autocomplete?: string;
  maxlength?: number;
  type?: 'text' | 'email' | 'tel' | 'url';
  inputmode?: 'numeric' | 'text';
}

export function textbox(o: TextboxOptions): SafeHtml {
  return html`<input
    class="utrecht-textbox utrecht-textbox--html-input${o.invalid ? ' utrecht-textbox--invalid' : ''}"
    type="${o.type ?? 'text'}"
    id="${o.id}"
    name="${o.name}"
    value="${o.value}"
    maxlength="${o.maxlength ?? 200}"
    ${o.inputmode ? html`inputmode="${o.inputmode}"` : ''}
    ${o.autocomplete ? html`autocomplete="${o.autocomplete}"` : ''}
    ${o.required ? html`required aria-required="true"` : ''}
    ${o.invalid ? html`aria-invalid="true"` : ''}
    ${o.describedBy ? html`aria-describedby="${o.describedBy}"` : ''}
  />`;
}

/** A date (the browser's date picker; yyyy-mm-dd sent), in a labelled field. */
export function dateField(o: {
  id: string;
  name: string;
  label: Content;
  value: string;
  hint?: Content;
  error?: string;
  min?: string;
  required?: boolean;
  lang: Lang;
}): SafeHtml {
  const by = describedBy(o.id, o);
  return formField({
    ...o,
    control: html`<input
      class="utrecht-textbox utrecht-textbox--html-input dezi-date${o.error ? ' utrecht-textbox--invalid' : ''}"
      type="date"
      id="${o.id}"
      name="${o.name}"
      value="${o.value}"
      ${o.min ? html`min="${o.min}"` : ''}
      ${o.required === false ? '' : html`required aria-required="true"`}
      ${o.error ? html`aria-invalid="true"` : ''}
      ${by ? html`aria-describedby="${by}"` : ''}
    />`,
  });
}

/** Several lines of text (redirect URIs, a pasted certificate), in a labelled field. */
export function textareaField(o: {
  id: string;
  name: string;
  label: Content;
  value: string;
  hint?: Content;
  error?: string;
  rows?: number;
  maxlength?: number;
  lang: Lang;
}): SafeHtml {
  const by = describedBy(o.id, o);
  // The value starts on the line after the tag: a first newline there is dropped by the parser.
  return formField({
    ...o,
    control: html`<textarea
      class="utrecht-textarea utrecht-textarea--html-textarea${o.error ? ' utrecht-textarea--invalid' : ''}"
      id="${o.id}"
      name="${o.name}"
      rows="${o.rows ?? 4}"
      maxlength="${o.maxlength ?? 8000}"
      spellcheck="false"
      ${o.error ? html`aria-invalid="true"` : ''}
      ${by ? html`aria-describedby="${by}"` : ''}
    >
${o.value}</textarea>`,
  });
}

/** A file to choose (read as text by the server), in a labelled field. */
export function fileField(o: {
  id: string;
  name: string;
  label: Content;
  accept: string;
  hint?: Content;
  error?: string;
  lang: Lang;
}): SafeHtml {
  const by = describedBy(o.id, o);
  return formField({
    ...o,
    control: html`<input
      class="dezi-file"
      type="file"
      id="${o.id}"
      name="${o.name}"
      accept="${o.accept}"
      ${o.error ? html`aria-invalid="true"` : ''}
      ${by ? html`aria-describedby="${by}"` : ''}
    />`,
  });
}

export interface SelectOption {
  value: string;
  label: string;
}

export function select(o: {
  id: string;
  name: string;
  options: readonly SelectOption[];
  value: string;
  invalid?: boolean;
  describedBy?: string;
}): SafeHtml {
  return html`<select
    class="utrecht-select utrecht-select--html-select${o.invalid ? ' utrecht-select--invalid' : ''}"
    id="${o.id}"
    name="${o.name}"
    ${o.invalid ? html`aria-invalid="true"` : ''}
    ${o.describedBy ? html`aria-describedby="${o.describedBy}"` : ''}
  >
    ${o.options.map(
      (opt) =>
        html`<option value="${opt.value}" ${opt.value === o.value ? html`selected` : ''}>
          ${opt.label}
        </option>`,
    )}
  </select>`;
}

/** A labelled select with hint and error. */
export function selectField(o: {
  id: string;
  name: string;
  label: Content;
  hint?: Content;
  error?: string;
  lang: Lang;
  options: readonly SelectOption[];
  value: string;
}): SafeHtml {
  return formField({
    ...o,
    control: select({ ...o, invalid: Boolean(o.error), describedBy: describedBy(o.id, o) }),
  });
}

/** A checkbox with its label after it (a confirmation), and its error above it. */
export function checkboxField(o: {
  id: string;
  name: string;
  value: string;
  label: Content;
  checked: boolean;
  required?: boolean;
  error?: string;
  lang: Lang;
}): SafeHtml {
  return html`<div
    class="utrecht-form-field utrecht-form-field--checkbox${o.error ? ' utrecht-form-field--invalid' : ''}"
  >
    ${fieldError(o.id, o.lang, o.error)}
    <div class="utrecht-form-field__input">
      <input
        class="utrecht-checkbox utrecht-checkbox--html-input utrecht-checkbox--custom${o.error ? ' utrecht-checkbox--invalid' : ''}"
        type="checkbox"
        id="${o.id}"
        name="${o.name}"
        value="${o.value}"
        ${o.checked ? html`checked` : ''}
        ${o.required ? html`required aria-required="true"` : ''}
        ${o.error ? html`aria-invalid="true" aria-describedby="${o.id}-error"` : ''}
      />
    </div>
    <div class="utrecht-form-field__label utrecht-form-field__label--checkbox">
      <label class="utrecht-form-label utrecht-form-label--checkbox" for="${o.id}">${o.label}</label>
    </div>
  </div>`;
}

export interface RadioOption {
  value: string;
  label: Content;
  /** A second line under the label (the option's explanation), read with it. */
  hint?: Content;
}

/**
 * A group of radio buttons in a fieldset with a legend; the error beside the group, and the group
 * described by it. Each option's id is `${name}-${index}` unless ids are given.
 */
export function radioGroup(o: {
  name: string;
  legend: Content;
  options: readonly RadioOption[];
  value: string;
  error?: string;
  lang: Lang;
  required?: boolean;
  /** The id of each option (default `${name}-${value}`). */
  optionId?: (opt: RadioOption, index: number) => string;
}): SafeHtml {
  const idOf = o.optionId ?? ((opt: RadioOption) => `${o.name}-${opt.value}`);
  return html`<fieldset
    class="utrecht-form-fieldset utrecht-form-fieldset--html-fieldset${o.error ? ' utrecht-form-fieldset--invalid' : ''}"
    ${o.error ? html`aria-describedby="${o.name}-error"` : ''}
  >
    <legend class="utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend">
      ${o.legend}
    </legend>
    ${fieldError(o.name, o.lang, o.error)}
    <div class="dezi-options">
      ${o.options.map((opt, n) => {
        const id = idOf(opt, n);
        return html`<div class="utrecht-form-field utrecht-form-field--radio dezi-option">
          <div class="utrecht-form-field__input">
            <input
              class="utrecht-radio-button utrecht-radio-button--html-input${o.error ? ' utrecht-radio-button--invalid' : ''}"
              type="radio"
              name="${o.name}"
              id="${id}"
              value="${opt.value}"
              ${o.value === opt.value ? html`checked` : ''}
              ${o.required ? html`required` : ''}
              ${opt.hint ? html`aria-describedby="${id}-hint"` : ''}
            />
          </div>
          <div class="utrecht-form-field__label utrecht-form-field__label--radio">
            <label class="utrecht-form-label utrecht-form-label--radio" for="${id}">${opt.label}</label>
          </div>
          ${
            opt.hint
              ? html`<p
                  class="utrecht-form-field__description utrecht-form-field-description"
                  id="${id}-hint"
                >
                  ${opt.hint}
                </p>`
              : ''
          }
        </div>`;
      })}
    </div>
  </fieldset>`;
}

/**
 * A table that scrolls sideways inside its own region on a narrow screen instead of the page:
 * focusable, so a keyboard can scroll it, and named, so a screen reader says what it is.
 */
export function tableContainer(o: { table: SafeHtml; label?: string; labelledBy?: string }): SafeHtml {
  return html`<div
    class="utrecht-table-container utrecht-table-container--overflow-inline"
    tabindex="0"
    role="region"
    ${o.labelledBy ? html`aria-labelledby="${o.labelledBy}"` : html`aria-label="${o.label ?? ''}"`}
  >
    ${o.table}
  </div>`;
}

/**
 * A table of rows under named columns, with its caption, in its own scrolling region (tableContainer)
 * named by that caption. A cell is text or markup; the page decides what goes in it.
 */
export function dataTable(o: {
  id: string;
  caption: Content;
  columns: readonly Content[];
  rows: readonly (readonly Content[])[];
}): SafeHtml {
  return tableContainer({
    labelledBy: `${o.id}-caption`,
    table: html`<table>
      <caption id="${o.id}-caption">
        ${o.caption}
      </caption>
      <thead>
        <tr>
          ${o.columns.map((c) => html`<th scope="col">${c}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${o.rows.map(
          (r) =>
            html`<tr>
              ${r.map((cell) => html`<td>${cell}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>`,
  });
}

/** Facts as key and value (a person's Dezi-nummer, name). */
export function dataList(items: readonly [Content, Content][]): SafeHtml {
  return html`<dl class="utrecht-data-list utrecht-data-list--rows">
    ${items.map(
      ([key, value]) =>
        html`<div class="utrecht-data-list__item">
          <dt class="utrecht-data-list__item-key">${key}</dt>
          <dd class="utrecht-data-list__item-value utrecht-data-list__item-value--html-dd">${value}</dd>
        </div>`,
    )}
  </dl>`;
}

/** A block of its own in a list (an employment, a choice): a card with its content. */
export function card(content: SafeHtml, o: { tag?: 'li' | 'div' | 'section' } = {}): SafeHtml {
  const tag = o.tag ?? 'li';
  return html`<${tag} class="rhc-card rhc-card--default dezi-card">${content}</${tag}>`;
}

/** Text for a screen reader only (which item a repeated link acts on). */
export function visuallyHidden(text: Content): SafeHtml {
  return html`<span class="rhc-visually-hidden">${text}</span>`;
}

/** A badge beside a name ("voorkeur"). */
export function badge(text: string): SafeHtml {
  return html`<span class="utrecht-badge-status dezi-badge">${text}</span>`;
}
