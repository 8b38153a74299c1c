// Mutual TLS for the systems that call Mitz, terminated by a reverse proxy in front of it (as the
// UZI-pas's trusted proxy, src/means/uzi-pas/certificate-source.ts): the proxy verifies the client
// certificate and says so in a header (nginx: $ssl_client_verify, "SUCCESS"). The header counts only
// on a connection from the proxy itself, by the socket's own peer address, never X-Forwarded-For.
import { isIPv4, isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { normalizeAddress, proxyAllowList } from '../means/uzi-pas/certificate-source.ts';
import type { MitzConfig } from './config.ts';
import { MitzAuthError } from './errors.ts';

/** Throws MitzAuthError (403) for a request that did not come through the proxy with a verified certificate. */
export type MtlsCheck = (req: FastifyRequest) => void;

/** The check for this configuration; null when mutual TLS is not required (the proeftuin, tests). */
export function mtlsCheck(config: MitzConfig['mtls']): MtlsCheck | null {
  if (!config) return null;
  // A bad address in the configuration fails at start, not on the first request.
  const proxies = proxyAllowList(config.proxies);
  const header = config.verifyHeader.toLowerCase();
  return (req) => {
    const peer = normalizeAddress(req.raw.socket.remoteAddress ?? '');
    const type = isIPv4(peer) ? 'ipv4' : isIPv6(peer) ? 'ipv6' : null;
    if (!type || !proxies.check(peer, type))
      throw new MitzAuthError(403, 'mutual TLS is required: connect through the TLS proxy');
    if (req.headers[header] !== 'SUCCESS')
      throw new MitzAuthError(403, 'mutual TLS is required: no verified client certificate');
  };
}
