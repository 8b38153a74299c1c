// An adapter answering for another means is a fault of the adapter, not something the person can change.
import type { MeansResult } from '../../means/means.ts';
import { LoginRefused, problem } from '../outcomes.ts';

export function answeredAsItself(meansId: string, result: MeansResult): void {
  if (result.meansId !== meansId) {
    throw new LoginRefused('means_mismatch', problem('means_failed'), {
      cause: new Error(`the adapter of ${meansId} answered as ${result.meansId}`),
    });
  }
}
