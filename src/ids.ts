// Identifiers every module checks before it queries: a malformed id is "not found", never a
// database error. Shared here so that no folder imports another only for a regular expression.

/** A UUID in its canonical text form (any version; case-insensitive). */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
