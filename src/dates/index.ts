/**
 * Calendar days as the API writes them (YYYY-MM-DD: no time, no zone), through Temporal's
 * PlainDate, so that no day the calendar lacks is ever printed (2018-01-31 + 13 months is
 * 2019-02-28). A leaf module: it imports nothing of the project, and engines may use it.
 */
import { Temporal } from 'temporal-polyfill';

/**
 * The UTC day of an instant: a DATE column reads back as midnight UTC. Formatting, not
 * arithmetic; kept on Date because it runs for every achievement a report reads (Temporal's
 * Instant is about 10× slower here).
 */
export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

/** A day as the instant a DATE column stores for it (midnight UTC). */
export const dateOf = (day: string): Date => new Date(`${day}T00:00:00Z`);

/** Today in UTC, the day every default `asOf` means. */
export const today = (): string => Temporal.Now.plainDateISO('UTC').toString();

/** Whether `text` is a real calendar day written YYYY-MM-DD (2019-02-30 is not). */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  try {
    Temporal.PlainDate.from(text, { overflow: 'reject' });
    return true;
  } catch {
    return false;
  }
}

/** The year of a YYYY-MM-DD day (read from its digits: it runs for every entitlement of a report). */
export const yearOf = (day: string): number => Number(day.slice(0, 4));

/** `months` calendar months after `day`, clamped to the month's end (31 January + 1 month = 28 or 29 February). */
export const addMonths = (day: string, months: number): string =>
  Temporal.PlainDate.from(day).add({ months }, { overflow: 'constrain' }).toString();

/** `days` calendar days after `day` (before it when negative). */
export const addDays = (day: string, days: number): string => Temporal.PlainDate.from(day).add({ days }).toString();

/** Days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number =>
  Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to), { largestUnit: 'days' }).days;

const bounds = new Map<number, Readonly<{ first: string; last: string }>>();

/** The first and last day of a calendar year; kept per year, since every progress period asks (12 µs each). */
export function yearBounds(year: number): Readonly<{ first: string; last: string }> {
  let known = bounds.get(year);
  if (!known) {
    known = Object.freeze({
      first: Temporal.PlainDate.from({ year, month: 1, day: 1 }).toString(),
      last: Temporal.PlainDate.from({ year, month: 12, day: 31 }).toString(),
    });
    bounds.set(year, known);
  }
  return known;
}
