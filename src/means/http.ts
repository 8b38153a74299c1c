// Back-channel HTTP for means adapters: a hard timeout and a size limit on every upstream call,
// so that a slow or broken upstream ends in a MeansError instead of hanging the person.
import { MeansError } from './means.ts';

const MAX_RESPONSE_BYTES = 256 * 1024;

export async function upstreamFetch(
  url: string,
  init: RequestInit & { timeoutMs?: number },
): Promise<{ status: number; body: string; contentType: string }> {
  const { timeoutMs, signal, ...rest } = init;
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
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > MAX_RESPONSE_BYTES) throw new MeansError('invalid_response', 'upstream response too large');
  const body = await res.text();
  if (body.length > MAX_RESPONSE_BYTES)
    throw new MeansError('invalid_response', 'upstream response too large');
  return { status: res.status, body, contentType: res.headers.get('content-type') ?? '' };
}
