/**
 * The progress golden cases (test/golden/progress/*.yaml) over HTTP on both databases: each
 * case's observations recorded through recordObservations, its progress read through
 * Target.progress, then its observations removed so the next case starts from none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordObservationsDocument, TargetProgressDocument } from '../../src/generated/operations.js';
import { DATABASE_KINDS } from '../support/databases.js';
import { corpus } from '../support/engine-samples.js';
import { progressGoldenCases } from '../support/progress-golden.js';
import { startTestServer, type TestServer } from '../support/server.js';

const globalId = (type: string, id: number) => Buffer.from(`${type}:${id}`).toString('base64');

/** The golden files hold the engine's codes; over HTTP a jurisdiction reads by its English name. */
const named = (text: string) =>
  text.replace(/\b[a-z]{2}(?:-[a-z0-9]+)+/g, (code) => corpus.jurisdictions.get(code)?.nameEn ?? code);

describe.each(DATABASE_KINDS)('progress golden cases on %s database', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server?.stop());

  it.each(progressGoldenCases.map((c, i) => [`${c.file} ${c.finding}: ${c.name}`, c, i] as const))(
    '%s',
    async (_, c, i) => {
      const target = await server.db.target.findFirstOrThrow({
        where: { key: c.target, policy: { key: c.policy } },
        include: { indicator: { select: { code: true } } },
      });
      const source = `golden case ${i}`;
      const recorded = await server.request(RecordObservationsDocument, {
        input: c.observations.map((o) => ({
          indicator: o.indicator ?? target.indicator.code,
          jurisdiction: o.jurisdiction,
          year: o.year,
          value: o.value,
          source,
        })),
      });
      expect([recorded.errors, recorded.data!.recordObservations.__typename]).toEqual([
        undefined,
        'RecordObservationsPayload',
      ]);
      try {
        const { data, errors } = await server.request(TargetProgressDocument, {
          id: globalId('Target', target.id),
          asOf: c.asOf,
          jurisdiction: c.jurisdiction,
        });
        expect(errors).toBeUndefined();
        if (data!.node?.__typename !== 'Target') throw new Error('expected a Target');
        const { progress } = data!.node;
        expect(progress.status).toBe(c.expect.status);
        if (c.expect.periods)
          expect(
            progress.periods.map(({ year, targetValue, observed, status }) => ({
              year,
              targetValue,
              observed,
              status,
            })),
          ).toEqual(
            c.expect.periods.map((p) => ({ targetValue: expect.anything(), observed: expect.anything(), ...p })),
          );
        for (const text of c.expect.explains) expect(progress.explanation).toContain(named(text));
      } finally {
        await server.db.observation.deleteMany({ where: { source } });
      }
    },
  );
});
