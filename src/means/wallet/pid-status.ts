// The status of a PID at its issuer's Token Status List: fetched (https, a hard timeout and a size
// limit), its signature checked with a certificate that leads to a trusted PID issuer, its `sub` the
// list asked for, not expired; then the bit at the PID's index. Anything less is "cannot be read",
// which refuses the PID (status_unavailable): a revoked PID must not log in because its list is down.
import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import type { X509Certificate } from 'node:crypto';
import { getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';
import { chainsTo, parseX5c } from '../../pki/certificates.ts';
import { upstreamFetch } from '../http.ts';

export function pidStatusReader(anchors: () => X509Certificate[]) {
  return async (uri: string, idx: number): Promise<number> => {
    if (!uri.startsWith('https://')) throw new Error('a status list is fetched over https only');
    const { status, body } = await upstreamFetch(uri, {
      headers: { accept: 'application/statuslist+jwt' },
      timeoutMs: 3000,
      maxBytes: 1024 * 1024,
    });
    if (status !== 200) throw new Error(`the status list answered ${status}`);
    const token = body.trim();
    const header = decodeProtectedHeader(token);
    if (header.typ !== 'statuslist+jwt' || header.alg !== 'ES256') throw new Error('not a statuslist+jwt');
    const chain = parseX5c(header.x5c, 'x5c');
    if (!chainsTo(chain, anchors(), new Date()))
      throw new Error('the status list is not signed by a PID issuer');
    await compactVerify(token, chain[0]!.publicKey, { algorithms: ['ES256'] });
    const claims = decodeJwt(token);
    if (claims.sub !== uri) throw new Error('the status list is another one');
    if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now())
      throw new Error('the status list expired');
    return getListFromStatusListJWT(token).getStatus(idx);
  };
}
