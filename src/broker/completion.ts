// What a client's login becomes once a means has proved who logged in. For a zorgapplicatie the
// broker finishes it itself (employment, verklaring, grant). A first-party client of Dezi (the
// portals) registers its own completion: it receives the proven login and answers the browser
// itself; no grant, code or verklaring is made for it, and its outcomes are its own to audit.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoA } from '../means/loa.ts';
import type { MeansSubject } from '../means/means.ts';
import type { SafeHtml } from '../web/html.ts';
import type { Lang } from '../web/i18n.ts';
import type { Person } from '../register/register.ts';

/** What a means proved, handed to a completion before the broker looks for an employment. */
export interface AuthenticatedLogin {
  clientId: string;
  person: Person | null;
  subject: MeansSubject | null;
  loaAuthn: LoA;
  meansId: string;
}

export interface LoginCompletion {
  /** The client whose logins this completion finishes. */
  readonly clientId: string;
  /** Finishes the login: must send the answer (a redirect or a page) on `reply`. */
  complete(req: FastifyRequest, reply: FastifyReply, login: AuthenticatedLogin): Promise<void>;
}

/** Self-registration for a person a means proved but the register does not know (the portal's). */
export interface RegistrationOffers {
  /** Prepares an offer to register, bound to this browser (the means result goes no further). Whether one was made. */
  offer(req: FastifyRequest, reply: FastifyReply, login: AuthenticatedLogin): Promise<boolean>;
  /** The offer made to this browser, in this language, while it still stands. */
  offerHtml(req: FastifyRequest, lang: Lang): Promise<SafeHtml | null>;
}
