/**
 * Bulk exports of named reports (导出): startExport queues a job, the server's runner writes the
 * file in the background, exportJobs/node(id) report progress, and GET downloadUrl (with the same
 * API key) returns the file. A caller sees only its own jobs.
 */
import type { GraphQLError } from 'graphql';
import { ExportFormat, ExportReport, ExportStatus } from '../../generated/prisma/enums.js';
import { REPORTS, type ReportParameters } from '../../exports/reports.js';
import { builder, connectionOf, withId } from '../builder.js';
import { exportJobScopes } from '../../scope/access.js';
import { assertSees } from '../access.js';
import {
  DateFilter,
  described,
  enumFilter,
  IDFilter,
  idsOf,
  IntFilter,
  modelFilter,
  whereOf,
  type ModelFilter,
} from '../filters.js';
import { orderByOf, orderOf, pageOf } from '../ordering.js';
import type { Scope as Context } from '../../scope/scope.js';
import { decodeIdOf, encodeId } from '../ids.js';
import { refuse } from '../../i18n/refusal.js';
import { phrase } from '../../engines/message.js';
import { UserError } from '../errors.js';
import type { RefusalCode } from '../../validation/refusal.js';
import { asOfDay, policyKeyOf } from '../arguments.js';
import { refusable } from '../payloads.js';
import type { Prisma } from '../../generated/prisma/client.js';
import { reformDefsOf, ReformInput, withReforms } from './reform.js';

/** Jobs one key may have queued or running at once: exports are heavy, and run one at a time. */
const ACTIVE_JOBS_PER_KEY = 5;

const ExportReportEnum = builder.enumType(ExportReport, {
  name: 'ExportReport',
  description:
    "A named report: ENTITLEMENTS_BY_ENTERPRISE (企业应享奖励明细: one row per entitlement of a policy, with clause, amount and its nature), TARGET_PROGRESS (目标进展: targets × districts × years of a policy), ACHIEVEMENTS_BY_DISTRICT (各辖区企业成果: one row per achievement, district by district), REFORM_IMPACT (政策调整影响测算: a reform's baseline beside reform by year, district and incentive, as reformImpact).",
});
const ExportFormatEnum = builder.enumType(ExportFormat, {
  name: 'ExportFormat',
  description: 'CSV (UTF-8 with BOM, for Excel), XLSX (numbers as numbers) or JSONL (one JSON object per line).',
});
const ExportStatusEnum = builder.enumType(ExportStatus, {
  name: 'ExportStatus',
  description:
    'QUEUED, RUNNING, COMPLETED (the file can be downloaded), FAILED (see error), CANCELLED, or EXPIRED (the file was deleted).',
});

const ExportColumnRef = builder.simpleObject('ExportColumn', {
  description: 'A column of a report: its English field name and its Chinese header.',
  fields: (t) => ({
    name: t.string({ description: 'The field name: the JSON Lines key, and the second half of a CSV/XLSX header.' }),
    title: t.string({ description: 'The Chinese term (列名), shown first in CSV/XLSX headers.' }),
  }),
});

const ExportParametersRef = builder.simpleObject('ExportParameters', {
  description: 'What a job exports, fixed when it started (asOf included, so that a rerun gives the same file).',
  fields: (t) => ({
    policyKey: t.string({
      nullable: true,
      description:
        'The key of the policy, where one was given (ENTITLEMENTS_BY_ENTERPRISE, TARGET_PROGRESS and REFORM_IMPACT need one).',
    }),
    jurisdictionCode: t.string({ nullable: true, description: 'The report covers it and everything under it.' }),
    year: t.int({
      nullable: true,
      description: 'Only entitlements or achievements of this year (by the day obtained); null for every year.',
    }),
    asOf: t.string({ description: 'The day entitlements and progress are computed as of (YYYY-MM-DD).' }),
  }),
});

builder.prismaNode('ExportJob', {
  id: { field: 'id' },
  authScopes: exportJobScopes,
  description: 'A bulk export (导出任务) of a named report, run in the background; only its owner sees it.',
  fields: (t) => ({
    report: t.expose('report', { type: ExportReportEnum }),
    format: t.expose('format', { type: ExportFormatEnum }),
    status: t.expose('status', { type: ExportStatusEnum }),
    parameters: t.field({
      type: ExportParametersRef,
      description: 'What it exports: policy, jurisdiction, year and asOf, as validated when it was started.',
      select: { parameters: true },
      resolve: (job) => {
        const p = job.parameters as unknown as ReportParameters;
        return { policyKey: p.policyKey, jurisdictionCode: p.jurisdiction, year: p.year, asOf: p.asOf };
      },
    }),
    columns: t.field({
      type: [ExportColumnRef],
      description: "The columns of the report's file, in order.",
      select: { report: true },
      resolve: (job) => REPORTS[job.report].columns,
    }),
    rowsWritten: t.exposeInt('rowsWritten', { description: 'Rows written so far (已导出行数).' }),
    rowsTotal: t.exposeInt('rowsTotal', {
      nullable: true,
      description: 'Rows in the file: known once it is complete (entitlement rows are known only once computed).',
    }),
    progress: t.float({
      description:
        'The share of the work done, 0 to 1: enterprises, target cells or achievements scanned of all in scope.',
      select: { scanDone: true, scanTotal: true, status: true },
      resolve: (job) =>
        job.status === 'COMPLETED' ? 1 : job.scanTotal ? Math.min(1, job.scanDone / job.scanTotal) : 0,
    }),
    bytes: t.exposeInt('bytes', { nullable: true, description: 'The file size, once complete.' }),
    error: t.exposeString('error', { nullable: true, description: 'Why it failed.' }),
    attempts: t.exposeInt('attempts', { description: 'Runs started: above 1 when a restart interrupted it.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
    expiresAt: t.expose('expiresAt', {
      type: 'DateTime',
      description: 'When the job and its file are deleted (a set time after it finished).',
    }),
    downloadUrl: t.string({
      nullable: true,
      description: 'Where to GET the file with the same API key (Authorization: Bearer …), once COMPLETED.',
      select: { id: true, status: true },
      resolve: (job) => (job.status === 'COMPLETED' ? `/exports/${encodeId('ExportJob', job.id)}` : null),
    }),
  }),
});

const StartExportInput = builder.inputType('StartExportInput', {
  description: 'What to export, and in which format.',
  fields: (t) => ({
    report: t.field({ type: ExportReportEnum, required: true, description: 'The named report to export.' }),
    format: t.field({ type: ExportFormatEnum, required: true, description: 'The format of the file.' }),
    policy: t.id({
      description: 'The policy; required by ENTITLEMENTS_BY_ENTERPRISE, TARGET_PROGRESS and REFORM_IMPACT.',
    }),
    jurisdiction: t.id({ description: 'Only this jurisdiction and what lies under it (within your own).' }),
    year: t.int({ description: 'Only entitlements or achievements of this year (by the day obtained).' }),
    asOf: t.field({ type: 'Date', description: 'Compute entitlements and progress as of this day. Default: today.' }),
    reforms: t.field({
      type: [ReformInput],
      description: 'REFORM_IMPACT: the reforms whose impact to export (required).',
    }),
  }),
});

builder.mutationFields((t) => ({
  startExport: t.prismaField({
    type: 'ExportJob',
    description:
      'Starts a bulk export of a named report in the background. Poll the job (node or exportJobs) until COMPLETED, then GET its downloadUrl.',
    authScopes: { agency: true },
    errors: refusable('The export job as queued'),
    args: { input: t.arg({ type: StartExportInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const report = REPORTS[input.report];
      if (report.needsPolicy && !input.policy)
        throw refuse('input.policy', 'INVALID_ARGUMENT', phrase('error.EXPORT_NEEDS_POLICY', { report: input.report }));
      if (input.year != null && (input.year < 1949 || input.year > 2100))
        throw refuse('input.year', 'INVALID_ARGUMENT', phrase('error.NOT_A_POLICY_YEAR', { year: input.year }));
      let jurisdiction: string | null = null;
      if (input.jurisdiction) {
        const id = decodeIdOf('Jurisdiction', input.jurisdiction, 'input.jurisdiction');
        const found = (await ctx.loaders.jurisdictions()).find((j) => j.id === id);
        if (!found)
          throw refuse(
            'input.jurisdiction',
            'NOT_FOUND',
            phrase('error.NO_JURISDICTION_ID', { id: input.jurisdiction }),
          );
        assertSees(ctx, id, 'input.jurisdiction');
        jurisdiction = found.code;
      }
      // A refused reform (or policy) answers WriteRefused with its field and code, as the other parameters do.
      const asRefusal = (error: unknown) => {
        const { code, field } = (error as GraphQLError).extensions ?? {};
        throw error instanceof UserError && ['NOT_FOUND', 'RETIRED', 'INVALID_ARGUMENT'].includes(String(code))
          ? refuse(String(field), code as RefusalCode, error.phrase)
          : error;
      };
      if (input.report === 'REFORM_IMPACT' && !input.reforms?.length)
        throw refuse(
          'input.reforms',
          'INVALID_ARGUMENT',
          phrase('error.EXPORT_NEEDS_REFORMS', { report: input.report }),
        );
      const reforms = input.report === 'REFORM_IMPACT' ? input.reforms! : [];
      await withReforms(ctx, reforms, 'input.reforms').catch(asRefusal);
      const parameters: ReportParameters = {
        // policyKeyOf is the reads' lookup: its NOT_FOUND is this write's refusal, as for the other writes.
        policyKey: await policyKeyOf(ctx, input.policy, 'input.policy').catch(asRefusal),
        jurisdiction,
        year: input.year ?? null,
        asOf: asOfDay(input.asOf),
        language: ctx.messages.locale,
        ...(reforms.length ? { reforms: await reformDefsOf(ctx, reforms, 'input.reforms') } : {}),
      };
      const ownerId = ctx.caller.keyId!;
      const active = await ctx.db.exportJob.count({ where: { ownerId, status: { in: ['QUEUED', 'RUNNING'] } } });
      if (active >= ACTIVE_JOBS_PER_KEY)
        throw refuse(
          'input',
          'TOO_MANY_EXPORTS',
          phrase('error.TOO_MANY_EXPORTS', { active, max: ACTIVE_JOBS_PER_KEY }),
        );
      const job = await ctx.db.exportJob.create({
        ...withId(query),
        data: {
          ownerId,
          report: input.report,
          format: input.format,
          // JSON throughout: a reform's rule and conditions (typed unknown) are the request's JSON values.
          parameters: { ...parameters } as unknown as Prisma.InputJsonObject,
          expiresAt: new Date(Date.now() + (ctx.exports?.options.ttlMs ?? 0)),
        },
      });
      ctx.exports?.kick();
      return job;
    },
  }),
  cancelExport: t.prismaField({
    type: 'ExportJob',
    description: 'Cancels a queued or running export of yours; a finished one is left as it is.',
    authScopes: { agency: true },
    errors: refusable('The export job, cancelled unless it had finished'),
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, { id }, ctx) => {
      const jobId = decodeIdOf('ExportJob', id, 'id');
      const owned = { id: jobId, ownerId: ctx.caller.keyId! };
      if (!(await ctx.db.exportJob.count({ where: owned })))
        throw refuse('id', 'NOT_FOUND', phrase('error.NO_EXPORT_JOB', { id }));
      await ctx.db.exportJob.updateMany({
        where: { ...owned, status: { in: ['QUEUED', 'RUNNING'] } },
        data: { status: 'CANCELLED', finishedAt: new Date(), runToken: null },
      });
      return ctx.db.exportJob.findUniqueOrThrow({ ...withId(query), where: { id: jobId } });
    },
  }),
}));

/** The caller's own jobs that the filter (and the older `status` argument) names. */
async function jobsWhere(
  ctx: Context,
  status: readonly string[] | null | undefined,
  filter: object | null | undefined,
) {
  const own = { ownerId: ctx.caller.keyId!, ...(status?.length ? { status: { in: status as ExportStatus[] } } : {}) };
  return { AND: [await whereOf(exportJobFilter, filter, ctx), own] };
}

const exportJobFilter: ModelFilter = { model: 'ExportJob', indexed: ['status'], custom: { id: idsOf('ExportJob') } };
const ExportJobFilter = modelFilter(
  exportJobFilter,
  'Which of your export jobs to list; every condition given must hold.',
  (t) => ({
    id: described(IDFilter, 'The job itself.')(t),
    report: described(enumFilter(ExportReportEnum, 'a report'), 'Its report.')(t),
    format: described(enumFilter(ExportFormatEnum, 'a file format'), 'Its format.')(t),
    status: described(enumFilter(ExportStatusEnum, 'a job status'), 'Its status.')(t),
    rowsWritten: described(IntFilter, 'Rows written so far.')(t),
    createdAt: described(DateFilter, 'The day it was started (UTC).')(t),
    finishedAt: described(DateFilter, 'The day it finished (UTC); equals: null while it runs.')(t),
  }),
);
const ExportJobOrderBy = orderByOf('ExportJob', () => ({
  createdAt: 'By when it was started.',
  status: 'By status.',
  report: 'By report.',
}));

builder.queryField('exportJobs', (t) =>
  t.prismaConnection(
    {
      type: 'ExportJob',
      cursor: 'id',
      description: 'Your export jobs, newest first.',
      authScopes: { agency: true },
      args: {
        status: t.arg({ type: [ExportStatusEnum], description: 'Only jobs in one of these states.' }),
        filter: t.arg({ type: ExportJobFilter }),
        orderBy: t.arg({
          type: [ExportJobOrderBy],
          description: 'Keys to order by; the id breaks ties (default: newest first).',
        }),
      },
      totalCount: async (_p, { status, filter }, ctx) =>
        ctx.db.exportJob.count({ where: await jobsWhere(ctx, status, filter) }),
      resolve: async (query, _root, { status, filter, orderBy }, ctx) =>
        ctx.db.exportJob.findMany(
          await pageOf(
            ctx.db,
            'ExportJob',
            query,
            await jobsWhere(ctx, status, filter),
            orderOf(orderBy, [{ id: 'desc' }]),
          ),
        ),
    },
    connectionOf('ExportJob'),
  ),
);
