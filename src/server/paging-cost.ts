import {
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  Kind,
  type OperationDefinitionNode,
  getOperationAST,
  visit,
} from 'graphql';
import { MAX_BATCH_REQUESTS } from '../graph/transport/batch-protocol.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../schema/connection-paging.js';
import { fragmentsOf, listLength } from '../rate-limit/operation-root-fields.js';

// graphql-armor's cost model, so that both checks count alike: an object costs 2, a scalar 1, each
// level multiplies its children by 1.5, and a field's `first` (or `last`) multiplies its subtree.
const OBJECT_COST = 2;
const SCALAR_COST = 1;
const DEPTH_FACTOR = 1.5;
const PAGE_ARGUMENTS = new Set(['first', 'last']);

/** The fields that page (`first`, `after`): their subtree runs once per item of the page. */
const CONNECTIONS = new Set(['outboundSharedUserProfiles', 'inboundSharedUserProfiles', 'tenants']);

/** One Graph call per execution, or one `$batch` call per 20 ids of the field's list argument. */
export type GraphCallCost = 'one' | 'per-batch-of-ids';

/**
 * The one place that knows how many Graph calls one execution of a field may cost (field names
 * are unique in this schema; a field not listed costs none). A connection reads one Graph page:
 * the gateway asks for `$top=first`, at most 100, which Graph honours (a Graph whose pages are
 * smaller costs more, up to `MAX_GRAPH_PAGES_PER_FIELD`). A bulk removal sends its ids as `$batch`
 * calls of 20. First attempts only: retries are bounded by `GRAPH_MAX_ATTEMPTS` and the deadline.
 * A test checks that every root field is listed here or known to cost nothing.
 */
export const GRAPH_CALLS_PER_FIELD: Readonly<Record<string, GraphCallCost>> = {
  outboundSharedUserProfiles: 'one',
  outboundSharedUserProfile: 'one',
  tenants: 'one',
  inboundSharedUserProfiles: 'one',
  inboundSharedUserProfile: 'one',
  removeOutboundSharedUserProfilePersonalData: 'one',
  removeInboundSharedUserProfilePersonalData: 'one',
  exportInboundSharedUserProfilePersonalData: 'one',
  removeOutboundSharedUserProfilesPersonalData: 'per-batch-of-ids',
  removeInboundSharedUserProfilesPersonalData: 'per-batch-of-ids',
};

/** What an operation may cost, known before it executes. */
export interface OperationEstimate {
  /**
   * graphql-armor's cost with the variables' page sizes, for documents that pass page sizes as
   * variables; undefined for the others, which armor already judged while validating.
   */
  cost: number | undefined;
  /**
   * The most Graph calls it may make: aliases, fragments and fields under `@skip`/`@include` all
   * count, and so does each item of a page for the fields below it (`first`, 20 when omitted).
   */
  graphCalls: number;
}

interface DocumentEstimates {
  /** What comes from variables: then each request is estimated anew. */
  variables: CostVariables;
  /** By operation name, for documents that need no variables to be estimated. */
  byOperation: Map<string, OperationEstimate>;
}

// yoga caches parsed documents, so the same DocumentNode comes back for the same query text.
const estimatesByDocument = new WeakMap<DocumentNode, DocumentEstimates>();

/**
 * armor computes the cost once per document, while validating, and so only sees page sizes written
 * in the document: `first: $first` counts as 1, and a client could page 100 × 100 through
 * variables. The same walk counts the Graph calls, from the document and the variables.
 * Undefined when `operationName` names no operation of the document.
 */
export function estimateOperation(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): OperationEstimate | undefined {
  let estimates = estimatesByDocument.get(document);
  if (!estimates) {
    estimates = { variables: costVariables(document), byOperation: new Map() };
    estimatesByDocument.set(document, estimates);
  }
  const { pages, ids } = estimates.variables;
  if (pages || ids) return walk(document, operationName, variables, pages);
  const cacheKey = operationName ?? '';
  const cached = estimates.byOperation.get(cacheKey);
  if (cached) return cached;
  const estimate = walk(document, operationName, variables, false);
  // Unknown operation names are not remembered: a client could otherwise grow the map at will.
  if (estimate) estimates.byOperation.set(cacheKey, estimate);
  return estimate;
}

interface Cost {
  armor: number;
  graphCalls: number;
}

function walk(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  pagedByVariable: boolean,
): OperationEstimate | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const fragments = fragmentsOf(document);
  const fragmentCosts = new Map<string, Cost>();
  const valueOf = variableValues(operation, variables);
  // The Graph calls of the node that `cost` last returned for: passed beside its result rather
  // than in an object per node, since documents paged by variables are walked on every request.
  let calls = 0;

  /** armor's cost of `node`; sets `calls` to its Graph calls. */
  function cost(node: ASTNode): number {
    if (node.kind === Kind.FIELD && node.name.value === '__schema') {
      calls = 0;
      return 0;
    }
    if (node.kind === Kind.FRAGMENT_SPREAD) {
      const name = node.name.value;
      let fragmentCost = fragmentCosts.get(name);
      if (fragmentCost === undefined) {
        const definition = fragments.get(name);
        // Validation has refused fragment cycles before execution, so this recursion ends.
        const armor = definition ? cost(definition) : 0;
        fragmentCost = { armor, graphCalls: definition ? calls : 0 };
        fragmentCosts.set(name, fragmentCost);
      }
      calls = fragmentCost.graphCalls;
      return SCALAR_COST + DEPTH_FACTOR * fragmentCost.armor;
    }
    const own = node.kind === Kind.FIELD ? ownGraphCalls(node) : 0;
    if (!('selectionSet' in node) || !node.selectionSet) {
      calls = own;
      return SCALAR_COST;
    }
    let armor = OBJECT_COST;
    let below = 0;
    for (const child of node.selectionSet.selections) {
      armor += DEPTH_FACTOR * cost(child);
      below += calls;
    }
    if (node.kind !== Kind.FIELD) {
      calls = below;
      return armor;
    }
    const size = pageSize(node);
    // armor counts a field without a page size once; Graph is asked for 20 items then.
    calls = own + below * (CONNECTIONS.has(node.name.value) ? (size ?? DEFAULT_PAGE_SIZE) : 1);
    return armor * (size ?? 1);
  }

  function ownGraphCalls(field: FieldNode): number {
    const kind = GRAPH_CALLS_PER_FIELD[field.name.value];
    if (kind !== 'per-batch-of-ids') return kind === 'one' ? 1 : 0;
    let ids = 0;
    for (const argument of field.arguments ?? []) ids += listLength(argument.value, variables);
    // At least one: a single id where a list is expected is coerced to a list of one.
    return Math.ceil(Math.max(1, ids) / MAX_BATCH_REQUESTS);
  }

  /** The field's `first` (or `last`), written or passed as a variable; undefined when it has none. */
  function pageSize(field: FieldNode): number | undefined {
    const argument = field.arguments?.find((candidate) => PAGE_ARGUMENTS.has(candidate.name.value));
    if (!argument) return undefined;
    let size: unknown;
    if (argument.value.kind === Kind.INT) size = Number.parseInt(argument.value.value, 10);
    else if (argument.value.kind === Kind.VARIABLE) size = valueOf(argument.value.name.value);
    if (typeof size !== 'number' || !Number.isFinite(size)) return undefined;
    // A size beyond the largest page is refused by the field itself, with its argument named.
    return Math.min(Math.max(size, 1), MAX_PAGE_SIZE);
  }

  let armor = 0;
  let graphCalls = 0;
  for (const selection of operation.selectionSet.selections) {
    armor += cost(selection);
    graphCalls += calls;
  }
  return { cost: pagedByVariable ? armor : undefined, graphCalls };
}

interface CostVariables {
  /** A page size (`first`, `last`) is a variable somewhere in the document. */
  pages: boolean;
  /** A bulk's list of ids is a variable somewhere in the document. */
  ids: boolean;
}

function costVariables(document: DocumentNode): CostVariables {
  const found = { pages: false, ids: false };
  visit(document, {
    Field(field) {
      const bulk = GRAPH_CALLS_PER_FIELD[field.name.value] === 'per-batch-of-ids';
      for (const argument of field.arguments ?? []) {
        if (argument.value.kind !== Kind.VARIABLE) continue;
        if (PAGE_ARGUMENTS.has(argument.name.value)) found.pages = true;
        else if (bulk) found.ids = true;
      }
    },
  });
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
