import {
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  getOperationAST,
  visit,
} from 'graphql';
import { MAX_PAGE_SIZE } from '../schema/connection-paging.js';

// graphql-armor's cost model, so that both checks count alike: an object costs 2, a scalar 1, each
// level multiplies its children by 1.5, and a field's `first` (or `last`) multiplies its subtree.
const OBJECT_COST = 2;
const SCALAR_COST = 1;
const DEPTH_FACTOR = 1.5;
const PAGE_ARGUMENTS = new Set(['first', 'last']);

const pagedByVariable = new WeakMap<DocumentNode, boolean>();

/**
 * armor computes the cost once per document, while validating, and so only sees page sizes written
 * in the document: `first: $first` counts as 1, and a client could page 100 × 100 through
 * variables. This is the same model with the variables' values, for the documents that need it;
 * undefined for the others (armor's verdict stands).
 */
export function costWithPageVariables(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): number | undefined {
  if (!usesPageVariables(document)) return undefined;
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentCosts = new Map<string, number>();

  function cost(node: ASTNode): number {
    if (node.kind === Kind.FIELD && node.name.value === '__schema') return 0;
    if (node.kind === Kind.FRAGMENT_SPREAD) {
      const name = node.name.value;
      let fragmentCost = fragmentCosts.get(name);
      if (fragmentCost === undefined) {
        const definition = fragments.get(name);
        // Validation has refused fragment cycles before execution, so this recursion ends.
        fragmentCost = definition ? cost(definition) : 0;
        fragmentCosts.set(name, fragmentCost);
      }
      return SCALAR_COST + DEPTH_FACTOR * fragmentCost;
    }
    if (!('selectionSet' in node) || !node.selectionSet) return SCALAR_COST;
    let total = OBJECT_COST;
    for (const child of node.selectionSet.selections) total += DEPTH_FACTOR * cost(child);
    return node.kind === Kind.FIELD ? total * pageSize(node) : total;
  }

  const valueOf = variableValues(operation, variables);
  function pageSize(field: FieldNode): number {
    const argument = field.arguments?.find((candidate) => PAGE_ARGUMENTS.has(candidate.name.value));
    if (!argument) return 1;
    let size: unknown;
    if (argument.value.kind === Kind.INT) size = Number.parseInt(argument.value.value, 10);
    else if (argument.value.kind === Kind.VARIABLE) size = valueOf(argument.value.name.value);
    if (typeof size !== 'number' || !Number.isFinite(size)) return 1;
    // A size beyond the largest page is refused by the field itself, with its argument named.
    return Math.min(Math.max(size, 1), MAX_PAGE_SIZE);
  }

  return operation.selectionSet.selections.reduce((sum, selection) => sum + cost(selection), 0);
}

function usesPageVariables(document: DocumentNode): boolean {
  let found = pagedByVariable.get(document);
  if (found === undefined) {
    found = false;
    visit(document, {
      Argument(argument) {
        if (PAGE_ARGUMENTS.has(argument.name.value) && argument.value.kind === Kind.VARIABLE) found = true;
      },
    });
    pagedByVariable.set(document, found);
  }
  return found;
}

/** A variable's value as execution will see it: the one supplied, else its default. */
function variableValues(
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): (name: string) => unknown {
  return (name) => {
    if (variables && name in variables) return variables[name];
    const fallback = operation.variableDefinitions?.find(
      (definition) => definition.variable.name.value === name,
    )?.defaultValue;
    return fallback?.kind === Kind.INT ? Number.parseInt(fallback.value, 10) : undefined;
  };
}
