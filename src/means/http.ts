// Back-channel HTTP for means adapters: a hard timeout and a size limit on every upstream call,
// so that a slow or broken upstream ends in a MeansError instead of hanging the person.
import { MeansError } from './means.ts';

const MAX_RESPONSE_BYTES = 256 * 1024;

type UpstreamInit = RequestInit & { timeoutMs?: number; maxBytes?: number };

async function send(url: string, init: UpstreamInit): Promise<{ res: Response; maxBytes: number }> {
  const { timeoutMs, maxBytes: limit, signal, ...rest } = init;
  const timeout = AbortSignal.timeout(timeoutMs ?? 5000);
  let res: Response;
  try {
    res = await fetch(url, {
      ...rest,
      redirect: 'error',
      // The caller's own signal (a health check's deadline) ends the call too.
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    throw new MeansError('unavailable', `upstream ${new URL(url).host} did not answer`, { cause: err });
  }
  const maxBytes = limit ?? MAX_RESPONSE_BYTES;
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw new MeansError('invalid_response', 'upstream response too large');
  return { res, maxBytes };
}

export async function upstreamFetch(
  url: string,
  init: UpstreamInit,
): Promise<{ status: number; body: string; contentType: string }> {
  const { res, maxBytes } = await send(url, init);
  const body = await res.text();
  if (body.length > maxBytes) throw new MeansError('invalid_response', 'upstream response too large');
  return { status: res.status, body, contentType: res.headers.get('content-type') ?? '' };
}

/** The same, for binary answers (a DER revocation list); the limit holds while reading. */
export async function upstreamFetchBytes(
  url: string,
  init: UpstreamInit,
): Promise<{ status: number; body: Uint8Array; contentType: string }> {
  const { res, maxBytes } = await send(url, init);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body ?? []) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new MeansError('invalid_response', 'upstream response too large');
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof MeansError) throw err;
    throw new MeansError('unavailable', `upstream ${new URL(url).host} broke off`, { cause: err });
  }
  return {
    status: res.status,
    body: Buffer.concat(chunks),
    contentType: res.headers.get('content-type') ?? '',
  };
}
