// The register as every composition opens it (the server and the CLI's commands that change the
// register), with what its changes make untrue revoked in the change's own transaction: the
// verklaringen resting on it, and the credentials in wallets issued from them.
import type { Database } from './db/database.ts';
import { bigRegisterFor } from './register/big.ts';
import { Register } from './register/register.ts';
import type { OnInvalidated } from './register/types.ts';
import type { Secrets } from './secrets.ts';
import { revokeVerklaringen } from './verklaring/verklaring.ts';
import { revokeWalletCredentials } from './wallet/credentials.ts';

export const onRegisterInvalidated: OnInvalidated = async (tx, on, reason, actor) => {
  await revokeVerklaringen(tx, on, reason, actor);
  await revokeWalletCredentials(tx, on, reason, actor);
};

/** The register with the configured BIG-register and the revocations above. */
export function registerFor(
  db: Database,
  secrets: Secrets,
  config: Parameters<typeof bigRegisterFor>[0],
): Register {
  return new Register(db, secrets, { big: bigRegisterFor(config), onInvalidated: onRegisterInvalidated });
}
