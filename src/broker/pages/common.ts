// What every page of the broker carries: the interaction's CSRF token, and a way to cancel.
import { buttonGroup, linkButton, textButton } from '../../web/components.ts';
import { html, type SafeHtml } from '../../web/html.ts';
import { t, type Lang } from '../../web/i18n.ts';
import type { Web } from '../../web/web.ts';
import type { Interaction } from '../interaction.ts';

/** The CSRF binding of an interaction's forms (checked by the broker's CSRF hook). */
export const interactionBinding = (uid: string) => `interaction:${uid}`;

export function csrfField(web: Web, i: Interaction): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${web.csrfToken(interactionBinding(i.uid))}" />`;
}

/** "Annuleren en terug naar …": ends the login, and the zorgapplicatie hears that it was cancelled. */
export function cancelForm(web: Web, i: Interaction, lang: Lang): SafeHtml {
  return html`<form method="post" action="/interaction/${i.uid}/annuleren">
    ${csrfField(web, i)} ${textButton({ label: t(lang, 'login.cancel', { client: i.clientName }) })}
  </form>`;
}

export function tryAgain(i: Interaction, lang: Lang): SafeHtml {
  return buttonGroup(linkButton({ href: `/interaction/${i.uid}`, label: t(lang, 'error.try_again') }));
}
