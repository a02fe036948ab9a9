/** Shared steps of customer reads, the same for every provider that has one. */
import { UserFacingError } from '../errors.js';
import type { CustomerModel } from './contract.js';

/** True when a read failed only because the provider does not know the record. */
export function isNotFound(error: unknown): boolean {
  return error instanceof UserFacingError && error.errors[0]?.code === 'NOT_FOUND';
}

/**
 * Reads ids one by one, concurrently (the transport caps concurrency), in the shape DataLoader
 * wants: one slot per id, null when not found, the Error when that read failed.
 */
export function readEach(
  ids: readonly string[],
  read: (id: string) => Promise<CustomerModel | null>,
): Promise<(CustomerModel | null | Error)[]> {
  return Promise.all(
    ids.map((id) =>
      read(id).catch((error: unknown) => (isNotFound(error) ? null : (error as Error))),
    ),
  );
}
