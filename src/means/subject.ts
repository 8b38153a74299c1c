// Turns the value a means delivers into a MeansSubject, by the kind its configuration names.
import { Bsn, InvalidBsnError } from './bsn.ts';
import { MeansError, type MeansSubject } from './means.ts';

export const SUBJECT_KINDS = ['bsn', 'uzi-nummer', 'linked'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

const UZI_NUMMER = /^[0-9]{9}$/;
const LINKED = /^[\x21-\x7e]{1,255}$/;

export function subjectFrom(kind: SubjectKind, value: unknown, meansId: string): MeansSubject {
  if (typeof value !== 'string') throw new MeansError('invalid_response', 'the means delivered no subject');
  switch (kind) {
    case 'bsn':
      try {
        return { kind: 'bsn', bsn: Bsn.parse(value) };
      } catch (err) {
        if (err instanceof InvalidBsnError)
          throw new MeansError('invalid_response', 'subject is not a valid BSN');
        throw err;
      }
    case 'uzi-nummer':
      if (!UZI_NUMMER.test(value)) throw new MeansError('invalid_response', 'subject is not a UZI-nummer');
      return { kind: 'uzi-nummer', uziNummer: value };
    case 'linked':
      if (!LINKED.test(value)) throw new MeansError('invalid_response', 'subject is empty or malformed');
      return { kind: 'linked', meansId, subject: value };
  }
}
