// The one interface every login means implements (aansluitroute 2). The broker talks to means only
// through it and does not know which protocol is behind a means.
import type { Bsn } from './bsn.ts';
import type { LoA } from './loa.ts';
import { DeziError } from '../errors.ts';

/** What a means proves about the person. Only the register turns a subject into a person. */
export type MeansSubject =
  | { kind: 'bsn'; bsn: Bsn }
  | { kind: 'uzi-nummer'; uziNummer: string }
  | { kind: 'linked'; meansId: string; subject: string }
  /**
   * A Dezi credential from a wallet: the Dezi-nummer it was issued to and the employment it names.
   * The login is for that employment only, and only while the register still has it.
   */
  | { kind: 'dezi-nummer'; deziNummer: string; employment: CredentialEmployment };

/** The employment a Dezi credential was issued for: where and in which role. */
export interface CredentialEmployment {
  abonneeNummer: string;
  rolCode: string | null;
}

export interface MeansResult {
  meansId: string;
  subject: MeansSubject;
  loaAuthn: LoA;
}

export type MeansCategory = 'wdo' | 'eidas' | 'nen7518';

export interface MeansStart {
  /** Opaque value bound to this login; the means must return it unchanged. */
  state: string;
  /** Where the upstream sends the browser back to. */
  callbackUrl: string;
  minimumLoa: LoA;
}

export interface MeansCallback {
  query: Record<string, string | undefined>;
  body: Record<string, string | undefined>;
  /** The state handed to start(); the adapter checks the upstream's answer against it. */
  expectedState: string;
  minimumLoa: LoA;
}

export type MeansFailureKind =
  | 'cancelled'
  | 'invalid_response'
  | 'unavailable'
  | 'insufficient_loa'
  /** A well-formed answer whose credential is not accepted (revoked, expired, another issuer): `refusal` says which check. */
  | 'credential_refused';

export class MeansError extends DeziError {
  override name = 'MeansError';
  readonly kind: MeansFailureKind;
  /** With insufficient_loa: the level the means did reach, when it is one (the person is told). */
  readonly reached?: LoA;
  /** With credential_refused: the named check that refused it, for the audit trail. */
  readonly refusal?: string;
  constructor(
    kind: MeansFailureKind,
    message: string,
    options?: ErrorOptions & { reached?: LoA | null; refusal?: string },
  ) {
    super(message, options);
    this.kind = kind;
    if (options?.reached) this.reached = options.reached;
    if (options?.refusal) this.refusal = options.refusal;
  }
}

export interface HealthOptions {
  /** Aborted when the registry stops waiting (its health timeout); pass it to upstreamFetch. */
  signal?: AbortSignal;
}

export interface LoginMeans {
  readonly id: string;
  readonly displayName: { nl: string; en: string };
  readonly category: MeansCategory;
  /** The highest level this means can deliver. */
  readonly loa: LoA;
  /**
   * The kinds of subject it delivers. One that delivers only a BSN or a UZI-nummer identifies the
   * person through the register itself and is never linked, so Mijn Dezi does not offer to link it;
   * absent: not known, offered.
   */
  readonly subjectKinds?: readonly MeansSubject['kind'][];
  /**
   * Optional logo shown next to the name: a path served by Dezi itself or a data: URI (the CSP
   * allows no other origin). Decorative: the name is always shown as text.
   */
  readonly logo?: string;
  /**
   * What the person needs besides a browser; a phone has no card reader, so "Hoe wilt u inloggen?"
   * explains such a means on a phone instead of offering it first.
   */
  readonly needs?: 'card-reader';
  /** Begins the means' own interaction; returns where to send the browser. */
  start(request: MeansStart): Promise<{ redirectTo: string }>;
  /** Verifies the upstream's answer. Throws MeansError on anything but a valid, expected result. */
  finish(callback: MeansCallback): Promise<MeansResult>;
  /**
   * Whether the upstream answers now. The registry calls it with a timeout and caches the answer
   * briefly; an exception or a late answer counts as down.
   */
  health(options?: HealthOptions): Promise<boolean>;
}
