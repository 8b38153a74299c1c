// Which means "Hoe wilt u inloggen?" offers for an interaction, in which order, and which it lists as
// not usable now: the client's means policy, the level asked for, the means' health, the device's
// preferred means, a login_hint, and the means linked to the person of an earlier session.
import type { FastifyRequest } from 'fastify';
import { meetsLoa } from '../means/loa.ts';
import { hintedMeans, meansVerdict } from '../means/policy.ts';
import type { MeansRegistry } from '../means/registry.ts';
import type { Register } from '../register/register.ts';
import { isPhone, parseCookies } from '../web/web.ts';
import type { Interaction } from './interaction.ts';
import type { MeansOption } from './pages/means.ts';

/** The device's preferred means: a means id only, nothing about the person. */
export const PREFERRED_MEANS_COOKIE = 'dezi_means';
export const PREFERRED_MEANS_MAX_AGE = 400 * 24 * 3600; // the longest browsers keep a cookie

/**
 * Every enabled means this client accepts at this level, with its state now; preferred first. On a
 * phone (its User-Agent: the page works without JavaScript) a means that needs what a phone lacks (a
 * card reader) comes last, marked, whatever else would put it first.
 */
export async function meansOptions(
  d: { means: MeansRegistry; register: Register },
  req: FastifyRequest,
  i: Interaction,
): Promise<MeansOption[]> {
  const now = Date.now();
  const hinted = hintedMeans(i.loginHint);
  const remembered = parseCookies(req.headers.cookie)[PREFERRED_MEANS_COOKIE];
  const linked = i.session ? new Set(await d.register.linkedMeansIds(i.session.accountId)) : new Set();
  const phone = isPhone(req);
  const options = await Promise.all(
    d.means
      .enabled()
      .filter((m) => meetsLoa(m.loa, i.minimumLoa))
      .map(async (means): Promise<MeansOption | null> => {
        const verdict = meansVerdict(i.policy, means.id, now);
        const preferred: MeansOption['preferred'] =
          means.id === hinted ? 'hint' : means.id === remembered ? 'device' : undefined;
        const common = {
          means,
          ...(preferred ? { preferred } : {}),
          linked: linked.has(means.id),
          ...(phone && means.needs ? { unsuitable: means.needs } : {}),
        };
        if (!verdict.accepted) {
          return verdict.reason === 'no_longer_accepted'
            ? { ...common, state: 'no_longer_accepted', since: verdict.since }
            : null;
        }
        return { ...common, state: (await d.means.isUp(means.id)) ? 'available' : 'unavailable' };
      }),
  );
  const rank = (o: MeansOption) =>
    o.unsuitable ? 4 : o.preferred === 'hint' ? 0 : o.preferred === 'device' ? 1 : o.linked ? 2 : 3;
  // A stable sort: within a rank, the registry's order.
  return options.filter((o): o is MeansOption => o !== null).sort((a, b) => rank(a) - rank(b));
}
