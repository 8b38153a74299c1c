// A login means for tests that identifies a person by its own subject (as Yivi or an OIDC market
// means does), so that linking in Mijn Dezi can be tested end to end. Its "upstream" sends the
// browser straight back with the subject chosen by the test.
import { LOA } from '../../src/means/loa.ts';
import { MeansError, type LoginMeans } from '../../src/means/means.ts';

export function linkedTestMeans(id = 'test-linked'): LoginMeans & { subject: string } {
  return {
    id,
    displayName: { nl: 'Testmiddel', en: 'Test means' },
    category: 'nen7518',
    loa: LOA.high,
    subject: 'subject-1',
    async start(r) {
      const url = new URL(r.callbackUrl);
      url.searchParams.set('state', r.state);
      url.searchParams.set('sub', this.subject);
      return { redirectTo: url.href };
    },
    async finish(c) {
      if (c.query.state !== c.expectedState) throw new MeansError('invalid_response', 'state');
      return {
        meansId: id,
        subject: { kind: 'linked', meansId: id, subject: String(c.query.sub) },
        loaAuthn: LOA.high,
      };
    },
    async health() {
      return true;
    },
  };
}
