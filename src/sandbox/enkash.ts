/**
 * Embedded EnKash AR sandbox: the OAuth password grant at POST /oauth/token, Bearer-protected
 * PUT /api/v0/customer/activate/{customerId} and multipart POST /api/v0/customer/bulk/update, with
 * EnKash's `{errorResponse, payload, response_code, response_message}` envelope (errors in HTTP 200
 * answers included). Report files of bulk updates are served under GET /files/bulk/.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EnkashSettings } from '../providers/enkash/config.js';
import {
  basicCredentials,
  bearerToken,
  countWrite,
  formBody,
  startSandboxServer,
  writeCounts,
  type WriteCounts,
  type SandboxHandle,
  type SandboxOptions,
  type SandboxRequest,
  type SandboxResponse,
} from './server.js';

const CUSTOMER_ID = /^KC[A-Z0-9]{14}$/;
const COMPANY_ID = /^CEK[A-Z0-9]{7}$/;

/** The company the sandbox's API user belongs to, and one of its subsidiaries. */
export const ENKASH_SANDBOX_COMPANY = 'CEKDEMO001';
export const ENKASH_SANDBOX_SUBSIDIARY = 'CEKDEMO002';
/** A company the API user has no access to: its customers look like they do not exist. */
export const ENKASH_SANDBOX_FOREIGN_COMPANY = 'CEKOTHER01';

/** Token lifetime when `tokenLifetimeSeconds` is null (expires_in omitted): EnKash's documented 5 minutes. */
const UNSTATED_LIFETIME_SECONDS = 300;
/** EnKash locks an account after this many consecutive failed logins. */
const LOCK_AFTER_FAILURES = 3;

export type EnkashSandboxStatus = 'ACTIVE' | 'INACTIVE';

export interface EnkashSandboxCustomer {
  id: string;
  companyId: string;
  status: EnkashSandboxStatus;
  name: string;
  email: string;
}

export interface EnkashSandboxState {
  /** What the token endpoint accepts; change a value to make the gateway's configuration wrong. */
  credentials: Omit<EnkashSettings, 'baseUrl'>;
  /** Companies visible to the API user: its own and its subsidiaries. */
  companies: Set<string>;
  customers: Map<string, EnkashSandboxCustomer>;
  /** `expires_in` of issued tokens, in seconds; null omits it (the token then lives 5 minutes). */
  tokenLifetimeSeconds: number | null;
  /** Live access tokens and when they expire (epoch ms). */
  tokens: Map<string, number>;
  /** Tokens issued so far. */
  tokenGrants: number;
  /** Consecutive failed logins; the account locks at 3 until `locked` is reset. */
  failedLogins: number;
  locked: boolean;
  /** Report files of bulk updates, by path under the sandbox origin. */
  files: Map<string, string>;
  /** Revokes every issued token: the next call with one gets HTTP 401. */
  revokeAllTokens(): void;
  /** Activations applied and refused per customer id, when `countWrites` is set. */
  writes: WriteCounts | null;
}

export interface EnkashSandboxOptions extends SandboxOptions {
  /** Extra INACTIVE customers of the API user's company, `KCEXTRA` + 9 digits from 1 up. */
  extraInactiveCustomers?: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Seeded customers: inactive and active ones of the API user's company, a subsidiary's, a stranger's. */
export function seedEnkashCustomers(extraInactive = 0): Map<string, EnkashSandboxCustomer> {
  const customers = new Map<string, EnkashSandboxCustomer>();
  const add = (id: string, companyId: string, status: EnkashSandboxStatus) =>
    customers.set(id, {
      id,
      companyId,
      status,
      name: `Demo Customer ${id.slice(-4)}`,
      email: `${id.toLowerCase()}@customers.example`,
    });
  // The README's example id, KC00000000000001, is the first of these.
  for (let n = 1; n <= 10; n++) add(`KC${pad(n, 14)}`, ENKASH_SANDBOX_COMPANY, 'INACTIVE');
  for (let n = 1; n <= 200; n++) add(`KCINACT${pad(n, 9)}`, ENKASH_SANDBOX_COMPANY, 'INACTIVE');
  for (let n = 1; n <= 20; n++) add(`KCACTIVE${pad(n, 8)}`, ENKASH_SANDBOX_COMPANY, 'ACTIVE');
  for (let n = 1; n <= 20; n++) add(`KCSUBSID${pad(n, 8)}`, ENKASH_SANDBOX_SUBSIDIARY, 'INACTIVE');
  for (let n = 1; n <= 5; n++)
    add(`KCOTHER${pad(n, 9)}`, ENKASH_SANDBOX_FOREIGN_COMPANY, 'INACTIVE');
  for (let n = 1; n <= extraInactive; n++)
    add(`KCEXTRA${pad(n, 9)}`, ENKASH_SANDBOX_COMPANY, 'INACTIVE');
  return customers;
}

function stamp(date = new Date()): string {
  const p = (n: number) => pad(n, 2);
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

function envelopeError(status: number, errorType: string, errorMessage: string): SandboxResponse {
  return {
    status,
    body: {
      errorResponse: {
        apiSubErrors: [],
        errorMessage,
        errorType,
        requestId: randomUUID(),
        timestamp: stamp(),
      },
      payload: null,
      response_code: 1,
      response_message: 'Failure',
    },
  };
}

function success(payload: unknown): SandboxResponse {
  return {
    status: 200,
    body: { errorResponse: null, payload, response_code: 0, response_message: 'Success' },
  };
}

function oauthError(error: string, description: string): SandboxResponse {
  return { status: 401, body: { error, error_description: description } };
}

/** Splits CSV text into rows of cells (RFC 4180 quoting; CRLF or LF line ends). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows.filter((r) => r.some((value) => value.trim() !== ''));
}

const csvCell = (value: string) =>
  /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

const OPTIONAL_COLUMNS = ['name', 'email', 'status'] as const;

interface RowResult {
  customerId: string;
  message: string;
}

export function createEnkashHandler(state: EnkashSandboxState, origin: () => string) {
  const hasLiveToken = (request: SandboxRequest): boolean => {
    const token = bearerToken(request.headers);
    const expiresAt = token ? state.tokens.get(token) : undefined;
    if (!token || expiresAt === undefined) return false;
    if (Date.now() >= expiresAt) {
      state.tokens.delete(token);
      return false;
    }
    return true;
  };

  /** The customer if the API user may act on it (through `parentCompanyId` when given). */
  const visibleCustomer = (id: string, parentCompanyId: string | null) => {
    const customer = state.customers.get(id);
    if (!customer || !state.companies.has(customer.companyId)) return undefined;
    if (parentCompanyId !== null && customer.companyId !== parentCompanyId) return undefined;
    return customer;
  };

  const issueToken = (request: SandboxRequest): SandboxResponse => {
    const { credentials } = state;
    const client = basicCredentials(request.headers);
    if (client?.user !== credentials.clientId || client.pass !== credentials.clientSecret) {
      return oauthError('invalid_client', 'Bad client credentials');
    }
    if (!/^application\/x-www-form-urlencoded\b/.test(request.headers['content-type'] ?? '')) {
      return oauthError('invalid_request', 'Expected an application/x-www-form-urlencoded body');
    }
    const form = formBody(request);
    if (form.get('grant_type') !== 'password') {
      return oauthError('unsupported_grant_type', 'Unsupported grant type');
    }
    if (state.locked) return oauthError('invalid_grant', 'User account is locked');
    if (
      form.get('username') !== credentials.username ||
      form.get('password') !== credentials.password ||
      form.get('clientId') !== credentials.companyId
    ) {
      state.failedLogins += 1;
      if (state.failedLogins >= LOCK_AFTER_FAILURES) state.locked = true;
      return oauthError('invalid_grant', 'Bad credentials');
    }
    state.failedLogins = 0;
    const accessToken = randomBytes(32).toString('base64url');
    const lifetime = state.tokenLifetimeSeconds ?? UNSTATED_LIFETIME_SECONDS;
    state.tokens.set(accessToken, Date.now() + lifetime * 1000);
    state.tokenGrants += 1;
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'bearer',
        refresh_token: randomBytes(32).toString('base64url'),
        ...(state.tokenLifetimeSeconds === null ? {} : { expires_in: state.tokenLifetimeSeconds }),
        scope: 'read write trust',
      },
    };
  };

  const parentCompany = (request: SandboxRequest): SandboxResponse | string | null => {
    const parent = request.query.get('parentCompanyId');
    if (parent === null) return null;
    if (!COMPANY_ID.test(parent)) {
      return envelopeError(400, 'VALIDATION_ERROR', 'parentCompanyId must match ^CEK[A-Z0-9]{7}$');
    }
    return parent;
  };

  const activate = (request: SandboxRequest, rawId: string): SandboxResponse => {
    const id = decodeURIComponent(rawId);
    if (!CUSTOMER_ID.test(id)) {
      return envelopeError(400, 'VALIDATION_ERROR', 'customerId must match ^KC[A-Z0-9]{14}$');
    }
    const parent = parentCompany(request);
    if (parent !== null && typeof parent !== 'string') return parent;
    // A customer of a company the caller cannot see is reported as missing, not as forbidden.
    const customer = visibleCustomer(id, parent);
    if (!customer) return envelopeError(200, 'RECORD_NOT_FOUND', `Customer ${id} not found`);
    if (customer.status === 'ACTIVE') {
      countWrite(state.writes, 'refused', id);
      return envelopeError(200, 'UNPROCESSABLE_REQUEST', `Customer ${id} is already active`);
    }
    countWrite(state.writes, 'applied', id);
    customer.status = 'ACTIVE';
    return success('Customer activated successfully');
  };

  const saveReport = (kind: string, rows: RowResult[]): string | null => {
    if (rows.length === 0) return null;
    const path = `/files/bulk/${randomUUID()}-${kind}.csv`;
    const lines = [
      'customerId,message',
      ...rows.map((r) => `${csvCell(r.customerId)},${csvCell(r.message)}`),
    ];
    state.files.set(path, lines.join('\r\n') + '\r\n');
    return `${origin()}${path}`;
  };

  const bulkUpdate = async (request: SandboxRequest): Promise<SandboxResponse> => {
    const parent = parentCompany(request);
    if (parent !== null && typeof parent !== 'string') return parent;
    if (parent !== null && !state.companies.has(parent)) {
      return envelopeError(200, 'RECORD_NOT_FOUND', `Company ${parent} not found`);
    }
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.startsWith('multipart/form-data')) {
      return envelopeError(400, 'VALIDATION_ERROR', 'Expected a multipart/form-data body');
    }
    let file: ReturnType<FormData['get']>;
    try {
      const form = await new Response(request.body, {
        headers: { 'content-type': contentType },
      }).formData();
      file = form.get('file');
    } catch {
      return envelopeError(400, 'VALIDATION_ERROR', 'The multipart body could not be read');
    }
    if (!file || typeof file === 'string') {
      return envelopeError(400, 'VALIDATION_ERROR', 'The part "file" is required');
    }
    const bytes = Buffer.from(await file.arrayBuffer());
    const text = bytes.toString('utf8');
    // Binary uploads (Excel workbooks among them) are refused: the sandbox reads CSV only.
    if (bytes.includes(0) || text.includes('\uFFFD')) {
      return envelopeError(200, 'VALIDATION_ERROR', 'Only CSV files are supported');
    }
    const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
    const columns = (header ?? []).map((name) => name.trim());
    const idColumn = columns.indexOf('customerId');
    if (idColumn < 0) {
      return envelopeError(
        200,
        'VALIDATION_ERROR',
        'The file must be a CSV with a customerId column',
      );
    }
    if (rows.length === 0) return envelopeError(200, 'VALIDATION_ERROR', 'The file has no rows');

    const succeeded: RowResult[] = [];
    const failed: RowResult[] = [];
    let warnings = 0;
    for (const row of rows) {
      const cell = (name: string) => {
        const at = columns.indexOf(name);
        return at < 0 ? undefined : (row[at] ?? '').trim();
      };
      const customerId = cell('customerId') ?? '';
      const fail = (message: string) => failed.push({ customerId, message });
      if (!CUSTOMER_ID.test(customerId)) {
        fail('customerId must match ^KC[A-Z0-9]{14}$');
        continue;
      }
      const customer = visibleCustomer(customerId, parent);
      if (!customer) {
        fail('Customer not found');
        continue;
      }
      const status = cell('status');
      if (status && status !== 'ACTIVE' && status !== 'INACTIVE') {
        fail('status must be ACTIVE or INACTIVE');
        continue;
      }
      const email = cell('email');
      if (email && !/^[^@\s]+@[^@\s]+$/.test(email)) {
        fail('email is not a valid address');
        continue;
      }
      const name = cell('name');
      if (name) customer.name = name;
      if (email) customer.email = email;
      if (status === 'ACTIVE' || status === 'INACTIVE') customer.status = status;
      const empty = OPTIONAL_COLUMNS.filter((column) => cell(column) === '');
      if (empty.length > 0) warnings += 1;
      succeeded.push({
        customerId,
        message: empty.length ? `Updated; empty ${empty.join(', ')} kept as before` : 'Updated',
      });
    }
    return success({
      total_count: rows.length,
      success_count: succeeded.length,
      failure_count: failed.length,
      warn_count: warnings,
      success_file_url: saveReport('success', succeeded),
      failure_file_url: saveReport('failure', failed),
      successRequests: succeeded.map((r) => ({ customerId: r.customerId })),
      failureRequests: failed,
    });
  };

  return async (request: SandboxRequest): Promise<SandboxResponse> => {
    const { method, path } = request;
    if (path === '/oauth/token' && method === 'POST') return issueToken(request);
    if (method === 'GET' && state.files.has(path)) {
      return {
        status: 200,
        raw: state.files.get(path),
        headers: { 'content-type': 'text/csv; charset=utf-8' },
      };
    }
    const activation = /^\/api\/v0\/customer\/activate\/([^/]*)$/.exec(path);
    const bulk = path === '/api/v0/customer/bulk/update';
    if ((activation && method === 'PUT') || (bulk && method === 'POST')) {
      if (!hasLiveToken(request)) {
        return {
          status: 401,
          body: { error: 'invalid_token', error_description: 'Invalid access token' },
        };
      }
      return activation ? activate(request, activation[1] ?? '') : bulkUpdate(request);
    }
    // Anything else gets the framework's own error body, not the AR envelope.
    const status = activation || bulk || path === '/oauth/token' ? 405 : 404;
    return {
      status,
      body: {
        timestamp: new Date().toISOString(),
        status,
        error: status === 405 ? 'Method Not Allowed' : 'Not Found',
        path,
      },
    };
  };
}

export async function startEnkashSandbox(
  options: EnkashSandboxOptions = {},
): Promise<SandboxHandle<EnkashSettings, EnkashSandboxState>> {
  const credentials = {
    clientId: 'switchyard-sandbox',
    clientSecret: randomBytes(18).toString('base64url'),
    username: 'ar-api@demo.enkash.example',
    password: randomBytes(18).toString('base64url'),
    companyId: ENKASH_SANDBOX_COMPANY,
  };
  const state: EnkashSandboxState = {
    credentials: { ...credentials },
    companies: new Set([ENKASH_SANDBOX_COMPANY, ENKASH_SANDBOX_SUBSIDIARY]),
    customers: seedEnkashCustomers(options.extraInactiveCustomers),
    tokenLifetimeSeconds: 86399,
    tokens: new Map(),
    tokenGrants: 0,
    failedLogins: 0,
    locked: false,
    files: new Map(),
    revokeAllTokens: () => state.tokens.clear(),
    writes: writeCounts(options),
  };
  let url = '';
  const server = await startSandboxServer(
    createEnkashHandler(state, () => url),
    options,
  );
  url = server.url;
  return { ...server, state, settings: { baseUrl: server.url, ...credentials } };
}
