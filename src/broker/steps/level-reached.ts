// The means logged the person in, but perhaps below the level this login asks for.
import { meetsLoa, type LoA } from '../../means/loa.ts';
import type { MeansResult } from '../../means/means.ts';
import { LoginRefused } from '../outcomes.ts';

export function levelReached(meansId: string, result: MeansResult, minimumLoa: LoA): void {
  if (!meetsLoa(result.loaAuthn, minimumLoa)) {
    throw new LoginRefused(
      'means_loa_too_low',
      { kind: 'loa_too_low', meansId, reached: result.loaAuthn },
      { detail: { loa_authn: result.loaAuthn, minimum_loa: minimumLoa } },
    );
  }
}
