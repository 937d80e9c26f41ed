/** The vocabulary a write is checked against, read once per write or per import. */
import type { Tx } from './common.js';

export interface KindEntry {
  id: number;
  levels: string[];
  /** Facts some rule for this kind asks to be attested. */
  facts: Set<string>;
}

export async function loadKinds(tx: Tx): Promise<Map<string, KindEntry>> {
  // One after the other: inside a transaction the queries share one connection.
  const kinds = await tx.achievementKind.findMany({
    select: { id: true, code: true, levels: { select: { code: true } } },
  });
  const incentives = await tx.incentive.findMany({ select: { achievementKindId: true, conditions: true } });
  const facts = new Map<number, Set<string>>();
  for (const incentive of incentives)
    for (const condition of incentive.conditions as Array<{ fact?: string }>)
      if (condition.fact)
        facts.set(
          incentive.achievementKindId,
          (facts.get(incentive.achievementKindId) ?? new Set()).add(condition.fact),
        );
  return new Map(
    kinds.map((k) => [k.code, { id: k.id, levels: k.levels.map((l) => l.code), facts: facts.get(k.id) ?? new Set() }]),
  );
}

/** What is wrong with a kind, level and facts, as [field, code, message], or null. */
export function vocabularyProblem(
  kinds: Map<string, KindEntry>,
  kindCode: string,
  level: string | null | undefined,
  facts: Record<string, boolean> | undefined,
): [field: string, code: 'NOT_FOUND' | 'INVALID_ARGUMENT', message: string] | null {
  const kind = kinds.get(kindCode);
  if (!kind) return ['kind', 'NOT_FOUND', `unknown achievement kind "${kindCode}"`];
  if (level && !kind.levels.includes(level))
    return [
      'level',
      'INVALID_ARGUMENT',
      `${kindCode} has no level "${level}" (${kind.levels.join(', ') || 'it has no levels'})`,
    ];
  for (const fact of Object.keys(facts ?? {}))
    if (!kind.facts.has(fact))
      return [
        `facts.${fact}`,
        'INVALID_ARGUMENT',
        `no rule for ${kindCode} asks for ${fact} (${[...kind.facts].join(', ') || 'none asks for a fact'})`,
      ];
  return null;
}
