// eIDAS levels of assurance, as URIs (koppelvlak) and in order.
export const LOA = {
  low: 'http://eidas.europa.eu/LoA/low',
  substantial: 'http://eidas.europa.eu/LoA/substantial',
  high: 'http://eidas.europa.eu/LoA/high',
} as const;

export type LoA = (typeof LOA)[keyof typeof LOA];

const ORDER: readonly string[] = [LOA.low, LOA.substantial, LOA.high];

export function isLoa(value: unknown): value is LoA {
  return typeof value === 'string' && ORDER.includes(value);
}

export function loaRank(loa: LoA): number {
  return ORDER.indexOf(loa);
}

export function meetsLoa(actual: LoA, minimum: LoA): boolean {
  return loaRank(actual) >= loaRank(minimum);
}

/** The lowest level Dezi logs anyone in at (means.md): a request for less still gets this. */
export const DEZI_FLOOR_LOA: LoA = LOA.substantial;

/**
 * The minimum level from acr_values: every listed level is acceptable and a higher level satisfies a
 * lower one, so the lowest listed eIDAS URI is the minimum. Unknown values are ignored (acr_values is
 * voluntary); with none we know, the fallback.
 */
export function minimumLoaFrom(acrValues: string | undefined, fallback: LoA): LoA {
  const requested = (acrValues ?? '').split(' ').filter(isLoa);
  const lowest =
    requested.length === 0 ? fallback : requested.reduce((a, b) => (loaRank(a) <= loaRank(b) ? a : b));
  return meetsLoa(lowest, DEZI_FLOOR_LOA) ? lowest : DEZI_FLOOR_LOA;
}

/** The level's short name: low, substantial or high (a message key part, not a word for a page). */
export type LoaLabel = keyof typeof LOA;

export function loaLabel(loa: LoA): LoaLabel {
  return (Object.keys(LOA) as LoaLabel[]).find((label) => LOA[label] === loa)!;
}
