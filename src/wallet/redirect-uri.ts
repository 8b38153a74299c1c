// Which redirect_uri a wallet may push. A wallet is a native app (RFC 8252) or a web wallet: an https
// URL; a private-use scheme in reverse-domain form (RFC 8252 §7.1: the period keeps it from clashing
// with a generic one, and rules out javascript:, data: and the like); or http on the loopback
// interface only (§7.3: nothing else listens there). No fragment (RFC 6749 §3.1.2), no credentials.
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/;

export function acceptableRedirectUri(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 1000) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hash || value.includes('#') || url.username || url.password) return false;
  if (url.protocol === 'https:') return url.hostname !== '';
  if (url.protocol === 'http:') return LOOPBACK.has(url.hostname);
  return PRIVATE_USE_SCHEME.test(url.protocol);
}
