// Dutch time: dates in the register, the means policy and the verklaring are dates in the
// Netherlands (Europe/Amsterdam, CET/CEST), whatever the server's own time zone is.

const AMSTERDAM_CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Amsterdam',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: number): WallClock {
  const parts = AMSTERDAM_CLOCK.formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** Amsterdam's offset from UTC in ms at an instant (3600000 in winter, 7200000 in summer). */
export function amsterdamOffsetMs(instant: number): number {
  const c = wallClock(instant);
  const local = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
  return local - Math.floor(instant / 1000) * 1000;
}

/**
 * 00:00 in the Netherlands on a calendar date, as epoch ms. Month may run past 12 (Date.UTC
 * normalises it). Amsterdam changes its clocks at 02:00/03:00, so midnight always exists and the
 * offset at UTC midnight of the same date is the offset at local midnight.
 */
export function amsterdamMidnight(year: number, month: number, day: number): number {
  const utcMidnight = Date.UTC(year, month - 1, day);
  return utcMidnight - amsterdamOffsetMs(utcMidnight);
}

/** The calendar date in the Netherlands at an instant. */
export function amsterdamDate(instant: number): { year: number; month: number; day: number } {
  const { year, month, day } = wallClock(instant);
  return { year, month, day };
}

/** A plain date (YYYY-MM-DD) as 00:00 in the Netherlands; NaN when it is no real date. */
export function amsterdamMidnightOf(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return NaN;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = Date.UTC(year, month - 1, day);
  if (new Date(utc).toISOString().slice(0, 10) !== date) return NaN;
  return amsterdamMidnight(year, month, day);
}

/**
 * 00:00 in the Netherlands `months` calendar months after the date at `instant`; a day that the
 * later month lacks (31 May + 1 month) becomes that month's last day, never the month after.
 */
export function amsterdamMidnightMonthsLater(instant: number, months: number): number {
  const { year, month, day } = amsterdamDate(instant);
  const lastDay = new Date(Date.UTC(year, month - 1 + months + 1, 0)).getUTCDate();
  return amsterdamMidnight(year, month + months, Math.min(day, lastDay));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** RFC 3339 in Dutch time with its offset and whole seconds: "2025-12-22T14:54:20+01:00". */
export function formatAmsterdam(instant: number): string {
  const c = wallClock(instant);
  const offsetMinutes = Math.round(amsterdamOffsetMs(instant) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return (
    `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}T${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
