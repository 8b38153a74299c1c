// How a mandate and a role declaration look on a page, in Mijn Dezi and in the abonnee portal alike:
// a card with a heading, the facts, and the actions the viewer may take.
import type { Mandate, MandateStatus, RoleDeclaration, RoleDeclarationStatus } from '../register/register.ts';
import type { Zorgapplicatie } from '../oidc/zorgapplicaties.ts';
import { formatDate, formatDay } from '../web/dates.ts';
import { html, type SafeHtml } from '../web/html.ts';
import { t, type Lang } from '../web/i18n.ts';
import { fullName } from './mijn-dezi.ts';

export const MANDATE_STATUS_KEY = {
  pending: 'mandate.status.pending',
  accepted: 'mandate.status.accepted',
  declined: 'mandate.status.declined',
  ended: 'mandate.status.ended',
  expired: 'mandate.status.expired',
} as const satisfies Record<MandateStatus, string>;

export const DECLARATION_STATUS_KEY = {
  pending: 'roledecl.status.pending',
  confirmed: 'roledecl.status.confirmed',
  refused: 'roledecl.status.refused',
  withdrawn: 'roledecl.status.withdrawn',
} as const satisfies Record<RoleDeclarationStatus, string>;

/** "Huisarts, 01.015" for the mandator's role ("geen rolcode" when it has none now). */
export function mandatorRole(lang: Lang, m: Mandate): string {
  return m.mandatorRolNaam ? `${m.mandatorRolNaam}, ${m.mandatorRolCode}` : t(lang, 'choose.norole');
}

/** The zorgapplicaties a mandate names, by name; "every zorgapplicatie" when it names none. */
export function clientNames(lang: Lang, m: Mandate, known: Zorgapplicatie[]): string {
  if (m.clientIds.length === 0) return t(lang, 'mandate.clients.all');
  const names = new Map(known.map((z) => [z.clientId, z.name]));
  return m.clientIds.map((id) => names.get(id) ?? id).join(', ');
}

export function mandateCard(
  lang: Lang,
  m: Mandate,
  o: { heading: string; known: Zorgapplicatie[]; actions?: SafeHtml },
): SafeHtml {
  return html`<li class="card">
    <h3>${o.heading}</h3>
    <dl class="facts">
      <dt>${t(lang, 'portal.abonnee')}</dt>
      <dd>${m.abonnee.naam} <span class="hint">(URA ${m.abonnee.abonneeNummer})</span></dd>
      <dt>${t(lang, 'mandate.period')}</dt>
      <dd>
        ${t(lang, 'mandate.period.value', {
          van: formatDate(lang, m.startDate),
          tot: formatDate(lang, m.endDate),
        })}
      </dd>
      <dt>${t(lang, 'mandate.clients')}</dt>
      <dd>${clientNames(lang, m, o.known)}</dd>
      <dt>${t(lang, 'portal.status')}</dt>
      <dd>${t(lang, MANDATE_STATUS_KEY[m.status])}</dd>
    </dl>
    ${o.actions ?? ''}
  </li>`;
}

export const mandatorHeading = (lang: Lang, m: Mandate) =>
  t(lang, 'mandate.choose.on_behalf', { naam: fullName(m.mandator), rol: mandatorRole(lang, m) });

export const mandateeHeading = (lang: Lang, m: Mandate) =>
  t(lang, 'mandate.given.to', { naam: fullName(m.mandatee), dezi: m.mandatee.deziNummer });

export function declarationCard(
  lang: Lang,
  d: RoleDeclaration,
  o: { heading: string; actions?: SafeHtml; currentRole?: string },
): SafeHtml {
  return html`<li class="card">
    <h3>${o.heading}</h3>
    <dl class="facts">
      <dt>${t(lang, 'portal.abonnee')}</dt>
      <dd>${d.abonnee.naam} <span class="hint">(URA ${d.abonnee.abonneeNummer})</span></dd>
      ${
        o.currentRole !== undefined
          ? html`<dt>${t(lang, 'roledecl.current_role')}</dt>
              <dd>${o.currentRole}</dd>`
          : ''
      }
      <dt>${t(lang, 'roledecl.role')}</dt>
      <dd>${d.rolNaam} (${d.rolCode})</dd>
      <dt>${t(lang, 'roledecl.declared_at')}</dt>
      <dd>${formatDay(lang, d.declaredAt)}</dd>
      <dt>${t(lang, 'portal.status')}</dt>
      <dd>${t(lang, DECLARATION_STATUS_KEY[d.status])}</dd>
    </dl>
    ${o.actions ?? ''}
  </li>`;
}
