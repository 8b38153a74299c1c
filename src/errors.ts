// One base for Dezi's own errors: each carries the HTTP status it answers with, whether its message may
// be shown to whoever caused it, and the page a person sees (keys typed against the message tables).
// One place (src/web/errors.ts) turns any of them into a page, an OAuth error or problem+json, so that
// a module throws what went wrong and never renders or maps it itself.
import type { MessageKey } from './web/i18n.ts';

/** The title and text of the page a person sees for an error. */
export interface ErrorPage {
  title: MessageKey;
  body: MessageKey;
}

export interface DeziErrorOptions extends ErrorOptions {
  /** 4xx: the caller's fault; 5xx: ours. Default 500. */
  status?: number;
  /**
   * Whether the message may be shown to the caller (an API's problem detail, an OAuth
   * error_description). False by default for 5xx: those say "internal error" and log the message.
   */
  expose?: boolean;
  /** The page for people; by default the generic one of the status. */
  page?: ErrorPage;
  /** The OAuth error code, for errors answered to an OAuth client. */
  oauthError?: string;
}

export class DeziError extends Error {
  readonly status: number;
  readonly expose: boolean;
  readonly page: ErrorPage;
  readonly oauthError: string;

  constructor(message: string, options: DeziErrorOptions = {}) {
    super(message, options);
    this.name = new.target.name;
    this.status = options.status ?? 500;
    this.expose = options.expose ?? this.status < 500;
    this.page = options.page ?? pageForStatus(this.status);
    this.oauthError = options.oauthError ?? (this.status < 500 ? 'invalid_request' : 'server_error');
  }
}

/** The generic page of a status: what a person can do about it differs by class, not by cause. */
export function pageForStatus(status: number): ErrorPage {
  if (status === 404) return { title: 'error.not_found.title', body: 'error.not_found.body' };
  if (status >= 500) return { title: 'error.server.title', body: 'error.server.body' };
  return { title: 'error.bad_request.title', body: 'error.bad_request.body' };
}

/** How any error is answered: the one mapping the app's, the API's and the provider's handlers share. */
export interface ErrorAnswer {
  status: number;
  /** What the caller may read (an error_description, a problem's detail); generic when not exposable. */
  detail: string;
  page: ErrorPage;
  oauthError: string;
  /** A fault of ours (logged as an error with its stack) rather than the caller's (logged as info). */
  ours: boolean;
}

/**
 * Dezi's own errors answer as they say; Fastify's and the libraries' client errors (a body too large,
 * a schema mismatch, an unsupported media type) by their 4xx status with their message; anything
 * else is ours: a 500 that says nothing more.
 */
export function describeError(err: unknown): ErrorAnswer {
  if (err instanceof DeziError) {
    return {
      status: err.status,
      detail: err.expose ? err.message : 'internal error',
      page: err.page,
      oauthError: err.oauthError,
      ours: err.status >= 500,
    };
  }
  const e = err as { statusCode?: unknown; message?: unknown };
  const status =
    typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500;
  return status === 500
    ? { status, detail: 'internal error', page: pageForStatus(500), oauthError: 'server_error', ours: true }
    : {
        status,
        detail: typeof e.message === 'string' ? e.message : 'invalid request',
        page: pageForStatus(status),
        oauthError: 'invalid_request',
        ours: false,
      };
}
