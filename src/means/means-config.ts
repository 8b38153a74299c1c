// What the configuration checks of the Yivi and OIDC means share.
import type { MeansCategory } from './means.ts';
import { DeziError } from '../errors.ts';

export class MeansConfigError extends DeziError {
  override name = 'MeansConfigError';
}

export const MEANS_CATEGORIES: readonly MeansCategory[] = ['wdo', 'eidas', 'nen7518'];

/** An upstream's base URL: https, or http on loopback only (proeftuin, tests); no query or fragment. */
export function upstreamUrlProblem(value: unknown): string | null {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    return 'must be an absolute URL';
  }
  const loopback = /^(localhost|127\.0\.0\.1|\[::1\])$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    return 'must use https (http only on loopback)';
  if (url.search || url.hash) return 'must not have a query or fragment';
  return null;
}
