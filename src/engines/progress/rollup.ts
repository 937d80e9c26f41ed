/**
 * District quotas rolled up to the city. Where a document's district figures do not add up to
 * its city figure, the rollup says so with both numbers: it never adjusts either.
 */
import type { IndicatorDef, TargetDef } from '../../format/policy.js';
import { ADDITIVE_UNITS } from './types.js';

export interface QuotaRollup {
  /** The year compared, or null when the city figure covers the whole period. */
  year: number | null;
  districtSum: number;
  districts: number;
  cityFigure: number;
  /** districtSum − cityFigure: negative when the districts' quotas fall short of the city's. */
  difference: number;
}

type Schedule = Pick<TargetDef, 'kind' | 'value' | 'per'> & {
  schedule: Array<Pick<TargetDef['schedule'][number], 'jurisdiction' | 'year' | 'value'>>;
};

/**
 * Per year for yearly quotas and stocks; over the whole period for cumulative goals. A
 * per-jurisdiction target has no city figure to add up to (its value is each district's).
 */
export function rollUpQuotas(target: Schedule, unit: IndicatorDef['unit']): QuotaRollup[] {
  const districtRows = target.schedule.filter((row) => row.jurisdiction);
  if (districtRows.length === 0 || !ADDITIVE_UNITS.has(unit) || target.per === 'EACH_JURISDICTION') return [];
  const cityByYear = new Map(target.schedule.filter((row) => !row.jurisdiction).map((row) => [row.year, row.value]));
  const years = [...new Set(districtRows.map((row) => row.year))].sort();
  const sumOf = (rows: typeof districtRows) => Math.round(rows.reduce((n, row) => n + row.value, 0) * 1e6) / 1e6;
  const result: QuotaRollup[] = [];
  const yearly = target.kind === 'ANNUAL_ADDITIONS' || target.kind === 'STOCK' || target.kind === 'FLOOR';
  for (const year of years) {
    const rows = districtRows.filter((row) => row.year === year);
    const city = cityByYear.get(year) ?? (yearly ? target.value : undefined);
    if (city === undefined) continue;
    const districtSum = sumOf(rows);
    result.push({ year, districtSum, districts: rows.length, cityFigure: city, difference: districtSum - city });
  }
  if (!yearly && cityByYear.size === 0 && target.value !== undefined) {
    const districtSum = sumOf(districtRows);
    result.push({
      year: null,
      districtSum,
      districts: new Set(districtRows.map((r) => r.jurisdiction)).size,
      cityFigure: target.value,
      difference: districtSum - target.value,
    });
  }
  return result;
}

export const mismatches = (target: Schedule, unit: IndicatorDef['unit']) =>
  rollUpQuotas(target, unit).filter((r) => r.difference !== 0);
