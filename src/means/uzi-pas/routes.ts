// The certificate endpoint: where the browser presents the UZI-pas. It validates the certificate,
// records the outcome on the login's ticket, and sends the browser back to the broker with a
// one-time result token; a refused card gets a page that says why.
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../../audit/audit.ts';
import type { Database } from '../../db/database.ts';
import { buttonGroup, linkButton } from '../../web/components.ts';
import { t } from '../../web/i18n.ts';
import type { Web } from '../../web/web.ts';
import type { CertificateSource } from './certificate-source.ts';
import { UziPasError, type UziPasRefusal } from './errors.ts';
import { UziPasLogins, type UziPasOutcome } from './logins.ts';
import type { UziCertificateValidator } from './validate.ts';

export const CERTIFICATE_PATH = '/uzi-pas/certificaat';

export interface CertificateEndpointDeps {
  db: Database;
  logins: UziPasLogins;
  validator: UziCertificateValidator;
  source: CertificateSource;
  web: Web;
}

export async function certificateEndpoint(app: FastifyInstance, d: CertificateEndpointDeps): Promise<void> {
  app.get(CERTIFICATE_PATH, async (req, reply) => {
    const { ticket } = req.query as Record<string, unknown>;
    const refusalPage = (reason: UziPasRefusal, back: string) => {
      const lang = d.web.lang(req, reply);
      return d.web.renderProblem(req, reply, {
        status: reason === 'revocation_unavailable' ? 503 : 403,
        titleKey: `uzi.refused.${reason}.title` as const,
        bodyKey: `uzi.refused.${reason}.body` as const,
        actions: buttonGroup(linkButton({ href: back, label: t(lang, 'uzi.refused.continue') })),
      });
    };
    const expired = () =>
      d.web.renderProblem(req, reply, {
        status: 400,
        titleKey: 'error.session_expired.title',
        bodyKey: 'error.session_expired.body',
      });
    if (!UziPasLogins.isToken(ticket)) return expired();
    if (!(await d.logins.isOpen(ticket))) {
      const shown = await d.logins.reissueRefusal(ticket);
      return shown ? refusalPage(shown.refused, shown.url) : expired();
    }

    let outcome: UziPasOutcome;
    let refusal: UziPasError | null = null;
    try {
      const card = await d.validator.validate(d.source(req));
      outcome = { uziNummer: card.uziNummer };
      req.log.info(
        { means: 'uzi-pas', card: card.cardType, serial: card.serialNumber },
        'UZI-pas certificate accepted',
      );
    } catch (err) {
      if (!(err instanceof UziPasError)) throw err;
      refusal = err;
      outcome = { refused: err.reason };
      req.log.info(
        { means: 'uzi-pas', reason: err.reason, detail: err.message },
        'UZI-pas certificate refused',
      );
    }
    // A refused card is a security event of its own (a revoked or forged card), recorded even when
    // the person never returns to the broker; with the outcome, or not at all.
    const back = await d.db.transaction(async (tx) => {
      const url = await d.logins.settle(ticket, outcome, tx);
      if (url && refusal) {
        await recordAudit(tx, {
          actor: null,
          action: 'uzi-pas.certificate',
          outcome: 'failure',
          detail: { means: 'uzi-pas', reason: refusal.reason },
        });
      }
      return url;
    });
    if (!back) return expired();
    if (!refusal) return reply.redirect(back, 303);

    return refusalPage(refusal.reason, back);
  });
}
