// Runs the means' own check of its upstream's answer, within the deadline; each way it can fail
// becomes a refusal with the page the person needs (another means, try again, a higher level).
import type { LoA } from '../../means/loa.ts';
import { MeansError, type LoginMeans, type MeansResult } from '../../means/means.ts';
import { LoginRefused, problem } from '../outcomes.ts';
import { withDeadline } from './deadline.ts';

export async function meansFinished(
  means: LoginMeans,
  callback: { query: Record<string, string | undefined>; expectedState: string; minimumLoa: LoA },
  timeoutMs: number,
): Promise<MeansResult> {
  try {
    return await withDeadline(means.finish({ ...callback, body: {} }), timeoutMs, `${means.id} finish`);
  } catch (err) {
    if (!(err instanceof MeansError)) throw err;
    switch (err.kind) {
      case 'insufficient_loa':
        throw new LoginRefused(
          'means_loa_too_low',
          { kind: 'loa_too_low', meansId: means.id, reached: err.reached ?? null },
          { detail: { loa_authn: err.reached ?? null, minimum_loa: callback.minimumLoa }, cause: err },
        );
      case 'cancelled':
        throw new LoginRefused('means_cancelled', problem('means_cancelled'), { cause: err });
      case 'unavailable':
        throw new LoginRefused(
          'means_unavailable',
          { kind: 'means_unavailable', meansId: means.id },
          { cause: err },
        );
      case 'credential_refused':
        throw new LoginRefused('means_credential_refused', problem('credential_refused'), {
          detail: { refusal: err.refusal ?? null },
          cause: err,
        });
      case 'invalid_response':
        throw new LoginRefused('means_invalid_response', problem('means_failed'), { cause: err });
    }
  }
}
