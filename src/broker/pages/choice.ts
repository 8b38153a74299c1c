// "Waar werk je? Wat ben je?": the person's active employments, one to choose for this login, and
// the mandates they may act under here (mandate-choices.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Employment, UsableMandate } from '../../register/register.ts';
import { button, buttonGroup, errorSummary, radioGroup } from '../../web/components.ts';
import { html } from '../../web/html.ts';
import { t } from '../../web/i18n.ts';
import type { Web } from '../../web/web.ts';
import type { Interaction } from '../interaction.ts';
import { cancelForm, csrfField } from './common.ts';
import { mandateChoices } from './mandate-choices.ts';

export function choicePage(
  web: Web,
  req: FastifyRequest,
  reply: FastifyReply,
  i: Interaction,
  employments: Employment[],
  invalid: boolean,
  mandates: UsableMandate[] = [],
): FastifyReply {
  const lang = web.lang(req, reply);
  const error = invalid ? t(lang, 'choose.required') : undefined;
  const body = html`<h1>${t(lang, 'choose.title')}</h1>
    ${errorSummary(lang, error ? [{ id: 'employment-0', message: error }] : [])}
    <p>${t(lang, mandates.length > 0 ? 'mandate.choose.intro' : 'choose.intro', { client: i.clientName })}</p>
    <form method="post" action="/interaction/${i.uid}/kies" novalidate>
      ${csrfField(web, i)}
      ${radioGroup({
        name: 'employment',
        legend: t(lang, 'choose.legend'),
        value: '',
        error,
        lang,
        required: true,
        optionId: (_opt, n) => `employment-${n}`,
        options: [
          ...employments.map((e) => ({
            value: e.id,
            label: e.abonnee.naam,
            hint: html`${e.rolNaam ? `${e.rolNaam} (${e.rolCode})` : t(lang, 'choose.norole')}<br />${`URA ${e.abonnee.abonneeNummer}`}`,
          })),
          ...mandateChoices(lang, mandates),
        ],
      })}
      ${buttonGroup(button({ label: t(lang, 'choose.submit') }))}
    </form>
    ${cancelForm(web, i, lang)}`;
  return web.render(req, reply.code(invalid ? 400 : 200), {
    lang,
    title: t(lang, 'choose.title'),
    error: invalid,
    body,
  });
}
