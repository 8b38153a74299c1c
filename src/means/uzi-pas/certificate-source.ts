// Where the presented certificate comes from: the TLS connection of our own listener, or the header
// a trusted reverse proxy sets, which counts only on a connection from that proxy's address.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import { UziPasError } from './errors.ts';

/** The certificate (DER) presented for this request, null when none was; throws when it cannot be trusted. */
export type CertificateSource = (req: FastifyRequest) => Buffer | null;

const captured = new WeakMap<TLSSocket, Buffer | null>();

/**
 * Takes the client certificate of a new TLS connection at once. Reading it also clears OpenSSL's
 * error queue: a certificate whose signature failed the handshake's own verification leaves an
 * error there that makes Node drop the connection on its next read, before Dezi could answer with
 * a page that explains the refusal.
 */
export function capturePeerCertificate(socket: TLSSocket): void {
  captured.set(socket, socket.getPeerX509Certificate()?.raw ?? null);
}

export function tlsCertificateSource(): CertificateSource {
  return (req) => {
    const socket = req.raw.socket as TLSSocket;
    if (captured.has(socket)) return captured.get(socket) ?? null;
    if (typeof socket.getPeerX509Certificate !== 'function') return null;
    return socket.getPeerX509Certificate()?.raw ?? null;
  };
}

const MAX_HEADER = 16 * 1024;

/** An IPv4 peer as IPv4, also when the socket reports it IPv4-mapped (::ffff:a.b.c.d). */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}

export function proxyAllowList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const type = isIPv4(address!) ? 'ipv4' : isIPv6(address!) ? 'ipv6' : null;
    if (!type) throw new Error(`"${entry}" is not an IP address or network`);
    if (prefix === undefined) list.addAddress(address!, type);
    else {
      const bits = Number(prefix);
      if (!Number.isInteger(bits) || bits < 0 || bits > (type === 'ipv4' ? 32 : 128)) {
        throw new Error(`"${entry}" has an invalid prefix length`);
      }
      list.addSubnet(address!, bits, type);
    }
  }
  return list;
}

/** The certificate in the header: URL-encoded PEM (nginx $ssl_client_escaped_cert), PEM, or base64 DER. */
export function decodeCertificateHeader(value: string): Buffer | null {
  if (value.length > MAX_HEADER) throw new UziPasError('garbled_certificate', 'certificate header too long');
  let text = value.trim();
  if (text === '' || text === '(null)' || text === '-') return null;
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch (err) {
      throw new UziPasError('garbled_certificate', 'certificate header is not URL-encoded', { cause: err });
    }
  }
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(text);
  const base64 = (pem ? pem[1]! : text).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) {
    throw new UziPasError('garbled_certificate', 'certificate header is neither PEM nor base64 DER');
  }
  return Buffer.from(base64, 'base64');
}

export function proxyCertificateSource(o: { addresses: string[]; header: string }): CertificateSource {
  const allowed = proxyAllowList(o.addresses);
  const header = o.header.toLowerCase();
  return (req) => {
    // The socket's own peer, never X-Forwarded-For: only the proxy itself may vouch for the header.
    const peer = normalizeAddress(req.raw.socket.remoteAddress ?? '');
    const type = isIPv4(peer) ? 'ipv4' : isIPv6(peer) ? 'ipv6' : null;
    if (!type || !allowed.check(peer, type)) {
      throw new UziPasError(
        'untrusted_proxy',
        `request from ${peer || 'unknown address'}, not from a configured proxy`,
      );
    }
    const value = req.headers[header];
    if (Array.isArray(value))
      throw new UziPasError('garbled_certificate', 'certificate header sent more than once');
    return value === undefined ? null : decodeCertificateHeader(value);
  };
}
