// Logging in with a wallet as a Dezi module: there when Dezi has a wallet key (the wallet issuer's),
// which also signs its requests; it trusts credentials of this Dezi's own issuer only, and reads their
// status from its own status lists (no network round trip to itself).
import { X509Certificate } from 'node:crypto';
import type { Database } from '../../db/database.ts';
import { isUuid } from '../../ids.ts';
import type { DeziModule } from '../../module.ts';
import type { Secrets } from '../../secrets.ts';
import { STATUS_LIST_PATH } from '../../wallet/credentials.ts';
import type { Wallet } from '../../wallet/module.ts';
import type { Web } from '../../web/web.ts';
import type { MeansRegistry } from '../registry.ts';
import { pidStatusReader } from './pid-status.ts';
import { walletRoutes } from './routes.ts';
import { WalletLoginSessions } from './sessions.ts';
import { createWalletVerifier } from './verifier.ts';
import { createWalletMeans, WALLET_MEANS_ID, WALLET_PAGE_PATH } from './wallet-means.ts';

/** How long a wallet login waits for the wallet and then for the browser. */
const LOGIN_SECONDS = 600;

export interface WalletMeansContext {
  issuer: string;
  db: Database;
  secrets: Secrets;
  web: Web;
  means: MeansRegistry;
}

export function walletMeansModule(o: {
  wallet: Wallet | null;
  /** Proeftuin only: where its TEST wallet opens a request. */
  standInWalletUrl?: (request: string) => string;
}): DeziModule<WalletMeansContext> {
  return {
    name: 'wallet-login',
    async setup(ctx) {
      const { wallet } = o;
      if (!wallet) return {};
      const chain = wallet.key.x5c.map((der) => new X509Certificate(Buffer.from(der, 'base64')));
      const listPrefix = `${ctx.issuer}${STATUS_LIST_PATH}/`;
      const verifier = await createWalletVerifier({
        meansId: WALLET_MEANS_ID,
        key: wallet.key,
        issuer: ctx.issuer,
        vct: wallet.vct,
        // The top of Dezi's own issuer chain; verifyPresentation also asks for iss to be this Dezi.
        issuers: [chain.at(-1)!],
        statusOf: async (uri, idx) => {
          const listId = uri.startsWith(listPrefix) ? uri.slice(listPrefix.length) : '';
          const status = isUuid(listId) ? await wallet.credentials.lists.statusOf({ listId, idx }) : null;
          if (status === null) throw new Error('not a status list of this Dezi');
          return status;
        },
        pidIssuers: wallet.pidIssuers,
        pidStatusOf: pidStatusReader(() => wallet.pidIssuers),
      });
      const means = createWalletMeans({
        issuer: ctx.issuer,
        sessions: new WalletLoginSessions(ctx.db, ctx.secrets, WALLET_MEANS_ID, LOGIN_SECONDS),
        verifier,
      });
      ctx.means.register(means);
      return {
        routes: async (app) => {
          await app.register(walletRoutes, {
            issuer: ctx.issuer,
            db: ctx.db,
            web: ctx.web,
            means,
            ttlSeconds: LOGIN_SECONDS,
            standInWalletUrl: o.standInWalletUrl,
          });
        },
        banner: [
          `  wallet login: ${ctx.issuer}${WALLET_PAGE_PATH}/…   (OpenID4VP, client_id ${verifier.clientId})`,
        ],
      };
    },
  };
}
