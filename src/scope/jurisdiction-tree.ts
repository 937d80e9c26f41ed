/** Walks of the jurisdiction tree (a few hundred rows, read whole), shared by loaders and access checks. */
export interface TreeRow {
  id: number;
  parentId: number | null;
}

export interface Tree {
  /** A jurisdiction and everything above it, nearest first. */
  ancestry(id: number): number[];
  /** The given jurisdictions and everything under them. */
  subtree(roots: readonly number[]): number[];
}

/** Indexes the rows once, for as many walks as a request needs. */
export function treeOf(rows: readonly TreeRow[]): Tree {
  const parent = new Map(rows.map((row) => [row.id, row.parentId]));
  const children = new Map<number, number[]>();
  for (const row of rows)
    if (row.parentId !== null) children.set(row.parentId, [...(children.get(row.parentId) ?? []), row.id]);
  return {
    ancestry(id) {
      const chain: number[] = [];
      for (let at: number | null | undefined = id; at != null; at = parent.get(at)) chain.push(at);
      return chain;
    },
    subtree(roots) {
      const found: number[] = [];
      const stack = [...roots];
      while (stack.length) {
        const id = stack.pop()!;
        found.push(id);
        stack.push(...(children.get(id) ?? []));
      }
      return found;
    },
  };
}
