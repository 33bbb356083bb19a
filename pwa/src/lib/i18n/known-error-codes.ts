import type { ErrorCode } from '../../../../shared/src/error-codes';

/**
 * Codes the UIs can meet: the server's table and the client's own (`network_error`,
 * `unexpected_response`). Every one needs words in every dictionary: a code added to
 * shared/src/error-codes.ts without them fails `npm run check`.
 */
export type KnownErrorCode = ErrorCode | 'network_error' | 'timeout' | 'unexpected_response';
