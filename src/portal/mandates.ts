// Mijn Dezi's mandates: the mandates a person received (accept, decline, end) and gave (end), and the
// form to give one, for a person with a BIG role at an abonnee, to a colleague there by Dezi-nummer.
// The register decides every rule (register/mandates.ts); these pages say which field to correct.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { recordAudit } from '../audit/audit.ts';
import { isUuid } from '../ids.ts';
import { listZorgapplicaties, type Zorgapplicatie } from '../oidc/zorgapplicaties.ts';
import {
  MandateRefused,
  type Employment,
  type Mandate,
  type MandateRefusalReason,
} from '../register/register.ts';
import { today } from '../register/register.ts';
import { html } from '../web/html.ts';
import { t, type Lang, type MessageKey } from '../web/i18n.ts';
import {
  button,
  buttonGroup,
  csrfField,
  dateField,
  errorSummary,
  field,
  linkButton,
  selectField,
  textInput,
  type FieldError,
} from './forms.ts';
import { PORTAL_CLIENT_ID } from './login.ts';
import { checkboxes, errorFor, fieldValues } from './mandate-forms.ts';
import { mandateCard, mandateeHeading, mandatorHeading } from './mandate-views.ts';
import { fullName, sessionBinding } from './mijn-dezi.ts';
import {
  notFound,
  notice,
  personPage,
  personPost,
  problemPage,
  type AccessDeps,
  type Me,
} from './portal-access.ts';

export interface MandatePagesDeps extends AccessDeps {
  provider: Provider;
}

const BASE = '/mijn-dezi/mandaten';

/** The field each refusal of the register is about, and the text that says what to do. */
const REFUSAL_FIELD: Record<MandateRefusalReason, { field: string; key: MessageKey }> = {
  no_big_role: { field: 'werkgever', key: 'mandate.error.no_big_role' },
  not_found: { field: 'werkgever', key: 'mandate.error.no_big_role' },
  not_a_colleague: { field: 'dezinummer', key: 'mandate.error.not_a_colleague' },
  self: { field: 'dezinummer', key: 'mandate.error.self' },
  start_in_past: { field: 'ingangsdatum', key: 'mandate.error.start_in_past' },
  end_before_start: { field: 'einddatum', key: 'mandate.error.end_before_start' },
  too_long: { field: 'einddatum', key: 'mandate.error.too_long' },
  too_many_clients: { field: 'zorgapplicaties', key: 'mandate.error.too_many_clients' },
  not_pending: { field: 'werkgever', key: 'mandate.refused.body' },
  not_open: { field: 'werkgever', key: 'mandate.refused.body' },
  expired: { field: 'werkgever', key: 'mandate.refused.body' },
};

/** Employments a person may give a mandate through: active today, with a role from the BIG-register. */
export function bigEmployments(employments: Employment[]): Employment[] {
  return employments.filter((e) => e.roleSource === 'big' && e.rolCode !== null);
}

const employmentLabel = (lang: Lang, e: Employment) =>
  t(lang, 'mandate.form.employment.option', {
    rol: `${e.rolNaam} (${e.rolCode})`,
    abonnee: e.abonnee.naam,
  });

interface GiveForm {
  werkgever: string;
  dezinummer: string;
  ingangsdatum: string;
  einddatum: string;
  zorgapplicaties: string[];
}

export async function mandatePages(app: FastifyInstance, d: MandatePagesDeps): Promise<void> {
  const { web } = d;
  const zorgapplicaties = () => listZorgapplicaties(d.db, [PORTAL_CLIENT_ID]);

  async function audit(
    me: Me,
    action: string,
    outcome: 'success' | 'failure',
    detail: Record<string, string | null>,
  ) {
    await recordAudit(d.db, { actor: me.actor, action, outcome, clientId: PORTAL_CLIENT_ID, detail });
  }

  personPage(app, d, BASE, async (req, reply, me, lang) => {
    const { person, session } = me;
    const [received, given, employments, known] = await Promise.all([
      d.register.mandates.receivedBy(person.id),
      d.register.mandates.givenBy(person.id),
      d.register.activeEmployments(person.id),
      zorgapplicaties(),
    ]);
    await audit(me, 'portal.mandates.read', 'success', {
      received: String(received.length),
      given: String(given.length),
    });
    const csrf = csrfField(web, sessionBinding(session));
    const action = (path: string, id: string, label: string, secondary = false) =>
      html`<form method="post" action="${BASE}/${path}" class="inline-form">
        ${csrf}<input type="hidden" name="id" value="${id}" />
        <button class="button${secondary ? ' button-secondary' : ''}" type="submit">${label}</button>
      </form>`;
    const open = (m: Mandate) => m.status === 'pending' || m.status === 'accepted';
    const receivedActions = (m: Mandate) => {
      const naam = fullName(m.mandator);
      return html`<div class="form-row">
        ${m.status === 'pending' ? action('accepteren', m.id, t(lang, 'mandate.accept', { naam })) : ''}
        ${m.status === 'pending' ? action('weigeren', m.id, t(lang, 'mandate.decline', { naam }), true) : ''}
        ${m.status === 'accepted' ? action('beeindigen', m.id, t(lang, 'mandate.end_received', { naam }), true) : ''}
      </div>`;
    };
    const canGive = bigEmployments(employments).length > 0;
    const body = html`<h1>${t(lang, 'mandate.title')}</h1>
      ${notice(req, {
        gegeven: t(lang, 'mandate.notice.given'),
        geaccepteerd: t(lang, 'mandate.notice.accepted'),
        geweigerd: t(lang, 'mandate.notice.declined'),
        beeindigd: t(lang, 'mandate.notice.ended'),
      })}
      <p>${t(lang, 'mandate.intro')}</p>

      <h2>${t(lang, 'mandate.received')}</h2>
      ${
        received.length === 0
          ? html`<p>${t(lang, 'mandate.received.none')}</p>`
          : html`<ul class="plain-list">
              ${received.map((m) =>
                mandateCard(lang, m, {
                  heading: mandatorHeading(lang, m),
                  known,
                  actions: receivedActions(m),
                }),
              )}
            </ul>`
      }

      <h2>${t(lang, 'mandate.given')}</h2>
      ${
        canGive
          ? html`<p><a class="button" href="${BASE}/nieuw">${t(lang, 'mandate.give')}</a></p>`
          : html`<p>${t(lang, 'mandate.give.no_big_role')}</p>`
      }
      ${
        given.length === 0
          ? html`<p>${t(lang, 'mandate.given.none')}</p>`
          : html`<ul class="plain-list">
              ${given.map((m) =>
                mandateCard(lang, m, {
                  heading: mandateeHeading(lang, m),
                  known,
                  actions: open(m)
                    ? action(
                        'beeindigen',
                        m.id,
                        t(lang, 'mandate.end_given', { naam: fullName(m.mandatee) }),
                        true,
                      )
                    : undefined,
                }),
              )}
            </ul>`
      }
      <p><a href="/mijn-dezi">${t(lang, 'mandate.back_to_mijn_dezi')}</a></p>`;
    return web.render(req, reply, { lang, title: t(lang, 'mandate.title'), body });
  });

  function giveForm(
    req: FastifyRequest,
    reply: FastifyReply,
    me: Me,
    lang: Lang,
    o: {
      employments: Employment[];
      known: Zorgapplicatie[];
      values: GiveForm;
      errors: FieldError[];
      status?: number;
    },
  ): FastifyReply {
    const { values, errors } = o;
    const title = t(lang, 'mandate.give');
    const body = html`<h1>${title}</h1>
      ${errorSummary(lang, errors)}
      <p>${t(lang, 'mandate.form.intro')}</p>
      <form method="post" action="${BASE}" novalidate>
        ${csrfField(web, sessionBinding(me.session))}
        ${selectField({
          id: 'werkgever',
          name: 'werkgever',
          label: t(lang, 'mandate.form.employment'),
          options: o.employments.map((e) => ({ value: e.id, label: employmentLabel(lang, e) })),
          value: values.werkgever,
          error: errorFor(errors, 'werkgever'),
          lang,
        })}
        ${textInput({
          name: 'dezinummer',
          label: t(lang, 'mandate.form.dezi_nummer'),
          hint: t(lang, 'mandate.form.dezi_nummer.hint'),
          value: values.dezinummer,
          error: errorFor(errors, 'dezinummer'),
          required: true,
          maxlength: 9,
          inputmode: 'numeric',
          autocomplete: 'off',
          lang,
        })}
        ${dateField({
          id: 'ingangsdatum',
          name: 'ingangsdatum',
          label: t(lang, 'mandate.form.start'),
          hint: t(lang, 'mandate.form.start.hint'),
          value: values.ingangsdatum,
          error: errorFor(errors, 'ingangsdatum'),
          min: today(),
          lang,
        })}
        ${dateField({
          id: 'einddatum',
          name: 'einddatum',
          label: t(lang, 'mandate.form.end'),
          hint: t(lang, 'mandate.form.end.hint'),
          value: values.einddatum,
          error: errorFor(errors, 'einddatum'),
          min: today(),
          lang,
        })}
        ${
          o.known.length > 0
            ? checkboxes({
                name: 'zorgapplicaties',
                legend: t(lang, 'mandate.form.clients'),
                hint: t(lang, 'mandate.form.clients.hint'),
                options: o.known.map((z) => ({ value: z.clientId, label: z.name, sub: z.clientId })),
                checked: values.zorgapplicaties,
                error: errorFor(errors, 'zorgapplicaties'),
                lang,
              })
            : ''
        }
        ${buttonGroup(
          button({ label: t(lang, 'mandate.form.submit') }),
          linkButton({ href: BASE, label: t(lang, 'mandate.form.cancel'), variant: 'secondary' }),
        )}
      </form>`;
    return web.render(req, reply.code(o.status ?? 200), {
      lang,
      title,
      error: errors.length > 0,
      body,
    });
  }

  personPage(app, d, `${BASE}/nieuw`, async (req, reply, me, lang) => {
    const employments = bigEmployments(await d.register.activeEmployments(me.person.id));
    if (employments.length === 0)
      return problemPage(web, req, reply, {
        status: 403,
        titleKey: 'mandate.give',
        bodyKey: 'mandate.give.no_big_role',
        back: BASE,
      });
    return giveForm(req, reply, me, lang, {
      employments,
      known: await zorgapplicaties(),
      values: {
        werkgever: employments[0]!.id,
        dezinummer: '',
        ingangsdatum: today(),
        einddatum: '',
        zorgapplicaties: [],
      },
      errors: [],
    });
  });

  personPost(app, d, BASE, async (req, reply, me, lang) => {
    const values: GiveForm = {
      werkgever: field(req, 'werkgever', 36),
      dezinummer: field(req, 'dezinummer', 9).replace(/\s+/g, ''),
      ingangsdatum: field(req, 'ingangsdatum', 10),
      einddatum: field(req, 'einddatum', 10),
      zorgapplicaties: fieldValues(req, 'zorgapplicaties'),
    };
    const [employments, known] = await Promise.all([
      d.register.activeEmployments(me.person.id).then(bigEmployments),
      zorgapplicaties(),
    ]);
    const errors: FieldError[] = [];
    const date = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
    if (!isUuid(values.werkgever))
      errors.push({ id: 'werkgever', message: t(lang, 'mandate.error.no_big_role') });
    if (!/^[0-9]{9}$/.test(values.dezinummer))
      errors.push({ id: 'dezinummer', message: t(lang, 'mandate.error.dezi_nummer') });
    if (!date.test(values.ingangsdatum))
      errors.push({ id: 'ingangsdatum', message: t(lang, 'mandate.error.date') });
    if (!date.test(values.einddatum))
      errors.push({ id: 'einddatum', message: t(lang, 'mandate.error.date') });
    const knownIds = new Set(known.map((z) => z.clientId));
    if (values.zorgapplicaties.some((id) => !knownIds.has(id)))
      errors.push({ id: 'zorgapplicaties', message: t(lang, 'mandate.error.unknown_client') });
    let status = 400;
    if (errors.length === 0) {
      try {
        await d.register.mandates.give(
          {
            mandatorPersonId: me.person.id,
            mandatorEmploymentId: values.werkgever,
            mandateeDeziNummer: values.dezinummer,
            startDate: values.ingangsdatum,
            endDate: values.einddatum,
            clientIds: values.zorgapplicaties,
          },
          me.actor,
        );
        return reply.redirect(`${BASE}?melding=gegeven`, 303);
      } catch (err) {
        if (!(err instanceof MandateRefused)) {
          // A date the calendar does not have (31 February): the register's own check.
          if (!(err instanceof Error) || !/date/.test(err.message)) throw err;
          errors.push({
            id: /startDate/.test(err.message) ? 'ingangsdatum' : 'einddatum',
            message: t(lang, 'mandate.error.date'),
          });
        } else {
          const { field: name, key } = REFUSAL_FIELD[err.reason];
          errors.push({ id: name, message: t(lang, key) });
          if (err.reason === 'no_big_role') status = 403;
        }
      }
    }
    await audit(me, 'portal.mandate.give', 'failure', {
      reason: errors.map((e) => e.id).join(','),
      mandatee: /^[0-9]{9}$/.test(values.dezinummer) ? values.dezinummer : null,
    });
    if (employments.length === 0)
      return problemPage(web, req, reply, {
        status: 403,
        titleKey: 'mandate.give',
        bodyKey: 'mandate.give.no_big_role',
        back: BASE,
      });
    return giveForm(req, reply, me, lang, { employments, known, values, errors, status });
  });

  /** Accept, decline or end: the person's own mandate only (another's is not found). */
  function change(
    path: string,
    run: (id: string, me: Me) => Promise<Mandate>,
    melding: string,
    confirm?: (m: Mandate, lang: Lang) => { title: string; text: string; yes: string },
  ) {
    personPost(app, d, `${BASE}/${path}`, async (req, reply, me, lang) => {
      const id = field(req, 'id', 36);
      if (!isUuid(id)) return notFound(web, req, reply, BASE);
      if (confirm && field(req, 'bevestigd', 2) !== 'ja') {
        const m = await d.register.mandates.get(id);
        const mine = m && (m.mandator.personId === me.person.id || m.mandatee.personId === me.person.id);
        if (!m || !mine) return notFound(web, req, reply, BASE);
        const c = confirm(m, lang);
        return web.render(req, reply, {
          lang,
          title: c.title,
          body: html`<h1>${c.title}</h1>
            <p>${c.text}</p>
            <form method="post" action="${BASE}/${path}">
              ${csrfField(web, sessionBinding(me.session))}
              <input type="hidden" name="id" value="${m.id}" />
              <input type="hidden" name="bevestigd" value="ja" />
              <div class="form-row">
                <button class="button" type="submit">${c.yes}</button>
                <a href="${BASE}">${t(lang, 'mandate.form.cancel')}</a>
              </div>
            </form>`,
        });
      }
      try {
        await run(id, me);
      } catch (err) {
        if (!(err instanceof MandateRefused)) throw err;
        await audit(me, `portal.mandate.${path}`, 'failure', { mandate_id: id, reason: err.reason });
        if (err.reason === 'not_found') return notFound(web, req, reply, BASE);
        return problemPage(web, req, reply, {
          status: 409,
          titleKey: 'mandate.refused.title',
          bodyKey: 'mandate.refused.body',
          back: BASE,
        });
      }
      return reply.redirect(`${BASE}?melding=${melding}`, 303);
    });
  }

  change('accepteren', (id, me) => d.register.mandates.accept(id, me.person.id, me.actor), 'geaccepteerd');
  change('weigeren', (id, me) => d.register.mandates.decline(id, me.person.id, me.actor), 'geweigerd');
  change(
    'beeindigen',
    (id, me) => d.register.mandates.end(id, { personId: me.person.id }, me.actor),
    'beeindigd',
    (m, lang) => ({
      title: t(lang, 'mandate.end.confirm_title'),
      text: t(lang, 'mandate.end.confirm', { van: fullName(m.mandator), aan: fullName(m.mandatee) }),
      yes: t(lang, 'mandate.end.yes'),
    }),
  );
}
