// Clock times and calendar days in the team's time zone (the config's `timeZone`, an IANA name such as
// "America/Los_Angeles"; UTC when unset). "This morning's build" and "Ana's build of yesterday 14:05" mean the
// team's morning and the team's yesterday, not London's.

export const DEFAULT_TIME_ZONE = 'UTC';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** One formatter per zone: building one costs far more than using it. */
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, format);
  }
  return format;
}

export interface ZonedTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock reading of `date` in `zone`. */
export function zoned(date: Date, zone: string): ZonedTime {
  const parts: Record<string, number> = {};
  for (const part of formatFor(zone).formatToParts(date)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The calendar day `date` falls on in `zone`, as a day count: yesterday is one less than today. */
export function dayNumber(date: Date, zone: string): number {
  const { year, month, day } = zoned(date, zone);
  return Math.round(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** When the day `now` falls on began in `zone` (epoch ms). */
export function startOfDay(now: Date, zone: string): number {
  const { hour, minute, second } = zoned(now, zone);
  return now.getTime() - now.getMilliseconds() - ((hour * 60 + minute) * 60 + second) * 1000;
}

/** "14:05": the time of day in `zone`. */
export function clockTime(date: Date, zone: string): string {
  const { hour, minute } = zoned(date, zone);
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** Whether the runtime knows the zone (Node and Lambda carry the full IANA list). */
export function isTimeZone(name: string): boolean {
  try {
    formatFor(name);
    return true;
  } catch {
    return false;
  }
}
