import { OperationTypeNode, getOperationAST, parse } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestErrorResponse } from '../../errors/error-answers.js';

/**
 * A mutation sent over GET answers 405 whatever else is wrong with the request: the CSRF check
 * (which wants a header on GET) would otherwise answer 403 first and hide the rule that matters.
 * Documents that do not parse are left to yoga, which answers them properly.
 */
export function usePostOnlyMutations(): Plugin {
  return {
    onRequestParse({ request, url, endResponse }) {
      if (request.method !== 'GET') return;
      const query = url.searchParams.get('query');
      if (!query) return;
      let isMutation = false;
      try {
        const operation = getOperationAST(parse(query), url.searchParams.get('operationName'));
        isMutation = operation?.operation === OperationTypeNode.MUTATION;
      } catch {
        return;
      }
      if (!isMutation) return;
      endResponse(requestErrorResponse(405, 'Mutations are only accepted over POST.', { allow: 'POST' }));
    },
  };
}
