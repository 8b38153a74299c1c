// The portals composed: Mijn Dezi (with its logins, verklaringen, linking and invitations), self-
// registration and the abonnee portal (with its staff list, invoices and audit entries), with the
// completion the broker hands the portals' logins to after a means (see login.ts).
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import type { LoginCompletion, RegistrationOffers } from '../broker/completion.ts';
import type { Database } from '../db/database.ts';
import type { MeansRegistry } from '../means/registry.ts';
import { Invitations } from '../register/invitations.ts';
import type { Fees } from '../register/fees.ts';
import type { Register } from '../register/register.ts';
import type { Secrets } from '../secrets.ts';
import type { VerklaringService } from '../verklaring/verklaring.ts';
import type { Web } from '../web/web.ts';
import { abonneeLogRoutes } from './abonnee-log.ts';
import { abonneePortalRoutes } from './abonnee.ts';
import { abonneeMandatePages } from './abonnee-mandates.ts';
import { beheerRoutes } from './beheer/routes.ts';
import { declineRoutes } from './decline.ts';
import { invoiceRoutes } from './invoices.ts';
import { linkMeansRoutes } from './link-means.ts';
import { ensurePortalClient, PortalLogin, portalLoginRoutes } from './login.ts';
import { mandatePages } from './mandates.ts';
import { mijnDeziRoutes } from './mijn-dezi.ts';
import { myLoginsRoutes } from './my-logins.ts';
import { myVerklaringenRoutes } from './my-verklaringen.ts';
import { myWalletRoutes } from './my-wallet.ts';
import { walletAuthorizeRoutes } from './wallet-authorize.ts';
import type { WalletCredentials } from '../wallet/credentials.ts';
import type { WalletIssuance } from '../wallet/issuance.ts';
import { registrationRoutes } from './registration.ts';
import { roleDeclarationPages } from './role-declarations.ts';
import { PortalState } from './sessions.ts';
import { staffRoutes } from './staff-list.ts';

export interface PortalDeps {
  issuer: string;
  db: Database;
  provider: Provider;
  register: Register;
  means: MeansRegistry;
  secrets: Secrets;
  web: Web;
  /** The register's operators from the configuration (DEZI_OPERATORS), for beheer. */
  operators?: readonly string[];
  verklaringen: VerklaringService;
  fees: Fees;
  /** The wallet issuer's offers and credentials; null without a wallet issuer (no wallet pages). */
  wallet?: { issuance: WalletIssuance; credentials: WalletCredentials } | null;
}

export interface Portal {
  /** Passed to the broker: the portals' own logins, and the offer to self-register. */
  completion: LoginCompletion;
  registration: RegistrationOffers;
  routes(app: FastifyInstance): Promise<void>;
  purgeExpired(): Promise<void>;
}

export function createPortal(d: PortalDeps): Portal {
  const state = new PortalState(d.db, d.secrets, d.web);
  const login = new PortalLogin({ ...d, state });
  const invitations = new Invitations(d.db, d.register);
  const deps = { ...d, wallet: d.wallet ?? null, state, login, invitations };
  return {
    completion: login,
    registration: login,
    async routes(app) {
      await ensurePortalClient(d.provider, d.issuer);
      await app.register(portalLoginRoutes, deps);
      await app.register(registrationRoutes, deps);
      await app.register(mijnDeziRoutes, deps);
      await app.register(abonneePortalRoutes, deps);
      await app.register(mandatePages, deps);
      await app.register(roleDeclarationPages, deps);
      await app.register(abonneeMandatePages, deps);
      await app.register(beheerRoutes, deps);
      await app.register(staffRoutes, deps);
      await app.register(invoiceRoutes, deps);
      await app.register(abonneeLogRoutes, deps);
      await app.register(myLoginsRoutes, deps);
      await app.register(myVerklaringenRoutes, deps);
      await app.register(myWalletRoutes, deps);
      await app.register(walletAuthorizeRoutes, deps);
      await app.register(linkMeansRoutes, deps);
      await app.register(declineRoutes, deps);
    },
    purgeExpired: () => state.purgeExpired(),
  };
}
