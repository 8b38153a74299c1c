// FHIR subscriptions (POST, GET, DELETE /mitz/abonnementen/fhir/Subscription): a dossierhouder's
// system subscribes, for its own care provider, to changes of a citizen's choices, and gets them as
// notifications (src/mitz/notifications.ts). Accepts and answers FHIR XML and JSON; every refusal is an
// OperationOutcome in the format asked for.
//
// Order of the checks: the system's client assertion (401/403), the rate limit (429), the body as a
// FHIR Subscription (400, 415), Mitz's rules (422). The Location and everything logged or audited
// name the subscription by its uuid and the citizen by Mitz's id, never by BSN.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit, type Actor, type AuditDetail } from '../audit/audit.ts';
import { isUnavailable } from '../db/database.ts';
import { RateLimitedError, RateLimiter } from '../ops/rate-limit.ts';
import {
  answerFormat,
  FHIR_MEDIA,
  FhirError,
  formatOfMediaType,
  operationOutcome,
  readFhir,
  writeFhir,
  type FhirJson,
} from './fhir.ts';
import { MitzAuthError } from './errors.ts';
import type { CallingSystem, MitzServices } from './services.ts';
import { readSubscription } from './subscription-request.ts';
import {
  endSubscription,
  findSubscription,
  saveSubscription,
  type StoredSubscription,
} from './subscription-store.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const SUBSCRIPTION_PATH = '/abonnementen/fhir/Subscription';
const BODY_LIMIT = 64 * 1024;
/** Subscription requests one system may post per window (MitzConfig.subscriptionLimit overrides). */
export const DEFAULT_SUBSCRIPTION_LIMIT = { max: 1200, windowSeconds: 60 };

const actorOf = (c: CallingSystem): Actor => ({
  kind: 'system',
  abonneeNummer: c.abonneeNummer,
  clientId: c.clientId,
});

function send(req: FastifyRequest, reply: FastifyReply, status: number, resource: FhirJson) {
  const format = answerFormat(req);
  return reply.code(status).type(`${FHIR_MEDIA[format]}; charset=utf-8`).send(writeFhir(resource, format));
}

/** The subscription as its system reads it back (the birth date extension is not kept). */
function asResource(sub: StoredSubscription, bsn: string): FhirJson {
  const criteria = new URLSearchParams({
    _query: 'otv',
    patientid: bsn,
    providerid: sub.providerUra,
    providertype: sub.providerType,
  });
  return {
    resourceType: 'Subscription',
    id: sub.id,
    ...(sub.extensions.some((e) => e.valueOid)
      ? {
          extension: sub.extensions.flatMap((e) =>
            e.valueOid ? [{ url: e.url, valueOid: e.valueOid }] : [],
          ),
        }
      : {}),
    status: sub.status,
    reason: 'OTV',
    criteria: `Consent?${criteria.toString()}`,
    channel: { type: 'rest-hook', endpoint: sub.endpoint, payload: FHIR_MEDIA[sub.payload] },
  };
}

export async function subscriptionRoutes(app: FastifyInstance, s: MitzServices): Promise<void> {
  const limit = s.config.subscriptionLimit ?? DEFAULT_SUBSCRIPTION_LIMIT;
  const limiter = new RateLimiter(s.db, limit.windowSeconds);

  /** Audits a refusal of an authenticated system (an unauthenticated one is refused by its assertion). */
  const refused = async (caller: CallingSystem, action: string, err: FhirError, detail: AuditDetail = {}) => {
    await recordAudit(s.db, {
      actor: actorOf(caller),
      action,
      outcome: 'failure',
      detail: { ...detail, status: err.status, reason: err.message.slice(0, 300) },
    });
  };

  /** The caller's own subscription, or 404 (also for another system's: it does not exist for them). */
  const ownSubscription = async (caller: CallingSystem, id: string, action: string) => {
    const sub = await findSubscription(s.db, id);
    if (!sub || sub.clientId !== caller.clientId) {
      const err = new FhirError(404, 'not-found', 'no such Subscription');
      // The id is the caller's: kept only when it has the shape of one (it could be anything, a BSN too).
      await refused(caller, action, err, { subscription: UUID.test(id) ? id : null });
      throw err;
    }
    return sub;
  };

  // Its own scope: the body parsers (FHIR XML and JSON as text, read here) and the OperationOutcome
  // answers apply to these routes only.
  await app.register(
    async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) =>
        done(null, body),
      );

      scope.setErrorHandler((err: FastifyError, req, reply) => {
        if (err instanceof FhirError)
          return send(req, reply, err.status, operationOutcome(err.issue, err.message));
        if (err instanceof MitzAuthError)
          return send(req, reply, err.status, operationOutcome('security', err.message));
        if (err instanceof RateLimitedError) {
          reply.header('retry-after', String(err.retryAfter));
          return send(
            req,
            reply,
            429,
            operationOutcome(
              'throttled',
              `too many subscription requests from this system (at most ${limit.max} per ${limit.windowSeconds} s); retry after ${err.retryAfter} s`,
            ),
          );
        }
        if (isUnavailable(err)) {
          reply.header('retry-after', '5');
          return send(
            req,
            reply,
            503,
            operationOutcome('transient', 'Mitz is temporarily unavailable, try again'),
          );
        }
        if (err.statusCode === 413)
          return send(
            req,
            reply,
            413,
            operationOutcome('too-costly', `the body is larger than ${BODY_LIMIT} bytes`),
          );
        if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500)
          return send(req, reply, err.statusCode, operationOutcome('invalid', err.message));
        req.log.error(
          { err: { type: err.name, message: err.message, stack: err.stack } },
          'mitz subscription failed',
        );
        return send(req, reply, 500, operationOutcome('exception', 'internal error'));
      });
      scope.setNotFoundHandler((req, reply) =>
        send(req, reply, 404, operationOutcome('not-found', `no ${req.method} here`)),
      );

      scope.post('/Subscription', async (req, reply) => {
        const caller = await s.systems.authenticate(req);
        await limiter.hit('mitz-subscribe', caller.clientId, limit.max);
        let citizenId: string;
        let saved: { id: string; created: boolean };
        try {
          const format = formatOfMediaType(req.headers['content-type']);
          if (!format)
            throw new FhirError(
              415,
              'not-supported',
              'send the Subscription as application/fhir+xml or application/fhir+json',
            );
          if (typeof req.body !== 'string' || req.body.trim() === '')
            throw new FhirError(400, 'structure', 'the body is empty');
          const request = readSubscription(readFhir(req.body, format), {
            abonneeNummer: caller.abonneeNummer,
            proeftuin: s.web.proeftuin,
          });
          ({ citizenId, saved } = await s.db.transaction(async (tx) => {
            const citizenId = await s.citizens.ensure(request.bsn, tx);
            const saved = await saveSubscription(tx, caller, citizenId, request);
            await recordAudit(tx, {
              actor: actorOf(caller),
              action: saved.created ? 'mitz.subscription.create' : 'mitz.subscription.update',
              outcome: 'success',
              target: `citizen:${citizenId}`,
              detail: {
                subscription: saved.id,
                providerType: request.providerType,
                payload: FHIR_MEDIA[request.payload],
                extensions:
                  request.extensions.map((e) => e.url.slice(e.url.lastIndexOf('/') + 1)).join(',') || null,
              },
            });
            return { citizenId, saved };
          }));
        } catch (err) {
          if (err instanceof FhirError) await refused(caller, 'mitz.subscription.create', err);
          throw err;
        }
        req.log.info(
          { subscription: saved.id, created: saved.created, citizen: citizenId, clientId: caller.clientId },
          'mitz subscription accepted',
        );
        const sub = (await findSubscription(s.db, saved.id))!;
        const bsn = (await s.citizens.bsnOf(citizenId))!;
        reply.header('location', `${s.base}${SUBSCRIPTION_PATH}/${saved.id}`);
        return send(req, reply, 202, asResource(sub, bsn.reveal()));
      });

      scope.get<{ Params: { id: string } }>('/Subscription/:id', async (req, reply) => {
        const caller = await s.systems.authenticate(req);
        const sub = await ownSubscription(caller, req.params.id, 'mitz.subscription.read');
        const bsn = await s.citizens.bsnOf(sub.citizenId);
        await recordAudit(s.db, {
          actor: actorOf(caller),
          action: 'mitz.subscription.read',
          outcome: 'success',
          target: `citizen:${sub.citizenId}`,
          detail: { subscription: sub.id },
        });
        return send(req, reply, 200, asResource(sub, bsn!.reveal()));
      });

      scope.delete<{ Params: { id: string } }>('/Subscription/:id', async (req, reply) => {
        const caller = await s.systems.authenticate(req);
        const sub = await ownSubscription(caller, req.params.id, 'mitz.subscription.delete');
        await s.db.transaction(async (tx) => {
          await endSubscription(tx, sub.id);
          await recordAudit(tx, {
            actor: actorOf(caller),
            action: 'mitz.subscription.delete',
            outcome: 'success',
            target: `citizen:${sub.citizenId}`,
            detail: { subscription: sub.id, wasActive: sub.status === 'active' },
          });
        });
        req.log.info({ subscription: sub.id, clientId: caller.clientId }, 'mitz subscription ended');
        return reply.code(204).send();
      });
    },
    { prefix: SUBSCRIPTION_PATH.slice(0, -'/Subscription'.length) },
  );
}
