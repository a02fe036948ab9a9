/** EnKash Accounts Receivable: activate customers and bulk-update them from a file. No read by id. */
import { z } from 'zod';
import { UserFacingError, quoteInput, type UserErrorModel } from '../../errors.js';
import {
  defineProvider,
  type BulkFile,
  type BulkUpdateResultModel,
  type ProviderAdapter,
  type ProviderDeps,
} from '../contract.js';
import { createEnkashClient } from './client.js';
import { ENKASH_COMPANY_ID, enkashEnv, enkashLiveSettings, type EnkashSettings } from './config.js';
import { ENKASH_ACTIVATED, ENKASH_SETTABLE_STATUSES } from './status.js';
import { enkashBulkResponse } from './wire.js';

const ENKASH_CUSTOMER_ID = /^KC[A-Z0-9]{14}$/;
const PARENT_COMPANY_FIELD = ['input', 'parentCompanyId'];

function validateEnkashCustomerId(id: string): UserErrorModel | null {
  return ENKASH_CUSTOMER_ID.test(id)
    ? null
    : {
        code: 'INVALID_INPUT',
        message: `EnKash customer ids are KC followed by 14 upper-case letters or digits; got ${quoteInput(id)}`,
        provider: 'enkash',
      };
}

function validateParentCompanyId(value: string | null | undefined): UserErrorModel | null {
  if (value == null || ENKASH_COMPANY_ID.test(value)) return null;
  return {
    code: 'INVALID_INPUT',
    message: `parentCompanyId must be an EnKash company id (CEK followed by 7 upper-case letters or digits); got ${quoteInput(value)}`,
    field: PARENT_COMPANY_FIELD,
    provider: 'enkash',
  };
}

function toBulkResult(wire: z.infer<typeof enkashBulkResponse>): BulkUpdateResultModel {
  return {
    totalCount: wire.total_count ?? 0,
    successCount: wire.success_count ?? 0,
    failureCount: wire.failure_count ?? 0,
    warnCount: wire.warn_count ?? 0,
    successFileUrl: wire.success_file_url || null,
    failureFileUrl: wire.failure_file_url || null,
  };
}

export function createEnkashProvider(
  settings: EnkashSettings,
  deps: ProviderDeps,
): ProviderAdapter {
  const client = createEnkashClient(settings, deps);

  return {
    id: 'enkash',
    validateCustomerId: validateEnkashCustomerId,
    activationOptions: ['parentCompanyId'],
    validateActivationOptions(options) {
      const invalid = validateParentCompanyId(options.parentCompanyId);
      return invalid ? [invalid] : [];
    },
    settableStatuses: ENKASH_SETTABLE_STATUSES,

    async activateCustomer(request, ctx) {
      const { providerCustomerId: id, options } = request;
      // The resolver has checked both; checking again keeps the path safe for any other caller.
      const invalid =
        validateEnkashCustomerId(id) ?? validateParentCompanyId(options.parentCompanyId);
      if (invalid) throw new UserFacingError(invalid);
      await client.call(
        {
          method: 'PUT',
          path: `/api/v0/customer/activate/${id}`,
          kind: 'write',
          operation: 'activate customer',
          ...(options.parentCompanyId
            ? { searchParams: { parentCompanyId: options.parentCompanyId } }
            : {}),
        },
        // The documented payload is a free-form string the gateway does not read.
        z.unknown(),
        ctx,
      );
      return {
        customer: {
          kind: 'customer',
          provider: 'enkash',
          providerCustomerId: id,
          ...ENKASH_ACTIVATED,
        },
        invoices: [],
      };
    },

    async bulkUpdateCustomers(file: BulkFile, parentCompanyId, ctx) {
      const invalid = validateParentCompanyId(parentCompanyId);
      if (invalid) throw new UserFacingError(invalid);
      const form = new FormData();
      form.append(
        'file',
        new Blob([file.content], {
          type: file.mimetype || 'application/octet-stream',
        }),
        file.filename,
      );
      const wire = await client.call(
        {
          method: 'POST',
          path: '/api/v0/customer/bulk/update',
          kind: 'write',
          operation: 'bulk update customers',
          body: form,
          ...(parentCompanyId ? { searchParams: { parentCompanyId } } : {}),
        },
        enkashBulkResponse,
        ctx,
      );
      return toBulkResult(wire);
    },
  };
}

export const enkashProvider = defineProvider({
  id: 'enkash',
  env: enkashEnv,
  liveSettings: enkashLiveSettings,
  // Loaded only when the provider runs against its sandbox: a live gateway never imports it.
  startSandbox: async (options) =>
    (await import('../../sandbox/enkash.js')).startEnkashSandbox(options),
  create: createEnkashProvider,
});
