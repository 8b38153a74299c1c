// A means callback counts only for the round trip this login started with that means: its state is
// taken once, so a replayed, expired or foreign callback finds nothing.
import type { LoginMeans } from '../../means/means.ts';
import { LoginRefused, problem } from '../outcomes.ts';
import type { BrokerTransaction, TransactionStore } from '../transactions.ts';

export async function meansStateExpected(
  transactions: TransactionStore,
  uid: string,
  means: LoginMeans | undefined,
  meansId: string,
): Promise<BrokerTransaction & { meansState: string }> {
  const tx = means ? await transactions.takeMeansState(uid, meansId) : null;
  if (!tx?.meansState) throw new LoginRefused('means_state_missing', problem('means_failed'));
  return tx as BrokerTransaction & { meansState: string };
}
