// Which login means a zorgapplicatie accepts, and when. Per client: an allow list and an exclusion
// list, each entry optionally bounded by a date window (the duale periode: "UZI-pas until 1 July
// 2027"). Pure functions: the broker (which means to offer) and the OpenID provider (whether a
// session may be re-used) decide with the same rules.
import { isLoa, meetsLoa, type LoA } from './loa.ts';
import { amsterdamMidnightOf } from '../time.ts';
import { DeziError } from '../errors.ts';

/** One entry of dezi_allowed_means / dezi_excluded_means: from inclusive, until exclusive. */
export interface MeansWindow {
  means: string;
  from?: string;
  until?: string;
}

export interface ClientMeansPolicy {
  /** When present, only these means (within their windows) are accepted. */
  allowed?: MeansWindow[];
  /** These means are refused within their windows (always, without one). */
  excluded?: MeansWindow[];
}

export const ALLOWED_MEANS = 'dezi_allowed_means';
export const EXCLUDED_MEANS = 'dezi_excluded_means';

export type MeansVerdict =
  | { accepted: true }
  /** Not accepted by this client (never, or not yet): the means is simply not offered. */
  | { accepted: false; reason: 'not_allowed' }
  /** Accepted until `since`: offered no more, with an explanation naming the date. */
  | { accepted: false; reason: 'no_longer_accepted'; since: string };

export class PolicyError extends DeziError {
  override name = 'PolicyError';
}

const MEANS_ID = /^[a-z0-9-]{2,40}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_ENTRIES = 50;

/** A policy date as an instant: a plain date is midnight in the Netherlands. NaN when invalid. */
export function policyInstant(value: string): number {
  if (DATE.test(value)) return amsterdamMidnightOf(value);
  if (DATE_TIME.test(value)) return Date.parse(value);
  return NaN;
}

/** "1 juli 2027" / "1 July 2027". */
export function formatPolicyDate(value: string, lang: 'nl' | 'en'): string {
  return new Intl.DateTimeFormat(lang === 'nl' ? 'nl-NL' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(policyInstant(value)));
}

/** Checks one list from client metadata; throws PolicyError naming the problem. */
export function parseMeansWindows(field: string, value: unknown): MeansWindow[] {
  if (!Array.isArray(value)) throw new PolicyError(`${field} must be an array`);
  if (value.length > MAX_ENTRIES) throw new PolicyError(`${field} has more than ${MAX_ENTRIES} entries`);
  return value.map((entry: unknown, n) => {
    const where = `${field}[${n}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new PolicyError(`${where} must be an object { means, from?, until? }`);
    }
    const { means, from, until, ...rest } = entry as Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length) throw new PolicyError(`${where} has unknown member ${unknown[0]}`);
    if (typeof means !== 'string' || !MEANS_ID.test(means)) {
      throw new PolicyError(`${where}.means must be a means id (a-z, 0-9, -)`);
    }
    const window: MeansWindow = { means };
    for (const [name, date] of [
      ['from', from],
      ['until', until],
    ] as const) {
      if (date === undefined) continue;
      if (typeof date !== 'string' || Number.isNaN(policyInstant(date))) {
        throw new PolicyError(`${where}.${name} must be a date (YYYY-MM-DD) or an RFC 3339 date-time`);
      }
      window[name] = date;
    }
    if (window.from && window.until && policyInstant(window.from) >= policyInstant(window.until)) {
      throw new PolicyError(`${where}: from must be before until`);
    }
    return window;
  });
}

/** The policy stored with a client (its metadata); values were validated at registration. */
export function policyOf(metadata: Record<string, unknown>): ClientMeansPolicy {
  const allowed = metadata[ALLOWED_MEANS];
  const excluded = metadata[EXCLUDED_MEANS];
  return {
    ...(Array.isArray(allowed) && allowed.length ? { allowed: allowed as MeansWindow[] } : {}),
    ...(Array.isArray(excluded) && excluded.length ? { excluded: excluded as MeansWindow[] } : {}),
  };
}

function within(w: MeansWindow, now: number): boolean {
  return (
    (w.from === undefined || policyInstant(w.from) <= now) &&
    (w.until === undefined || now < policyInstant(w.until))
  );
}

/** Whether this client accepts this means now, and if not, why. */
export function meansVerdict(policy: ClientMeansPolicy, meansId: string, now: number): MeansVerdict {
  const exclusion = policy.excluded?.find((w) => w.means === meansId && within(w, now));
  if (exclusion) {
    return exclusion.from
      ? { accepted: false, reason: 'no_longer_accepted', since: exclusion.from }
      : { accepted: false, reason: 'not_allowed' };
  }
  if (!policy.allowed) return { accepted: true };
  const entries = policy.allowed.filter((w) => w.means === meansId);
  if (entries.some((w) => within(w, now))) return { accepted: true };
  const ended = entries
    .filter((w) => w.until !== undefined && policyInstant(w.until) <= now)
    .sort((a, b) => policyInstant(b.until!) - policyInstant(a.until!))[0];
  return ended
    ? { accepted: false, reason: 'no_longer_accepted', since: ended.until! }
    : { accepted: false, reason: 'not_allowed' };
}

/** The means recorded in a session (the broker puts the means id in amr). */
export function sessionMeans(amr: unknown): string | undefined {
  return Array.isArray(amr) && typeof amr[0] === 'string' ? amr[0] : undefined;
}

/**
 * Whether an existing Dezi session may serve this request: it reached the minimum level, and the
 * means it was made with is accepted by this client now. Otherwise the person logs in again (step-up).
 */
export function sessionSatisfies(
  session: { acr?: unknown; amr?: unknown },
  policy: ClientMeansPolicy,
  minimum: LoA,
  now: number,
): boolean {
  if (!isLoa(session.acr) || !meetsLoa(session.acr, minimum)) return false;
  const means = sessionMeans(session.amr);
  if (means === undefined) return !policy.allowed && !policy.excluded;
  return meansVerdict(policy, means, now).accepted;
}

/** login_hint "means:<id>" names a means to pre-select; anything else is not ours and is ignored. */
export function hintedMeans(loginHint: unknown): string | undefined {
  if (typeof loginHint !== 'string' || !loginHint.startsWith('means:')) return undefined;
  const id = loginHint.slice('means:'.length);
  return MEANS_ID.test(id) ? id : undefined;
}

/** A window as written on the command line: "<id>", "<id>:<from>..", "<id>:..<until>", "<id>:<from>..<until>". */
export function parseMeansWindowArg(field: string, arg: string): MeansWindow {
  const [means, range, ...extra] = arg.split(':');
  if (extra.length) throw new PolicyError(`${field} "${arg}": use <means>[:<from>..<until>]`);
  let window: Record<string, string> = { means: means ?? '' };
  if (range !== undefined) {
    const parts = range.split('..');
    if (parts.length !== 2 || (!parts[0] && !parts[1])) {
      throw new PolicyError(`${field} "${arg}": use <means>[:<from>..<until>]`);
    }
    window = { ...window, ...(parts[0] ? { from: parts[0] } : {}), ...(parts[1] ? { until: parts[1] } : {}) };
  }
  return parseMeansWindows(field, [window])[0]!;
}
