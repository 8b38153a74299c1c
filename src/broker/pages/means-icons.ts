// The icon beside each means on "Hoe wilt u inloggen?": drawn for Dezi (src/web/static/icons), not a
// means' own logo (trademarks), and decorative: the means' name is always there as text. A means
// configured with a logo of its own (LoginMeans.logo) shows that instead.
import type { LoginMeans } from '../../means/means.ts';
import { iconPath } from '../../web/static.ts';

const BY_ID: Record<string, string> = {
  digid: 'key',
  'uzi-pas': 'card',
  yivi: 'phone',
  testmiddel: 'flask',
};

export function meansIcon(means: LoginMeans): string | null {
  if (means.logo) return means.logo;
  return iconPath(BY_ID[means.id] ?? (means.needs === 'card-reader' ? 'card' : 'badge'));
}
