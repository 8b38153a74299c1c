// What every page of the broker carries: the interaction's CSRF token, and a way to cancel.
import { html, type SafeHtml } from '../../web/html.ts';
import { t, type Lang } from '../../web/i18n.ts';
import type { Web } from '../../web/web.ts';
import type { Interaction } from '../interaction.ts';

/** The CSRF binding of an interaction's forms (checked by the broker's CSRF hook). */
export const interactionBinding = (uid: string) => `interaction:${uid}`;

export function csrfField(web: Web, i: Interaction): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${web.csrfToken(interactionBinding(i.uid))}" />`;
}

export function cancelForm(web: Web, i: Interaction, lang: Lang): SafeHtml {
  return html`<form method="post" action="/interaction/${i.uid}/annuleren">
    ${csrfField(web, i)}
    <button class="link-button" type="submit">${t(lang, 'login.cancel', { client: i.clientName })}</button>
  </form>`;
}

export function tryAgain(i: Interaction, lang: Lang): SafeHtml {
  return html`<p><a class="button" href="/interaction/${i.uid}">${t(lang, 'error.try_again')}</a></p>`;
}
