// What the register's changes make untrue, in one place for every composition (the server and the
// CLI's commands that change the register): the verklaringen resting on it, and the credentials in
// wallets issued from them, revoked in the change's own transaction.
import type { OnInvalidated } from './register/types.ts';
import { revokeVerklaringen } from './verklaring/verklaring.ts';
import { revokeWalletCredentials } from './wallet/credentials.ts';

export const onRegisterInvalidated: OnInvalidated = async (tx, on, reason, actor) => {
  await revokeVerklaringen(tx, on, reason, actor);
  await revokeWalletCredentials(tx, on, reason, actor);
};
