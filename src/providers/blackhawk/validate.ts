/**
 * Checks every activation-code record before anything is sent (Blackhawk processes a request all or
 * nothing, and so does the gateway for the whole operation). One pass, regexes compiled once.
 */
import { UserFacingError, type UserErrorModel } from '../../errors.js';
import type { CardCodeRecord } from '../contract.js';

/**
 * Blackhawk types quoteNumber and proxyNumber as Number (a Java long, inferred: 19 digits at most),
 * and its documented proxy numbers have 19 digits.
 */
export const MAX_PROGRAM_NUMBER_DIGITS = 19;
export const MAX_PROXY_NUMBER_DIGITS = 19;
/** Blackhawk's documented rule, `[A-Za-z0-9]{4,16}`, case-sensitive. */
export const ACTIVATION_CODE = /^[A-Za-z0-9]{4,16}$/;
const MIN_CODE_LENGTH = 4;
const MAX_CODE_LENGTH = 16;

const DIGITS = /^[0-9]+$/;
const ALPHANUMERIC = /^[A-Za-z0-9]+$/;

type Attribute = keyof CardCodeRecord;

function digitsProblem(name: Attribute, value: unknown, maxDigits: number): string | null {
  if (typeof value !== 'string' || value === '') return `${name} is missing`;
  if (!DIGITS.test(value)) return `${name} must contain digits only`;
  if (value.length > maxDigits) return `${name} must have at most ${maxDigits} digits`;
  return null;
}

// Never quotes the code: it is a secret, and these messages reach clients.
function codeProblem(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return 'activationCode is missing';
  if (!ALPHANUMERIC.test(value)) {
    return 'activationCode must contain only letters and digits (A-Z, a-z, 0-9), no spaces or symbols';
  }
  if (value.length < MIN_CODE_LENGTH || value.length > MAX_CODE_LENGTH) {
    return `activationCode must be ${MIN_CODE_LENGTH} to ${MAX_CODE_LENGTH} characters long`;
  }
  return null;
}

/**
 * Returns the records to send: every record once, in input order, exact duplicates dropped. Throws
 * one UserFacingError holding one INVALID_INPUT error per bad record, its field pointing at the
 * record's first bad attribute, when any record is invalid or a proxy number appears twice with a
 * different program number or code.
 */
export function validateCardCodes(records: readonly CardCodeRecord[]): CardCodeRecord[] {
  const errors: UserErrorModel[] = [];
  const unique: CardCodeRecord[] = [];
  const firstByProxy = new Map<string, number>();

  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    const problems: string[] = [];
    let field: Attribute | undefined;
    let duplicate = false;

    const program = digitsProblem('programNumber', record.programNumber, MAX_PROGRAM_NUMBER_DIGITS);
    if (program) {
      field ??= 'programNumber';
      problems.push(program);
    }
    const proxy = digitsProblem('proxyNumber', record.proxyNumber, MAX_PROXY_NUMBER_DIGITS);
    if (proxy) {
      field ??= 'proxyNumber';
      problems.push(proxy);
    } else {
      const first = firstByProxy.get(record.proxyNumber);
      if (first === undefined) {
        firstByProxy.set(record.proxyNumber, index);
      } else {
        const earlier = records[first];
        const differs: string[] = [];
        if (earlier.programNumber !== record.programNumber) differs.push('programNumber');
        if (earlier.activationCode !== record.activationCode) differs.push('activationCode');
        if (differs.length === 0) {
          duplicate = true;
        } else {
          field ??= 'proxyNumber';
          problems.push(
            `proxyNumber ${record.proxyNumber} already appears at codes[${first}] with a different ${differs.join(' and ')}: a card takes one code`,
          );
        }
      }
    }
    const code = codeProblem(record.activationCode);
    if (code) {
      field ??= 'activationCode';
      problems.push(code);
    }

    if (field) {
      errors.push({
        code: 'INVALID_INPUT',
        message: `codes[${index}] is invalid: ${problems.join('; ')}`,
        field: ['input', 'codes', String(index), field],
        provider: 'blackhawk',
      });
    } else if (!duplicate) {
      unique.push(record);
    }
  }

  if (errors.length > 0) throw new UserFacingError(errors);
  return unique;
}
