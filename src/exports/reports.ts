/**
 * The named reports an export job can run: each a list of columns (English field name, Chinese
 * header) and a source of rows in batches, read within the caller's jurisdictions. Rows are produced
 * batch by batch so that an export never holds more than one batch in memory.
 */
import { GraphQLError } from 'graphql';
import type { ExportReport } from '../generated/prisma/client.js';
import type { Context } from '../graphql/context.js';
import { visibleEnterprises } from '../graphql/access.js';
import { evaluatePopulation, populationWhere } from '../loaders/entitlements.js';
import { matrixCells, targetProgress } from '../loaders/progress.js';

export type Cell = string | number | null;
export type Row = Cell[];

export interface Column {
  /** The English field name: the JSON Lines key, and the second half of a CSV/XLSX header. */
  name: string;
  /** The Chinese term, shown first in CSV/XLSX headers. */
  title: string;
}

/** A report's parameters, fixed when the job starts (asOf included) so that a rerun gives the same file. */
export interface ReportParameters {
  policyKey: string | null;
  /** A jurisdiction code; the report covers it and everything under it. */
  jurisdiction: string | null;
  year: number | null;
  asOf: string;
}

export interface Progress {
  /** Units of work (enterprises, target cells, achievements) the report will scan, when known. */
  scanTotal: number | null;
}

export interface ReportDefinition {
  title: string;
  /** The sheet name in XLSX (at most 31 characters). */
  sheet: string;
  needsPolicy: boolean;
  columns: Column[];
  /** How much there is to scan, for progress. */
  scanTotal(ctx: Context, parameters: ReportParameters): Promise<number>;
  /** Batches of rows, each with how many units of work it scanned. */
  batches(ctx: Context, parameters: ReportParameters): AsyncGenerator<{ rows: Row[]; scanned: number }>;
}

const header = (pairs: Array<[string, string]>): Column[] => pairs.map(([name, title]) => ({ name, title }));

/** The stored jurisdiction id of a code that was validated when the job started. */
async function jurisdictionIdOf(ctx: Context, code: string | null): Promise<number | null> {
  if (code === null) return null;
  const found = (await ctx.loaders.jurisdictions()).find((j) => j.code === code);
  if (!found) throw new GraphQLError(`jurisdiction ${code} no longer exists`, { extensions: { code: 'NOT_FOUND' } });
  return found.id;
}

async function enterprisesInScope(ctx: Context, parameters: ReportParameters) {
  return visibleEnterprises(
    ctx,
    await populationWhere(ctx.loaders, parameters.policyKey, await jurisdictionIdOf(ctx, parameters.jurisdiction)),
  );
}

/** Enterprises evaluated per progress update: the population is evaluated in chunks of this size. */
const ENTERPRISE_BATCH = 2000;

const entitlementsByEnterprise: ReportDefinition = {
  title: 'Entitlements by enterprise (企业应享奖励明细)',
  sheet: '企业奖励明细',
  needsPolicy: true,
  columns: header([
    ['enterpriseId', '企业编号'],
    ['creditCode', '统一社会信用代码'],
    ['enterpriseName', '企业名称'],
    ['jurisdiction', '所属辖区'],
    ['policy', '政策'],
    ['clause', '条款'],
    ['incentive', '奖励项目'],
    ['achievementId', '成果编号'],
    ['achievementKind', '成果类型'],
    ['achievementLevel', '成果级别'],
    ['obtainedOn', '获得日期'],
    ['year', '年度'],
    ['amountYuan', '金额(元)'],
    ['amountNature', '金额性质'],
    ['provincialPartYuan', '省级部分(元)'],
    ['payer', '支付方'],
    ['eligibility', '资格'],
    ['disposition', '计入情况'],
    ['missing', '待补信息'],
    ['explanation', '计算说明'],
    ['quote', '条款原文'],
  ]),
  scanTotal: async (ctx, parameters) => ctx.db.enterprise.count({ where: await enterprisesInScope(ctx, parameters) }),
  async *batches(ctx, parameters) {
    const population = evaluatePopulation(ctx.db, ctx.loaders, {
      where: await enterprisesInScope(ctx, parameters),
      asOf: parameters.asOf,
      policyKeys: [parameters.policyKey!],
      chunkSize: ENTERPRISE_BATCH,
    });
    let rows: Row[] = [];
    let scanned = 0;
    for await (const { enterprise, achievements, jurisdiction, entitlements } of population) {
      const byId = new Map(achievements.map((a) => [a.id, a]));
      for (const e of entitlements) {
        // Not entitled (out of scope, outside the window, level not rewarded …) is not a row of this report.
        if (e.eligibility === 'INELIGIBLE' || (parameters.year !== null && e.year !== parameters.year)) continue;
        const achievement = byId.get(e.achievementId);
        rows.push([
          enterprise.id,
          enterprise.creditCode,
          enterprise.name,
          jurisdiction,
          e.policyKey,
          e.clausePath,
          e.incentiveKey,
          Number(e.achievementId),
          achievement?.kind ?? null,
          achievement?.level ?? null,
          achievement?.obtainedOn ?? null,
          e.year,
          e.amountYuan,
          e.nature,
          e.provincialPartYuan,
          e.payer,
          e.eligibility,
          e.disposition,
          e.missing.join(', ') || null,
          e.steps.map((s) => s.text).join('；'),
          e.quote,
        ]);
      }
      if (++scanned === ENTERPRISE_BATCH) {
        yield { rows, scanned };
        rows = [];
        scanned = 0;
      }
    }
    if (scanned) yield { rows, scanned };
  },
};

async function progressCells(ctx: Context, parameters: ReportParameters) {
  const policy = await ctx.db.policy.findUniqueOrThrow({
    where: { key: parameters.policyKey! },
    select: { targets: { select: { id: true }, orderBy: { position: 'asc' } } },
  });
  return matrixCells(
    ctx.loaders,
    policy.targets.map((t) => t.id),
  );
}

const targetProgressReport: ReportDefinition = {
  title: 'Target progress (目标进展)',
  sheet: '目标进展',
  needsPolicy: true,
  columns: header([
    ['policy', '政策'],
    ['target', '目标'],
    ['clause', '条款'],
    ['summary', '目标内容'],
    ['indicator', '指标'],
    ['jurisdiction', '辖区'],
    ['year', '年度'],
    ['targetValue', '目标值'],
    ['observed', '实际值'],
    ['expected', '应达值'],
    ['status', '状态'],
    ['reason', '说明'],
  ]),
  scanTotal: async (ctx, parameters) => (await progressCells(ctx, parameters)).length,
  async *batches(ctx, parameters) {
    for (const cell of await progressCells(ctx, parameters)) {
      const { target, progress } = await targetProgress(ctx.loaders, cell.targetId, {
        asOf: parameters.asOf,
        jurisdiction: cell.jurisdiction,
      });
      const rows = progress.periods.map((p): Row => [
        target.policyKey,
        target.key,
        target.clausePath,
        target.summary,
        target.indicator.code,
        progress.jurisdiction,
        p.year,
        p.targetValue,
        p.observed,
        p.expected,
        p.status,
        p.reason,
      ]);
      yield { rows, scanned: 1 };
    }
  },
};

/** Achievements read per statement, district by district in code order. */
const ACHIEVEMENT_PAGE = 5000;

async function districtsInScope(ctx: Context, parameters: ReportParameters) {
  const tree = await ctx.loaders.jurisdictions();
  const root = await jurisdictionIdOf(ctx, parameters.jurisdiction);
  const inScope = new Set(root === null ? tree.map((j) => j.id) : await ctx.loaders.jurisdictionSubtree.load(root));
  const visible = ctx.caller.jurisdictionIds;
  return ctx.db.jurisdiction.findMany({
    where: { id: { in: tree.filter((j) => inScope.has(j.id) && (visible?.has(j.id) ?? true)).map((j) => j.id) } },
    select: { id: true, code: true, name: true },
    orderBy: { code: 'asc' },
  });
}

const achievementWhere = (jurisdictionId: number, year: number | null) => ({
  retiredAt: null,
  enterprise: { jurisdictionId, retiredAt: null },
  ...(year === null
    ? {}
    : { obtainedOn: { gte: new Date(Date.UTC(year, 0, 1)), lt: new Date(Date.UTC(year + 1, 0, 1)) } }),
});

const achievementsByDistrict: ReportDefinition = {
  title: 'Achievements by district (各辖区企业成果)',
  sheet: '辖区成果',
  needsPolicy: false,
  columns: header([
    ['jurisdiction', '辖区'],
    ['jurisdictionName', '辖区名称'],
    ['achievementId', '成果编号'],
    ['enterpriseId', '企业编号'],
    ['creditCode', '统一社会信用代码'],
    ['enterpriseName', '企业名称'],
    ['kind', '成果类型'],
    ['level', '成果级别'],
    ['obtainedOn', '获得日期'],
    ['units', '数量'],
    ['rank', '名次'],
    ['projectKey', '项目'],
  ]),
  async scanTotal(ctx, parameters) {
    const districts = await districtsInScope(ctx, parameters);
    return ctx.db.achievement.count({
      where: {
        ...achievementWhere(0, parameters.year),
        enterprise: { retiredAt: null, jurisdictionId: { in: districts.map((d) => d.id) } },
      },
    });
  },
  async *batches(ctx, parameters) {
    for (const district of await districtsInScope(ctx, parameters)) {
      let cursor: number | undefined;
      while (true) {
        const page = await ctx.db.achievement.findMany({
          where: achievementWhere(district.id, parameters.year),
          select: {
            id: true,
            obtainedOn: true,
            units: true,
            rank: true,
            projectKey: true,
            kind: { select: { code: true } },
            level: true,
            enterprise: { select: { id: true, name: true, creditCode: true } },
          },
          orderBy: { id: 'asc' },
          take: ACHIEVEMENT_PAGE,
          ...(cursor === undefined ? {} : { cursor: { id: cursor }, skip: 1 }),
        });
        if (page.length === 0) break;
        yield {
          scanned: page.length,
          rows: page.map((a): Row => [
            district.code,
            district.name,
            a.id,
            a.enterprise.id,
            a.enterprise.creditCode,
            a.enterprise.name,
            a.kind.code,
            a.level,
            a.obtainedOn.toISOString().slice(0, 10),
            a.units,
            a.rank,
            a.projectKey,
          ]),
        };
        if (page.length < ACHIEVEMENT_PAGE) break;
        cursor = page[page.length - 1]!.id;
      }
    }
  },
};

export const REPORTS: Record<ExportReport, ReportDefinition> = {
  ENTITLEMENTS_BY_ENTERPRISE: entitlementsByEnterprise,
  TARGET_PROGRESS: targetProgressReport,
  ACHIEVEMENTS_BY_DISTRICT: achievementsByDistrict,
};
