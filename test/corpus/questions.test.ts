/** Every input an incentive can find missing has a question in the policy data (issue 20 item 4). */
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../src/corpus/paths.js';
import { questionProblems } from '../../src/corpus/questions.js';
import { readCorpus } from '../../src/corpus/read.js';

const { policies } = readCorpus(CORPUS_DIR);
const taizhou = policies.find((p) => p.key === 'taizhou-2017-quality')!;

describe('questions in the policy data', () => {
  it('are written for every condition, level and measure of the five seed policies', () => {
    expect(policies.flatMap((p) => questionProblems(p, policies))).toEqual([]);
    const pilot = taizhou.incentives.find((i) => i.key === 'industrial-standardization-pilot')!;
    expect(pilot.conditions[0]).toMatchObject({ fact: 'ACCEPTANCE_PASSED', question: '项目是否已通过考核验收？' });
    expect(pilot.questions.map((q) => q.field)).toEqual(['level']);
  });

  it('reads as an officer asks, in the documents’ terms: every question of the five policies, in both languages', async () => {
    const texts = policies.flatMap((p) =>
      p.incentives.flatMap((i) => [
        ...i.conditions.flatMap((c) =>
          c.kind === 'ATTESTED' ? [`${p.key} ${i.key} facts.${c.fact}\n  ${c.question}\n  ${c.questionEn}`] : [],
        ),
        ...i.questions.map((q) => `${p.key} ${i.key} ${q.field}\n  ${q.question}\n  ${q.questionEn}`),
      ]),
    );
    expect(texts).toHaveLength(83);
    await expect(texts.join('\n')).toMatchFileSnapshot('__snapshots__/question-texts.txt');
  });

  it('names the incentive and the input whose question is missing', () => {
    const stripped = {
      ...taizhou,
      incentives: taizhou.incentives.map((i) =>
        i.key === 'zhejiang-made-certification' || i.key === 'well-known-trademark'
          ? {
              ...i,
              questions: [],
              conditions: i.conditions.map((c) =>
                c.kind === 'ATTESTED' ? { kind: c.kind, fact: c.fact, text: c.text } : c,
              ),
            }
          : i,
      ),
    };
    expect(questionProblems(stripped, policies)).toEqual([
      'questions, well-known-trademark [二/(四)]: the condition ADMINISTRATIVE_RECOGNITION (行政认定) has no question and questionEn',
      'questions, zhejiang-made-certification [二/(四)]: no question for a missing units (add { field: units, question, questionEn } to its questions)',
    ]);
  });
});
