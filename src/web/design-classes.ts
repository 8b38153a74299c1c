// The NL Design System's class names for plain semantic HTML, added once, to a whole page: a page
// writes <h1>, <p>, <a href>, <table> and gets the house style's heading, paragraph, link and table.
// Elements that carry a class of their own keep it; the few class names Dezi's pages used before the
// house style (button, notice, hint, …) are translated to their NL DS components, so a page written
// with them looks like every other page. New markup should use the helpers in components.ts.
//
// This works on markup built with the html`` template (html.ts): every value in it is escaped, so a
// "<" in the text is always "&lt;" and a tag found here is always a tag the template wrote.
import { buttonClass, linkButtonClass, TEXT_BUTTON_CLASS, type ButtonVariant } from './components.ts';

/** The classes of a plain element, by tag. */
const PLAIN: Record<string, string> = {
  h1: 'nl-heading nl-heading--level-1',
  h2: 'nl-heading nl-heading--level-2',
  h3: 'nl-heading nl-heading--level-3',
  h4: 'nl-heading nl-heading--level-4',
  p: 'nl-paragraph',
  ul: 'utrecht-unordered-list',
  ol: 'utrecht-ordered-list',
  table: 'utrecht-table utrecht-table--html-table',
  caption: 'utrecht-table__caption',
  thead: 'utrecht-table__header',
  tbody: 'utrecht-table__body',
  tr: 'utrecht-table__row',
  th: 'utrecht-table__header-cell',
  td: 'utrecht-table__cell',
  label: 'utrecht-form-label',
  select: 'utrecht-select utrecht-select--html-select',
  textarea: 'utrecht-textarea utrecht-textarea--html-textarea',
  fieldset: 'utrecht-form-fieldset utrecht-form-fieldset--html-fieldset',
  legend: 'utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend',
  button: buttonClass('primary'),
};

const INPUT: Record<string, string> = {
  text: 'utrecht-textbox utrecht-textbox--html-input',
  email: 'utrecht-textbox utrecht-textbox--html-input',
  tel: 'utrecht-textbox utrecht-textbox--html-input',
  url: 'utrecht-textbox utrecht-textbox--html-input',
  search: 'utrecht-textbox utrecht-textbox--html-input',
  number: 'utrecht-textbox utrecht-textbox--html-input',
  date: 'utrecht-textbox utrecht-textbox--html-input',
  checkbox: 'utrecht-checkbox utrecht-checkbox--html-input utrecht-checkbox--custom',
  radio: 'utrecht-radio-button utrecht-radio-button--html-input',
};

/** The class names of the hand-written stylesheet before the house style, and what they are now. */
const LEGACY: Record<string, string> = {
  'link-button': TEXT_BUTTON_CLASS,
  hint: 'utrecht-form-field-description',
  'error-message': 'utrecht-form-field-error-message',
  field: 'utrecht-form-field utrecht-form-field--text',
  'table-wrap': 'utrecht-table-container utrecht-table-container--overflow-inline',
  'visually-hidden': 'rhc-visually-hidden',
  card: 'rhc-card rhc-card--default dezi-card',
  badge: 'utrecht-badge-status dezi-badge',
  'plain-list': 'dezi-plain-list',
  'inline-form': 'dezi-inline-form',
  'form-row': 'dezi-actions',
  facts: 'dezi-facts',
  'choice-list': 'dezi-options',
  choice: 'dezi-option',
  'choice-sub': 'dezi-sub',
  'code-display': 'dezi-code-display',
  'error-summary': 'utrecht-alert utrecht-alert--error dezi-error-summary',
};

function translateLegacy(tag: string, classes: string[]): string[] {
  const has = new Set(classes);
  const out: string[] = [];
  if (has.has('button')) {
    const variant: ButtonVariant = has.has('button-secondary') ? 'secondary' : 'primary';
    out.push(tag === 'a' ? linkButtonClass(variant) : buttonClass(variant));
  }
  if (has.has('notice')) {
    const kind = has.has('notice-error') ? 'error' : has.has('notice-warning') ? 'warning' : 'info';
    out.push(`utrecht-alert utrecht-alert--${kind}`);
  }
  const consumed = new Set(['button', 'button-secondary', 'notice', 'notice-error', 'notice-warning']);
  for (const c of classes) if (!consumed.has(c)) out.push(LEGACY[c] ?? c);
  return out.join(' ').split(' ');
}

const TAG =
  /<(h[1-4]|p|a|ul|ol|table|caption|thead|tbody|tr|th|td|label|select|textarea|fieldset|legend|button|input|li|div|span|form)\b([^>]*)>/g;
const CLASS_ATTR = /\sclass="([^"]*)"/;

export function designSystemClasses(markup: string): string {
  return markup.replace(TAG, (whole, tag: string, attrs: string) => {
    const existing = CLASS_ATTR.exec(attrs);
    if (existing) {
      const translated = [...new Set(translateLegacy(tag, existing[1]!.split(/\s+/).filter(Boolean)))];
      return `<${tag}${attrs.replace(CLASS_ATTR, ` class="${translated.join(' ')}"`)}>`;
    }
    let cls: string | undefined;
    if (tag === 'a') cls = /\shref=/.test(attrs) ? 'nl-link' : undefined;
    else if (tag === 'input') cls = INPUT[/\stype="([^"]*)"/.exec(attrs)?.[1] ?? 'text'];
    else cls = PLAIN[tag];
    return cls ? `<${tag} class="${cls}"${attrs}>` : whole;
  });
}
