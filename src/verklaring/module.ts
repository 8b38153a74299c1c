// The verklaring's public face as a module: the eSeal's keys, the JSON schemas, the verklaring status
// and the signed revocation list, which is rebuilt on a schedule from the moment Dezi is ready.
import type { DeziModule } from '../module.ts';
import type { EsealRing } from './eseal.ts';
import type { RevocationListCache } from './revocation-list.ts';
import { verklaringRoutes } from './routes.ts';
import type { VerklaringService } from './verklaring.ts';

export interface VerklaringContext {
  verklaringen: VerklaringService;
  revocationList: RevocationListCache;
  eseal: EsealRing;
}

export const verklaringModule: DeziModule<VerklaringContext> = {
  name: 'verklaring',
  async setup({ verklaringen, revocationList, eseal }) {
    return {
      routes: async (app) => {
        await app.register(verklaringRoutes, {
          verklaringen,
          revocationList,
          esealJwks: () => eseal.jwksJson,
        });
      },
      onReady: () => revocationList.start(),
      onClose: async () => revocationList.stop(),
    };
  },
};
