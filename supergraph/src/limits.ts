/**
 * Static query depth and cost estimates, checked before the gateway plans a query. Cost: every field
 * costs 1, and a field with a `first`/`last` argument multiplies the cost of what it selects by that
 * number (a list without one counts as one item, since the subgraph's default page size is not known here).
 */
import { Kind, type DocumentNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

export interface QueryEstimate {
  depth: number;
  cost: number;
}

function argNumber(value: ValueNode | undefined, variables: Record<string, unknown> | undefined): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = variables?.[value.name.value];
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}

/** Depth and cost of the operation that will run (the named one, or the only one). */
export function estimateQuery(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables?: Record<string, unknown>,
): QueryEstimate {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: SelectionSetNode | undefined;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    else if (def.kind === Kind.OPERATION_DEFINITION && (!operationName || def.name?.value === operationName)) {
      operation ??= def.selectionSet;
    }
  }
  if (!operation) return { depth: 0, cost: 0 };

  // `visiting` stops fragment cycles (graphql-js validation rejects them, but this may run first).
  const walk = (set: SelectionSetNode, depth: number, multiplier: number, visiting: Set<string>): QueryEstimate => {
    let maxDepth = depth;
    let cost = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        cost += multiplier;
        if (sel.selectionSet) {
          const size =
            argNumber(sel.arguments?.find((a) => a.name.value === 'first')?.value, variables) ??
            argNumber(sel.arguments?.find((a) => a.name.value === 'last')?.value, variables) ??
            1;
          const inner = walk(sel.selectionSet, depth + 1, multiplier * Math.max(1, size), visiting);
          maxDepth = Math.max(maxDepth, inner.depth);
          cost += inner.cost;
        } else {
          maxDepth = Math.max(maxDepth, depth + 1);
        }
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const inner = walk(sel.selectionSet, depth, multiplier, visiting);
        maxDepth = Math.max(maxDepth, inner.depth);
        cost += inner.cost;
      } else {
        const name = sel.name.value;
        const frag = fragments.get(name);
        if (!frag || visiting.has(name)) continue;
        visiting.add(name);
        const inner = walk(frag.selectionSet, depth, multiplier, visiting);
        visiting.delete(name);
        maxDepth = Math.max(maxDepth, inner.depth);
        cost += inner.cost;
      }
    }
    return { depth: maxDepth, cost };
  };
  return walk(operation, 0, 1, new Set());
}
