// Durations and times as people say them. Choices, so every sentence agrees:
// - Under a minute, seconds count in fives ("45 seconds"), and under ten are "a few seconds": local builds on
//   a fast clock take about a minute, and "less than a minute" everywhere would say nothing.
// - Durations are prose: one is "a"/"an", two to ten are words, larger numbers digits
//   ("an hour and five minutes", "two hours and 20 minutes").
// - Relative times follow the familiar timestamp style with digits ("3 hours ago", "in 5 minutes"),
//   one still being "a minute ago" / "an hour ago".
// - At most two units, the smaller one dropped when zero ("two hours", "a day and three hours").

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

type Unit = 'minute' | 'hour' | 'day';

/** "a minute", "an hour", "five minutes", "12 minutes"; `spell` chooses words up to ten. */
function amount(n: number, unit: Unit, spell: boolean): string {
  if (n === 1) return unit === 'hour' ? 'an hour' : `a ${unit}`;
  const number = spell ? (WORDS[n] ?? String(n)) : String(n);
  return `${number} ${unit}s`;
}

function twoUnits(big: number, bigUnit: Unit, small: number, smallUnit: Unit): string {
  const first = amount(big, bigUnit, true);
  return small === 0 ? first : `${first} and ${amount(small, smallUnit, true)}`;
}

/** Under a minute: "a few seconds", else seconds rounded to `step` ("45 seconds"), never "60 seconds". */
function seconds(ms: number, step: number): string {
  if (!(ms >= 10_000)) return 'a few seconds';
  const rounded = Math.min(60 - step, Math.round(ms / 1000 / step) * step);
  return `${rounded} seconds`;
}

/** How long something took or has taken: "less than a minute", "12 minutes", "an hour and five minutes". */
export function spokenDuration(ms: number): string {
  if (!(ms >= MINUTE)) return seconds(ms, 5);
  const minutes = Math.round(ms / MINUTE);
  if (minutes < 60) return amount(minutes, 'minute', true);
  if (minutes < 24 * 60) return twoUnits(Math.floor(minutes / 60), 'hour', minutes % 60, 'minute');
  // Past a day, minutes are noise.
  const hours = Math.round(ms / HOUR);
  return twoUnits(Math.floor(hours / 24), 'day', hours % 24, 'hour');
}

/**
 * An estimate, rounded so it does not sound more precise than it is: to the minute under 20 minutes
 * ("about 18 minutes"), to five minutes under an hour ("about 25 minutes"), to ten minutes beyond.
 */
export function approxDuration(ms: number): string {
  if (!(ms >= MINUTE)) return ms >= 10_000 ? `about ${seconds(ms, 10)}` : seconds(ms, 10);
  const minutes = ms / MINUTE;
  const step = minutes < 20 ? 1 : minutes < 60 ? 5 : 10;
  return `about ${spokenDuration(Math.round(minutes / step) * step * MINUTE)}`;
}

/**
 * When something happened relative to now: "just now", "12 minutes ago", "an hour ago", "yesterday", "3 days ago";
 * future times read "in 5 minutes", "tomorrow". "Yesterday" means 24 to 36 hours ago: the user's time zone is
 * unknown here, so calendar days cannot be used.
 */
export function relativeTime(date: Date, now: Date): string {
  const diff = now.getTime() - date.getTime();
  if (Number.isNaN(diff)) return 'at an unknown time';
  const future = diff < 0;
  const minutes = Math.round(Math.abs(diff) / MINUTE);
  if (Math.abs(diff) < MINUTE) return 'just now';
  let phrase: string;
  if (minutes < 60) {
    phrase = amount(minutes, 'minute', false);
  } else if (Math.round(minutes / 60) < 24) {
    phrase = amount(Math.round(minutes / 60), 'hour', false);
  } else {
    const days = Math.round(Math.abs(diff) / DAY);
    if (days === 1) return future ? 'tomorrow' : 'yesterday';
    phrase = amount(days, 'day', false);
  }
  return future ? `in ${phrase}` : `${phrase} ago`;
}
