// A fetch for the scripted browser that can do what a person's browser does with a UZI-pas: present
// a TLS client certificate (PKCS#12 or PEM), trust the proeftuin's TEST root, and (to play a host
// that is not the trusted proxy) connect from a chosen local address.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface TlsFetchOptions {
  pfx?: Buffer;
  passphrase?: string;
  cert?: string;
  key?: string;
  /** CA certificates that the server's certificate must chain to. */
  ca?: string[];
  localAddress?: string;
}

export function tlsFetch(o: TlsFetchOptions): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers = new Headers(init.headers);
    const body = typeof init.body === 'string' ? init.body : undefined;
    if (body !== undefined) headers.set('content-length', String(Buffer.byteLength(body)));
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        {
          method: init.method ?? 'GET',
          headers: Object.fromEntries(headers.entries()),
          localAddress: o.localAddress,
          ...(url.protocol === 'https:'
            ? { pfx: o.pfx, passphrase: o.passphrase, cert: o.cert, key: o.key, ca: o.ca, agent: false }
            : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const out = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
                out.append(name, v);
            }
            const status = res.statusCode ?? 0;
            resolve(
              new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), {
                status,
                headers: out,
              }),
            );
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }) as typeof fetch;
}
