// One CSV line (RFC 4180 quoting, no line breaks inside a field): the import's file format.
import { DeziError } from '../errors.ts';
export class CsvError extends DeziError {
  override name = 'CsvError';
}

export function parseCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const quote = line.indexOf('"', i);
        if (quote < 0) throw new CsvError('unterminated quoted field');
        value += line.slice(i, quote);
        if (line[quote + 1] === '"') {
          value += '"';
          i = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== ',') throw new CsvError('text after a quoted field');
      i++;
    } else {
      const comma = line.indexOf(',', i);
      const value = comma < 0 ? line.slice(i) : line.slice(i, comma);
      if (value.includes('"')) throw new CsvError('a quote inside an unquoted field');
      fields.push(value);
      if (comma < 0) return fields;
      i = comma + 1;
    }
  }
}
