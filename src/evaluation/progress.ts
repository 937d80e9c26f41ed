/**
 * A target's progress from stored data: the engine fed by the request's loaders (targets,
 * observations, the jurisdiction tree), so a matrix of many cells costs a fixed number of statements.
 */
import { districtsOfTarget, scheduledDistricts } from '../engines/progress/corpus-input.js';
import { progressOf } from '../engines/progress/progress.js';
import type { TargetInput, TargetProgress } from '../engines/progress/types.js';
import type { Loaders } from '../scope/loaders.js';

/** The districts a target is judged in (districtsOfTarget), the scope's children read from the tree. */
export async function districtsOf(loaders: Loaders, target: TargetInput): Promise<string[]> {
  const tree = await loaders.jurisdictions();
  const scope = tree.find((j) => j.code === target.jurisdiction);
  return districtsOfTarget(
    target,
    tree.filter((j) => scope && j.parentId === scope.id),
  );
}

/**
 * The cells of a progress matrix: each target for its own scope, then for each district its
 * schedule names (a yearly quota per district) or, per jurisdiction, each district owing the
 * figure, in the targets' order.
 */
export async function matrixCells(
  loaders: Loaders,
  targetIds: number[],
): Promise<Array<{ targetId: number; jurisdiction: string | null }>> {
  const inputs = await Promise.all(targetIds.map((id) => loaders.targetInput.load(id)));
  const districts = await Promise.all(
    inputs.map((input) =>
      input.per === 'EACH_JURISDICTION' ? districtsOf(loaders, input) : scheduledDistricts(input),
    ),
  );
  return inputs.flatMap((_, i) =>
    [null, ...districts[i]!].map((jurisdiction) => ({ targetId: targetIds[i]!, jurisdiction })),
  );
}

/** The province above a scope: whose yearly average a RELATIVE target is compared with. */
async function provinceOf(loaders: Loaders, code: string): Promise<string | null> {
  const tree = await loaders.jurisdictions();
  const scope = tree.find((j) => j.code === code);
  if (!scope) return null;
  const byId = new Map(tree.map((j) => [j.id, j]));
  const chain = await loaders.jurisdictionAncestry.load(scope.id);
  return chain.map((id) => byId.get(id)!).find((j) => j.kind === 'PROVINCE')?.code ?? null;
}

/** What the progress engine reads for one target and place, read through the request's loaders. */
export async function targetProgressInputs(
  loaders: Loaders,
  targetId: number,
  options: { asOf: string; jurisdiction?: string | null },
) {
  const target = await loaders.targetInput.load(targetId);
  const [observations, districts, province] = await Promise.all([
    loaders.observationsOfIndicator.load(target.indicator.code),
    districtsOf(loaders, target),
    target.benchmark === 'PROVINCIAL_AVERAGE' ? provinceOf(loaders, target.jurisdiction) : Promise.resolve(null),
  ]);
  return { target, observations, districts, province, ...options };
}

/** The engine's part: synchronous, so a matrix can yield between cells (src/scope/pace.ts). */
export function progressFrom({
  target,
  observations,
  districts,
  province,
  asOf,
  jurisdiction,
}: Awaited<ReturnType<typeof targetProgressInputs>>): { target: TargetInput; progress: TargetProgress } {
  const progress = progressOf(target, observations, {
    asOf,
    jurisdiction: jurisdiction ?? target.jurisdiction,
    districts,
    benchmark: province ? observations.filter((o) => o.jurisdiction === province) : [],
  });
  return { target, progress };
}

export async function targetProgress(
  loaders: Loaders,
  targetId: number,
  options: { asOf: string; jurisdiction?: string | null },
): Promise<{ target: TargetInput; progress: TargetProgress }> {
  return progressFrom(await targetProgressInputs(loaders, targetId, options));
}
