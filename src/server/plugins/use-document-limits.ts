import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { ASTVisitor, GraphQLError, ValidationContext, ValidationRule } from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import type { GatewayConfig } from '../../config/config.js';
import { BadUserInputError } from '../../errors/gateway-errors.js';
import { collectRootFields } from '../../rate-limit/operation-root-fields.js';
import { estimateOperation } from '../paging-cost.js';

export type DocumentLimits = Omit<GatewayConfig['documentLimits'], 'enabled'>;

/**
 * Bounds every GraphQL document before it executes, so that no pathological document reaches a
 * resolver (and so Graph):
 *
 * - graphql-armor's depth, alias, token, directive and cost limits. The token limit runs inside the
 *   parser, so a token bomb is refused before its AST is even built; the others are validation rules.
 * - `maxMutationFields`: root fields per mutation. Aliases would otherwise turn one request into as
 *   many irreversible Graph calls as the alias limit allows; the bulk mutations are the way to act
 *   on many users, and they are rate limited per id.
 * - `maxListItems`: items of any list argument, written in the document or passed as a variable.
 * - The cost limit once more at execution for documents whose page sizes (`first`, `last`) are
 *   variables, which armor cannot see, and `maxGraphCalls`: the Graph calls the operation may
 *   make, from the document and the variables (both from one walk, `paging-cost.ts`), so that no
 *   request that passes every other limit can cost Graph more than the largest legitimate query.
 *
 * Every refusal is `BAD_USER_INPUT`. Validation results are cached by yoga per document, so a
 * repeated document pays for the checks once; only the checks on variables run per request (the
 * estimate of a document that needs no variables is remembered with it).
 */
export function useDocumentLimits(limits: DocumentLimits): Plugin {
  const armor = EnvelopArmorPlugin<YogaInitialContext>({
    maxDepth: { n: limits.maxDepth, ...rejectAsBadInput },
    maxAliases: { n: limits.maxAliases, ...rejectAsBadInput },
    maxTokens: { n: limits.maxTokens, ...rejectAsBadInput },
    maxDirectives: { n: limits.maxDirectives, ...rejectAsBadInput },
    costLimit: { maxCost: limits.maxCost, ...rejectAsBadInput },
    // Masked by useFieldSuggestionMasking, which also covers the suggestions armor's pattern misses.
    blockFieldSuggestion: { enabled: false },
  });
  const rules = [mutationFieldLimit(limits.maxMutationFields), listArgumentLimit(limits.maxListItems)];
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(armor);
    },
    onValidate({ addValidationRule }) {
      for (const rule of rules) addValidationRule(rule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const longest = longestList(args.variableValues);
      if (longest > limits.maxListItems) {
        setResultAndStopExecution({ errors: [tooManyItems(limits.maxListItems, longest)] });
        return;
      }
      const estimate = estimateOperation(args.document, args.operationName, args.variableValues);
      if (!estimate) return;
      if (estimate.cost !== undefined && estimate.cost > limits.maxCost) {
        setResultAndStopExecution({
          errors: [
            new BadUserInputError(`Query Cost limit of ${limits.maxCost} exceeded, found ${estimate.cost}.`),
          ],
        });
      } else if (estimate.graphCalls > limits.maxGraphCalls) {
        setResultAndStopExecution({
          errors: [
            new BadUserInputError(
              `This request would need up to ${estimate.graphCalls} Graph calls; the limit is ${limits.maxGraphCalls} (MAX_GRAPH_CALLS).`,
            ),
          ],
        });
      }
    },
  };
}

/** armor reports with its own message and no code; the contract wants `BAD_USER_INPUT`. */
function reject(context: ValidationContext | null, error: GraphQLError): void {
  const refusal = new BadUserInputError(error.message.replace(/^Syntax Error: /, ''));
  // The token limit runs in the parser, with no validation context: throwing fails the parse.
  if (context === null) throw refusal;
  context.reportError(refusal);
}

const rejectAsBadInput = { exposeLimits: true, propagateOnRejection: false, onReject: [reject] };

function mutationFieldLimit(max: number): ValidationRule {
  return function MaxMutationFields(context: ValidationContext): ASTVisitor {
    return {
      OperationDefinition(operation) {
        if (operation.operation !== 'mutation') return;
        const count = collectRootFields(operation.selectionSet, (name) => context.getFragment(name)).filter(
          (field) => !field.name.value.startsWith('__'),
        ).length;
        if (count > max) {
          context.reportError(
            new BadUserInputError(
              `A mutation may request at most ${max} field(s), found ${count}; use the bulk mutations to act on several users.`,
            ),
          );
        }
      },
    };
  };
}

function listArgumentLimit(max: number): ValidationRule {
  return function MaxListItems(context: ValidationContext): ASTVisitor {
    return {
      ListValue(list) {
        if (list.values.length > max) context.reportError(tooManyItems(max, list.values.length));
      },
    };
  };
}

function tooManyItems(max: number, found: number): BadUserInputError {
  return new BadUserInputError(`A list argument may hold at most ${max} items, found ${found}.`);
}

/** The longest array anywhere in the variables; iterative, so deep nesting cannot exhaust the stack. */
function longestList(variables: unknown): number {
  let longest = 0;
  const pending: unknown[] = [variables];
  while (pending.length > 0) {
    const value = pending.pop();
    if (Array.isArray(value)) {
      longest = Math.max(longest, value.length);
      for (const item of value) if (typeof item === 'object' && item !== null) pending.push(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const item of Object.values(value))
        if (typeof item === 'object' && item !== null) pending.push(item);
    }
  }
  return longest;
}
