// What the wallet means asks a wallet for (DCQL, OpenID4VP 1.0 §6): Dezi's own credential (who, where,
// in which role), or else, where PID issuers are trusted, the wallet's PID for its BSN alone. Nothing
// more is asked than the login needs. The query is built and checked by the dcql library, and so is
// whether an answer satisfies it.
import { DcqlPresentationResult, DcqlQuery } from 'dcql';

/** The credential query id of Dezi's credential in the query and in the wallet's vp_token. */
export const DEZI_CREDENTIAL = 'dezi';

/** The credential query id of the wallet's PID. */
export const PID_CREDENTIAL = 'pid';
/** The Dutch PID (it extends urn:eudi:pid:1 with the BSN). */
export const NL_PID_VCT = 'urn:eudi:pid:nl:1';

/** The claims a login needs from a Dezi credential: the person, and the employment it names. */
export const DEZI_LOGIN_CLAIMS = ['dezi_nummer', 'abonnee_nummer', 'rol_code', 'loa_dezi'] as const;

export function walletQuery(vct: string, o: { pid: boolean }): DcqlQuery {
  const dezi = {
    id: DEZI_CREDENTIAL,
    format: 'dc+sd-jwt' as const,
    meta: { vct_values: [vct] },
    claims: DEZI_LOGIN_CLAIMS.map((name) => ({ id: name, path: [name] })),
    // A verklaring without a role has no rol_code claim at all (null claims are left out).
    claim_sets: [[...DEZI_LOGIN_CLAIMS], DEZI_LOGIN_CLAIMS.filter((name) => name !== 'rol_code')],
    require_cryptographic_holder_binding: true,
  };
  const pid = {
    id: PID_CREDENTIAL,
    format: 'dc+sd-jwt' as const,
    meta: { vct_values: [NL_PID_VCT] },
    claims: [{ path: ['bsn'] }],
    require_cryptographic_holder_binding: true,
  };
  const query = DcqlQuery.parse(
    o.pid
      ? // One of the two, Dezi's credential first: it also says where the person works.
        { credentials: [dezi, pid], credential_sets: [{ options: [[DEZI_CREDENTIAL], [PID_CREDENTIAL]] }] }
      : { credentials: [dezi] },
  );
  DcqlQuery.validate(query);
  return query;
}

/** Whether what was presented (and verified) answers the query, by the dcql library's reading. */
export function satisfies(
  query: DcqlQuery,
  presented: Record<string, { vct: string; claims: Record<string, unknown> }>,
): boolean {
  const result = DcqlPresentationResult.fromDcqlPresentation(
    Object.fromEntries(
      Object.entries(presented).map(([id, p]) => [
        id,
        [
          {
            credential_format: 'dc+sd-jwt' as const,
            vct: p.vct,
            claims: p.claims as never,
            cryptographic_holder_binding: true,
          },
        ],
      ]),
    ),
    { dcqlQuery: query },
  );
  return result.can_be_satisfied;
}
