/**
 * The named reports an export job can run: each a list of columns (English field name, Chinese
 * header) and a source of rows in batches, read within the caller's jurisdictions. Rows are produced
 * batch by batch so that an export never holds more than one batch in memory.
 */
import { GraphQLError } from 'graphql';
import { dateOf, isoDay, yearBounds } from '../dates/index.js';
import type { ExportReport } from '../generated/prisma/client.js';
import { namedMessages, type Scope } from '../scope/scope.js';
import {
  enterpriseWhereOf,
  evaluatePopulation,
  populationFilter,
  visiblePopulation,
} from '../evaluation/population.js';
import { matrixCells, targetProgress } from '../evaluation/progress.js';
import { impactPopulation, reformImpactScan } from '../evaluation/reform-impact.js';
import type { ReformDef } from '../engines/entitlement/reforms.js';
import { withReformsApplied } from '../scope/reforms.js';
import { messagesFor, type Locale, type MessageId } from '../i18n/index.js';
import { renderPhrase, renderStep } from '../i18n/trace.js';
import { incentiveName, indicatorName, jurisdictionName, kindName, levelName, type Named } from '../engines/message.js';

export type Cell = string | number | null;
export type Row = Cell[];

export interface Column {
  /** The English field name: the JSON Lines key, and the second half of a CSV/XLSX header. */
  name: string;
  /** The Chinese term, shown first in CSV/XLSX headers. */
  title: string;
  /** A day written YYYY-MM-DD: text in CSV and JSON Lines, a date cell in XLSX. */
  date?: true;
}

/** A report's parameters, fixed when the job starts (asOf included) so that a rerun gives the same file. */
export interface ReportParameters {
  policyKey: string | null;
  /** A jurisdiction code; the report covers it and everything under it. */
  jurisdiction: string | null;
  year: number | null;
  asOf: string;
  /** The language of the steps and reasons written, the request's when the job was started (absent: English). */
  language?: Locale;
  /** REFORM_IMPACT: the reforms as validated when the job started (policies by key, days as ISO days). */
  reforms?: ReformDef[];
}

export interface ReportDefinition {
  title: string;
  /** The sheet name in XLSX (at most 31 characters). */
  sheet: string;
  needsPolicy: boolean;
  columns: Column[];
  /** How much there is to scan, for progress. */
  scanTotal(ctx: Scope, parameters: ReportParameters): Promise<number>;
  /** Batches of rows, each with how many units of work it scanned. */
  batches(ctx: Scope, parameters: ReportParameters): AsyncGenerator<{ rows: Row[]; scanned: number }>;
}

const header = (pairs: Array<[string, string, 'date'?]>): Column[] =>
  pairs.map(([name, title, type]) => ({ name, title, ...(type === 'date' ? { date: true as const } : {}) }));

const zh = messagesFor('zh-CN');
/** A code's Chinese name from the catalogue (status, nature, payer …); null stays null. */
const named = (prefix: string, code: string | null) => (code === null ? null : zh.t(`${prefix}.${code}` as MessageId));

/**
 * The Chinese names of the codes a report writes: jurisdictions, incentives, kinds, levels and
 * indicators from the names the corpus kept in memory holds (src/i18n/names.ts); policy titles and
 * clause headings, which no text but a report's columns reads, in two statements once per job.
 */
async function namesOf(ctx: Scope) {
  const [lookup, policies, clauses] = await Promise.all([
    ctx.loaders.names(),
    ctx.db.policy.findMany({ select: { key: true, title: true } }),
    ctx.db.clause.findMany({ select: { path: true, heading: true, text: true, policy: { select: { key: true } } } }),
  ]);
  const zhName = (value: Named) => lookup.of(value, 'zh-CN') ?? null;
  return {
    jurisdiction: (code: string) => zhName(jurisdictionName(code)),
    policy: new Map(policies.map((p) => [p.key, p.title])),
    /** A clause by its heading, else the start of its text (the whole sentence is in 条款原文). */
    clause: new Map(
      clauses.map((c) => [
        `${c.policy.key}|${c.path}`,
        c.heading ?? (c.text.length > 40 ? `${c.text.slice(0, 40)}…` : c.text),
      ]),
    ),
    incentive: (policyKey: string | null, key: string | null) =>
      policyKey === null || key === null ? null : zhName(incentiveName(policyKey, key)),
    kind: (code: string | null) => (code === null ? null : zhName(kindName(code))),
    level: (kind: string | null, level: string | null) =>
      kind === null || level === null ? null : zhName(levelName(kind, level)),
    indicator: (code: string) => zhName(indicatorName(code)),
  };
}

/** What the first sheet of an XLSX file states: the report, its parameters, the as-of date, the source documents. */
export async function aboutReport(
  ctx: Scope,
  report: ReportDefinition,
  parameters: ReportParameters,
): Promise<Array<[string, Cell]>> {
  const all = zh.t('export.about.all');
  const policy = parameters.policyKey
    ? await ctx.db.policy.findUnique({
        where: { key: parameters.policyKey },
        select: { key: true, title: true, documentNumber: true, issuer: true, source: true },
      })
    : null;
  const jurisdiction = parameters.jurisdiction
    ? await ctx.db.jurisdiction.findUnique({ where: { code: parameters.jurisdiction }, select: { name: true } })
    : null;
  return [
    [zh.t('export.about.report'), report.title],
    [zh.t('export.about.parameters'), null],
    [zh.t('export.about.policy'), policy ? `${policy.title}（${policy.key}）` : all],
    [
      zh.t('export.about.jurisdiction'),
      parameters.jurisdiction ? `${jurisdiction?.name ?? ''}（${parameters.jurisdiction}）` : all,
    ],
    [zh.t('export.about.year'), parameters.year ?? all],
    [zh.t('export.about.asOf'), parameters.asOf],
    [
      zh.t('export.about.sources'),
      policy
        ? zh.t('export.about.source', {
            title: policy.title,
            documentNumber: policy.documentNumber ?? '—',
            issuer: policy.issuer,
            file: policy.source,
          })
        : zh.t('export.about.recorded'),
    ],
  ];
}

/** The stored jurisdiction id of a code that was validated when the job started. */
async function jurisdictionIdOf(ctx: Scope, code: string | null): Promise<number | null> {
  if (code === null) return null;
  const found = (await ctx.loaders.jurisdictions()).find((j) => j.code === code);
  if (!found) throw new GraphQLError(`jurisdiction ${code} no longer exists`, { extensions: { code: 'NOT_FOUND' } });
  return found.id;
}

async function enterprisesInScope(ctx: Scope, parameters: ReportParameters) {
  return visiblePopulation(
    await populationFilter(ctx.loaders, parameters.policyKey, await jurisdictionIdOf(ctx, parameters.jurisdiction)),
    ctx.caller.jurisdictionIds,
  );
}

/** The work of a report over the enterprises in scope: one unit an enterprise. */
const enterprisesCounted = async (ctx: Scope, parameters: ReportParameters) =>
  ctx.db.enterprise.count({ where: enterpriseWhereOf(await enterprisesInScope(ctx, parameters)) });

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
    ['jurisdictionName', '辖区名称'],
    ['policy', '政策'],
    ['policyTitle', '政策名称'],
    ['clause', '条款'],
    ['clauseName', '条款名称'],
    ['incentive', '奖励项目'],
    ['incentiveName', '奖励项目名称'],
    ['achievementId', '成果编号'],
    ['achievementKind', '成果类型'],
    ['achievementKindName', '成果类型名称'],
    ['achievementLevel', '成果级别'],
    ['achievementLevelName', '成果级别名称'],
    ['obtainedOn', '获得日期', 'date'],
    ['year', '年度'],
    ['amountYuan', '金额(元)'],
    ['amountNature', '金额性质'],
    ['amountNatureName', '金额性质说明'],
    ['provincialPartYuan', '省级部分(元)'],
    ['payer', '支付方'],
    ['payerName', '支付方名称'],
    ['eligibility', '资格'],
    ['eligibilityName', '资格说明'],
    ['disposition', '计入情况'],
    ['dispositionName', '计入情况说明'],
    ['missing', '待补信息'],
    ['explanation', '计算说明'],
    ['quote', '条款原文'],
  ]),
  scanTotal: enterprisesCounted,
  async *batches(ctx, parameters) {
    const population = evaluatePopulation(ctx.db, ctx.loaders, {
      filter: await enterprisesInScope(ctx, parameters),
      withAchievements: true,
      asOf: parameters.asOf,
      policyKeys: [parameters.policyKey!],
      chunkSize: ENTERPRISE_BATCH,
    });
    const names = await namesOf(ctx);
    const messages = await namedMessages(ctx);
    let rows: Row[] = [];
    let scanned = 0;
    for await (const { enterprise, achievements, jurisdiction, entitlements } of population) {
      const byId = new Map(achievements.map((a) => [a.id, a]));
      for (const e of entitlements) {
        // Not entitled (out of scope, outside the window, level not rewarded …) is not a row of this report.
        if (e.eligibility === 'INELIGIBLE' || (parameters.year !== null && e.year !== parameters.year)) continue;
        const achievement = byId.get(e.achievementId);
        const kind = achievement?.kind ?? null;
        const level = achievement?.level ?? null;
        rows.push([
          enterprise.id,
          enterprise.creditCode,
          enterprise.name,
          jurisdiction,
          names.jurisdiction(jurisdiction),
          e.policyKey,
          names.policy.get(e.policyKey) ?? null,
          e.clausePath,
          names.clause.get(`${e.policyKey}|${e.clausePath}`) ?? null,
          e.incentiveKey,
          names.incentive(e.policyKey, e.incentiveKey),
          Number(e.achievementId),
          kind,
          names.kind(kind),
          level,
          names.level(kind, level),
          achievement?.obtainedOn ?? null,
          e.year,
          e.amountYuan,
          e.nature,
          named('amountNature', e.nature),
          e.provincialPartYuan,
          e.payer,
          named('payer', e.payer),
          e.eligibility,
          named('eligibility', e.eligibility),
          e.disposition,
          named('disposition', e.disposition),
          e.missing.join(', ') || null,
          e.steps.map((s) => renderStep(s, messages)).join('；'),
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

async function progressCells(ctx: Scope, parameters: ReportParameters) {
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
    ['policyTitle', '政策名称'],
    ['target', '目标'],
    ['clause', '条款'],
    ['summary', '目标内容'],
    ['quote', '条款原文'],
    ['indicator', '指标'],
    ['indicatorName', '指标名称'],
    ['jurisdiction', '辖区'],
    ['jurisdictionName', '辖区名称'],
    ['year', '年度'],
    ['targetValue', '目标值'],
    ['observed', '实际值'],
    ['expected', '应达值'],
    ['status', '状态'],
    ['statusName', '状态说明'],
    ['reason', '说明'],
  ]),
  scanTotal: async (ctx, parameters) => (await progressCells(ctx, parameters)).length,
  async *batches(ctx, parameters) {
    const names = await namesOf(ctx);
    const messages = await namedMessages(ctx);
    for (const cell of await progressCells(ctx, parameters)) {
      const { target, progress } = await targetProgress(ctx.loaders, cell.targetId, {
        asOf: parameters.asOf,
        jurisdiction: cell.jurisdiction,
      });
      const rows = progress.periods.map((p): Row => [
        target.policyKey,
        names.policy.get(target.policyKey) ?? null,
        target.key,
        target.clausePath,
        target.summary,
        target.quote,
        target.indicator.code,
        names.indicator(target.indicator.code),
        progress.jurisdiction,
        names.jurisdiction(progress.jurisdiction),
        p.year,
        p.targetValue,
        p.observed,
        p.expected,
        p.status,
        named('progressStatus', p.status),
        renderPhrase(p.reason, messages),
      ]);
      yield { rows, scanned: 1 };
    }
  },
};

/** Achievements read per statement, district by district in code order. */
const ACHIEVEMENT_PAGE = 5000;

async function districtsInScope(ctx: Scope, parameters: ReportParameters) {
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
  ...(year === null ? {} : { obtainedOn: { gte: dateOf(yearBounds(year).first), lte: dateOf(yearBounds(year).last) } }),
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
    ['kindName', '成果类型名称'],
    ['level', '成果级别'],
    ['levelName', '成果级别名称'],
    ['obtainedOn', '获得日期', 'date'],
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
    const names = await namesOf(ctx);
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
            names.kind(a.kind.code),
            a.level,
            names.level(a.kind.code, a.level),
            isoDay(a.obtainedOn),
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

/**
 * A job's reforms applied, and what its impact may read: the job's jurisdiction (with everything
 * under it) that the caller sees.
 */
async function impactInputs(ctx: Scope, parameters: ReportParameters) {
  const reformed = await withReformsApplied(ctx.db, ctx.loaders, parameters.reforms ?? []);
  // Checked when the job started; a reload since may have removed what a reform names.
  if (!reformed.ok)
    throw new GraphQLError(
      `reforms[${reformed.issue.index}].${reformed.issue.field}: ${renderPhrase(reformed.issue.message, ctx.messages)}`,
    );
  const jurisdictionId = await jurisdictionIdOf(ctx, parameters.jurisdiction);
  const { jurisdictionIds } = visiblePopulation(
    { jurisdictionIds: jurisdictionId === null ? null : await ctx.loaders.jurisdictionSubtree.load(jurisdictionId) },
    ctx.caller.jurisdictionIds,
  );
  return { reformed: reformed.loaders, sees: jurisdictionIds === null ? null : new Set(jurisdictionIds) };
}

/**
 * A reform's impact (reformImpact) by year, district and incentive, baseline beside reform. Its work
 * is the enterprises of the baseline's scope and the reform's together; the groups are sums, so the
 * rows come once all are evaluated, after batches of progress alone.
 */
const reformImpactReport: ReportDefinition = {
  title: 'Reform impact (政策调整影响测算)',
  sheet: '政策调整影响',
  needsPolicy: true,
  columns: header([
    ['year', '年度'],
    ['jurisdiction', '所属辖区'],
    ['jurisdictionName', '辖区名称'],
    ['incentive', '奖励项目'],
    ['incentiveName', '奖励项目名称'],
    ['baselineYuan', '现行金额(元)'],
    ['reformYuan', '调整后金额(元)'],
    ['deltaYuan', '增减(元)'],
    ['baselineEnterprises', '现行受益企业数'],
    ['reformEnterprises', '调整后受益企业数'],
    ['gained', '增加金额企业数'],
    ['lost', '减少金额企业数'],
    ['changedDisposition', '资格或计入情况变化企业数'],
  ]),
  async scanTotal(ctx, parameters) {
    const { reformed, sees } = await impactInputs(ctx, parameters);
    const filter = await impactPopulation(ctx.loaders, reformed, parameters.policyKey!, sees);
    return ctx.db.enterprise.count({ where: enterpriseWhereOf(filter) });
  },
  async *batches(ctx, parameters) {
    const { reformed, sees } = await impactInputs(ctx, parameters);
    const scan = reformImpactScan(ctx.db, ctx.loaders, reformed, {
      policyKey: parameters.policyKey!,
      groupBy: ['YEAR', 'JURISDICTION', 'INCENTIVE'],
      years: parameters.year === null ? null : [parameters.year],
      asOf: parameters.asOf,
      sees,
    });
    let step = await scan.next();
    for (; !step.done; step = await scan.next()) yield { rows: [], scanned: step.value };
    const impact = step.value;
    const names = await namesOf(ctx);
    yield {
      scanned: 0,
      rows: impact.groups.map((g): Row => [
        g.year,
        g.jurisdiction,
        g.jurisdiction === null ? null : names.jurisdiction(g.jurisdiction),
        g.incentiveKey,
        names.incentive(g.policyKey, g.incentiveKey),
        g.baseline.exactYuan,
        g.reform.exactYuan,
        g.deltaYuan,
        g.baseline.enterpriseCount,
        g.reform.enterpriseCount,
        g.gainedCount,
        g.lostCount,
        g.changedDispositionCount,
      ]),
    };
  },
};

export const REPORTS: Record<ExportReport, ReportDefinition> = {
  ENTITLEMENTS_BY_ENTERPRISE: entitlementsByEnterprise,
  TARGET_PROGRESS: targetProgressReport,
  ACHIEVEMENTS_BY_DISTRICT: achievementsByDistrict,
  REFORM_IMPACT: reformImpactReport,
};
