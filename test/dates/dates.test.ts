/**
 * Calendar days through Temporal (issue 17 item 4): month arithmetic clamps to the month's end and
 * never prints a day the calendar lacks ("due 2019-02-31" was printed), checked against Date's own
 * calendar as an independent oracle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, daysBetween, isCalendarDay, today, yearBounds, yearOf } from '../../src/dates/index.js';

/** Date's calendar: a day is real when it survives a round trip through Date.UTC. */
const realDay = (day: string) => {
  const [y, m, d] = day.split('-').map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && date.toISOString().slice(0, 10) === day;
};
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Real days from 1990 to 2100, the end of months (28–31) drawn often. */
const days = fc
  .record({ year: fc.integer({ min: 1990, max: 2100 }), month: fc.integer({ min: 1, max: 12 }), back: fc.nat(40) })
  .map(({ year, month, back }) => {
    const last = daysInMonth(year, month);
    return `${year}-${pad(month)}-${pad(Math.max(1, back < 20 ? last - (back % 4) : back - 19))}`;
  });

describe('addMonths', () => {
  it('clamps to the end of a shorter month', () => {
    expect(addMonths('2018-01-31', 13)).toBe('2019-02-28');
    expect(addMonths('2018-01-29', 13)).toBe('2019-02-28');
    expect(addMonths('2019-01-30', 1)).toBe('2019-02-28');
    expect(addMonths('2020-01-31', 1)).toBe('2020-02-29');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2019-08-31', 1)).toBe('2019-09-30');
    expect(addMonths('2019-12-31', 2)).toBe('2020-02-29');
    expect(addMonths('2019-05-15', 12)).toBe('2020-05-15');
  });

  it('generated: every day × month offset gives a real day, that many months on, never before the start', () => {
    fc.assert(
      fc.property(days, fc.integer({ min: 0, max: 240 }), (start, months) => {
        const due = addMonths(start, months);
        expect(realDay(due)).toBe(true);
        expect(due >= start).toBe(true);
        const [y, m, d] = start.split('-').map(Number);
        const total = y! * 12 + (m! - 1) + months;
        const [year, month] = [Math.floor(total / 12), (total % 12) + 1];
        expect(due).toBe(`${year}-${pad(month)}-${pad(Math.min(d!, daysInMonth(year, month)))}`);
      }),
      { seed: 17, numRuns: 500 },
    );
  });
});

describe('isCalendarDay', () => {
  it('refuses days the calendar lacks and other spellings', () => {
    expect(['2019-02-28', '2020-02-29', '2019-12-31'].map(isCalendarDay)).toEqual([true, true, true]);
    expect(
      ['2019-02-29', '2019-02-30', '2019-02-31', '2019-04-31', '2019-13-01', '2019-00-10', '2019-1-1'].map(
        isCalendarDay,
      ),
    ).toEqual([false, false, false, false, false, false, false]);
    expect(['2019-02-01T00:00', '+002019-02-01', ' 2019-02-01', 'yesterday', ''].map(isCalendarDay)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('generated: agrees with Date’s calendar on any YYYY-MM-DD', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 35 }),
        (y, m, d) => {
          const day = `${y}-${pad(m)}-${pad(d)}`;
          expect(isCalendarDay(day)).toBe(realDay(day));
        },
      ),
      { seed: 17, numRuns: 500 },
    );
  });
});

describe('days and years', () => {
  it('bounds a year, counts days across leap years, reads the year', () => {
    expect(yearBounds(2019)).toEqual({ first: '2019-01-01', last: '2019-12-31' });
    expect(daysBetween('2019-01-01', '2019-12-31')).toBe(364);
    expect(daysBetween('2020-01-01', '2020-12-31')).toBe(365);
    expect(daysBetween('2019-03-01', '2019-02-28')).toBe(-1);
    expect(yearOf('2019-02-28')).toBe(2019);
    expect(isCalendarDay(today())).toBe(true);
    expect(today()).toBe(new Date().toISOString().slice(0, 10));
  });
});
