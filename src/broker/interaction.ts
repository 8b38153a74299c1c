// The login interaction oidc-provider hands the broker: which client asks, at what level, under which
// means policy, with what session. Loaded from oidc-provider on every step (the browser's cookie
// names it), so that a restart or another instance can go on with it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { DeziError } from '../errors.ts';
import { isUnavailable } from '../db/database.ts';
import { minimumLoaFrom, type LoA } from '../means/loa.ts';
import { policyOf, type ClientMeansPolicy } from '../means/policy.ts';

export interface Interaction {
  uid: string;
  clientId: string;
  clientName: string;
  minimumLoa: LoA;
  prompt: string;
  policy: ClientMeansPolicy;
  loginHint?: string;
  /** The scopes asked for, as oidc-provider checked them against the client's registration. */
  scope: string;
  session?: { accountId: string; acr?: string; amr?: string[] };
}

/** No interaction, an expired one, or one of another browser: the person starts again at the zorgapplicatie. */
export class InteractionGone extends DeziError {
  constructor(message = 'the login interaction is gone') {
    super(message, {
      status: 400,
      page: { title: 'error.session_expired.title', body: 'error.session_expired.body' },
    });
  }
}

export const INTERACTION_UID = /^[A-Za-z0-9_-]{10,64}$/;

export async function loadInteraction(
  provider: Provider,
  req: FastifyRequest,
  reply: FastifyReply,
  defaultMinimumLoa: LoA,
): Promise<Interaction> {
  const { uid } = req.params as { uid: string };
  if (!INTERACTION_UID.test(uid)) throw new InteractionGone();
  let details;
  try {
    details = await provider.interactionDetails(req.raw, reply.raw);
  } catch (err) {
    if (isUnavailable(err)) throw err; // a 503, not "your session expired"
    throw new InteractionGone(); // no interaction cookie, or the interaction expired
  }
  if (details.uid !== uid) throw new InteractionGone();
  const clientId = String(details.params.client_id);
  const client = await provider.Client.find(clientId);
  if (!client) throw new InteractionGone();
  // oidc-provider has already put the client's default_acr_values here when the request had none.
  const acrValues = typeof details.params.acr_values === 'string' ? details.params.acr_values : undefined;
  return {
    uid,
    clientId,
    clientName: client.clientName ?? clientId,
    minimumLoa: minimumLoaFrom(acrValues, defaultMinimumLoa),
    prompt: details.prompt.name,
    policy: policyOf(client.metadata() as Record<string, unknown>),
    loginHint: typeof details.params.login_hint === 'string' ? details.params.login_hint : undefined,
    scope: typeof details.params.scope === 'string' ? details.params.scope : 'openid',
    session: details.session?.accountId
      ? {
          accountId: details.session.accountId,
          acr: details.session.acr,
          amr: details.session.amr as string[] | undefined,
        }
      : undefined,
  };
}
