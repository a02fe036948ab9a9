/** zod schemas of Fusebill's raw payloads: only the fields the gateway reads. */
import { z } from 'zod';

const id = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const amount = z.number().nullish();
const text = z.string().nullish();

export const fusebillCustomer = z.object({ id, status: z.string().nullish() });

const draftCharge = z.object({
  name: text,
  description: text,
  quantity: amount,
  unitPrice: amount,
  amount,
});

/** Fusebill's draft invoice object, as returned by view=Sideeffects. */
export const fusebillInvoice = z.object({
  status: text,
  subtotal: amount,
  totalDiscount: amount,
  total: amount,
  draftCharges: z.array(draftCharge).nullish(),
  taxes: z.array(z.object({ name: text, amount })).nullish(),
});
export type FusebillInvoice = z.infer<typeof fusebillInvoice>;

/**
 * The customerActivation response: the customer object, and with view=Sideeffects the invoice(s).
 * Where Fusebill puts them is undocumented: accept an `invoices` array or an `invoice` object.
 */
export const fusebillActivation = fusebillCustomer.extend({
  invoices: z.array(fusebillInvoice).nullish(),
  invoice: fusebillInvoice.nullish(),
});

/**
 * Fusebill's error envelope: {ErrorId?, HttpStatusCode?, Errors: [{Key, Value}, ...]}. Only a body of
 * this shape with at least one readable error is Fusebill speaking: a 4xx without it (an HTML page
 * from a proxy, another origin's JSON) says nothing about the customer (client.ts).
 */
export const fusebillError = z.object({
  ErrorId: z.number().nullish(),
  HttpStatusCode: z.number().nullish(),
  Errors: z
    .array(z.object({ Key: z.string().nullish(), Value: z.string().nullish() }))
    .refine((errors) => errors.some((e) => e.Key || e.Value), 'has no error with a Key or Value'),
});
