import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  Kind,
  type SelectionSetNode,
  type ValueNode,
  getOperationAST,
} from 'graphql';
import type { OperationCost } from './caller-rate-limiter.js';

/**
 * The root fields an operation asks for, with fragments (named and inline) expanded. `@skip` and
 * `@include` are ignored on purpose: a field that may run is counted, so limits err on the safe side.
 */
export function collectRootFields(
  selectionSet: SelectionSetNode,
  fragment: (name: string) => FragmentDefinitionNode | null | undefined,
): FieldNode[] {
  const fields: FieldNode[] = [];
  const seenFragments = new Set<string>();
  const pending: SelectionSetNode[] = [selectionSet];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const selection of next.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) pending.push(selection.selectionSet);
      else if (!seenFragments.has(selection.name.value)) {
        seenFragments.add(selection.name.value);
        const definition = fragment(selection.name.value);
        if (definition) pending.push(definition.selectionSet);
      }
    }
  }
  return fields;
}

const fragmentsByDocument = new WeakMap<DocumentNode, ReadonlyMap<string, FragmentDefinitionNode>>();

/** The document's fragment definitions by name, found once per (cached) document. */
export function fragmentsOf(document: DocumentNode): ReadonlyMap<string, FragmentDefinitionNode> {
  let fragments = fragmentsByDocument.get(document);
  if (!fragments) {
    const byName = new Map<string, FragmentDefinitionNode>();
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) byName.set(definition.name.value, definition);
    }
    fragments = byName;
    fragmentsByDocument.set(document, fragments);
  }
  return fragments;
}

interface RootFields {
  mutation: boolean;
  fields: FieldNode[];
}

// yoga caches parsed documents, so the same DocumentNode comes back for the same query text: the
// root fields are found once per document and operation, not once per request.
const rootFieldsByDocument = new WeakMap<DocumentNode, Map<string, RootFields>>();

function rootFieldsOf(document: DocumentNode, operationName: string | null | undefined): RootFields | null {
  let byOperation = rootFieldsByDocument.get(document);
  if (!byOperation) {
    byOperation = new Map();
    rootFieldsByDocument.set(document, byOperation);
  }
  const cacheKey = operationName ?? '';
  const cached = byOperation.get(cacheKey);
  if (cached) return cached;
  const operation = getOperationAST(document, operationName);
  // Unknown operation names are not remembered: a client could otherwise grow the map at will.
  if (!operation) return null;
  const fragments = fragmentsOf(document);
  const found = {
    mutation: operation.operation === 'mutation',
    fields: collectRootFields(operation.selectionSet, (name) => fragments.get(name)),
  };
  byOperation.set(cacheKey, found);
  return found;
}

/** Whether the operation asks for `__schema` or `__type` (`__typename` is not introspection). */
export function asksForIntrospection(
  document: DocumentNode,
  operationName: string | null | undefined,
): boolean {
  const root = rootFieldsOf(document, operationName);
  return root !== null && root.fields.some((field) => INTROSPECTION_FIELDS.has(field.name.value));
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/** The cost of the operation that `operationName` selects in `document`. */
export function operationCost(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): OperationCost {
  const root = rootFieldsOf(document, operationName);
  if (!root) return { operations: 0, removals: 0 };
  if (!root.mutation) return { operations: root.fields.length, removals: 0 };
  let removals = 0;
  for (const field of root.fields) {
    if (field.name.value.startsWith('__')) continue;
    let listed = 0;
    for (const argument of field.arguments ?? []) listed += listLength(argument.value, variables);
    removals += Math.max(1, listed);
  }
  return { operations: root.fields.length, removals };
}

/** Items of a list argument, written in the document or passed as a variable; 0 for non-lists. */
export function listLength(
  value: ValueNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): number {
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const supplied = variables?.[value.name.value];
    return Array.isArray(supplied) ? supplied.length : 0;
  }
  return 0;
}
