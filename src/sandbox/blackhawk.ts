/**
 * Embedded Blackhawk CAVS sandbox: POST /api/auth (client credentials, JWT-shaped tokens) and
 * POST /cards/v1/set-activation-codes with CAVS's documented validation, messages (including the
 * echo of an invalid activation code), 1,000-record limit and no partial processing.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { BlackhawkSettings } from '../providers/blackhawk/config.js';
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

const AUTH_PATH = '/api/auth';
const SET_CODES_PATH = '/cards/v1/set-activation-codes';
const MAX_RECORDS = 1_000;
const ACTIVATION_CODE = /^[A-Za-z0-9]{4,16}$/;
const JAVA_LONG_MAX = '9223372036854775807';
const DIGITS = /^\d+$/;

/** Client program numbers (quoteNumber) the sandbox knows; 95000000 is the one in Blackhawk's samples. */
export const SANDBOX_PROGRAMS = ['95000000', '95000001'] as const;
/** Scopes a token may be requested for. */
export const SANDBOX_SCOPES = ['cavs'] as const;

export interface BlackhawkSandboxState {
  /** proxyNumber -> activation code, as stored by accepted requests. Keys are the digit strings as sent. */
  codes: Map<string, string>;
  /** Known client program numbers; a record in any other program rejects its request. */
  programs: Set<string>;
  /** Where the token response puts the token: access_token with expires_in, or only token / id_token. */
  tokenShape: 'access_token' | 'token' | 'id_token';
  /** Lifetime of issued tokens: the JWT exp claim, and expires_in when it is sent. */
  tokenLifetimeSeconds: number;
  /** Tokens granted so far. */
  grants: number;
  /** Live tokens -> expiry (epoch ms). Holds secrets: for tests only. */
  tokens: Map<string, number>;
  /** Invalidates every token issued so far: the next request with one gets a 401. */
  revokeTokens(): void;
  /** Codes set per proxy number (a set with the same code counts too), when `countWrites` is set. */
  writes: WriteCounts | null;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Spring Boot's default error body, which CAVS returns for malformed requests. */
function springError(status: number, error: string, message: string): SandboxResponse {
  return { status, body: { status, error, message, path: SET_CODES_PATH } };
}

function invalidInput(message: string): SandboxResponse {
  return {
    status: 400,
    body: { status: 400, success: false, message: `Invalid Input - ${message}` },
  };
}

/** Quotes numeric quoteNumber/proxyNumber literals so 19-digit numbers survive JSON.parse exactly. */
function quoteNumberFields(text: string): string {
  return text.replace(
    /("(?:quoteNumber|proxyNumber)"\s*:\s*)(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g,
    '$1"$2"',
  );
}

/** Jackson binds JSON numbers and strings alike; null = absent, undefined = cannot be bound. */
function scalar(value: unknown): string | null | undefined {
  if (value === undefined || value === null || value === '') return null;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** The Spring error for a number field Jackson cannot bind to a Java long; null when it can. */
function longProblem(value: string | null | undefined): SandboxResponse | null {
  if (value === null) return null;
  if (value === undefined || !DIGITS.test(value)) {
    return springError(
      400,
      'Bad Request',
      'JSON parse error: Cannot deserialize value of type `java.lang.Long`: not a valid `java.lang.Long` value',
    );
  }
  if (value.length < JAVA_LONG_MAX.length) return null;
  // Equal-length digit strings compare like the numbers they spell.
  const digits = value.replace(/^0+(?=\d)/, '');
  if (
    digits.length > JAVA_LONG_MAX.length ||
    (digits.length === JAVA_LONG_MAX.length && digits > JAVA_LONG_MAX)
  ) {
    return springError(
      400,
      'Bad Request',
      `JSON parse error: Numeric value (${value}) out of range of long; nested exception is com.fasterxml.jackson.core.JsonParseException`,
    );
  }
  return null;
}

type Checked = { quoteNumber: string; proxyNumber: string; activationCode: string };

/** Checks one record as CAVS does; returns the error response for the first problem found. */
function checkRecord(raw: unknown, programs: Set<string>): Checked | SandboxResponse {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return springError(
      400,
      'Bad Request',
      'JSON parse error: Cannot deserialize value of type `com.bhn.cavs.ActivationCodeRequest` from non-object value',
    );
  }
  const record = raw as Record<string, unknown>;
  const quote = scalar(record.quoteNumber);
  const proxy = scalar(record.proxyNumber);
  const code = scalar(record.activationCode);
  const badNumber = longProblem(quote) ?? longProblem(proxy);
  if (badNumber) return badNumber;
  if (code === undefined) {
    return springError(
      400,
      'Bad Request',
      'JSON parse error: Cannot deserialize value of type `java.lang.String` from non-scalar value',
    );
  }
  if (quote == null) {
    return invalidInput(`Quote Number is missing in one of the record with Proxy Number ${proxy}`);
  }
  if (proxy == null) {
    return invalidInput(`Proxy Number is missing in one of the record with Quote Number ${quote}`);
  }
  if (code === null) {
    return invalidInput(
      `Activation Code is missing in one of the record with Quote Number ${quote}`,
    );
  }
  // Like the real service, this echoes the rejected code back.
  if (!ACTIVATION_CODE.test(code)) {
    return invalidInput(
      `Activation code ${code} is not a valid value. Minimum 4 and maximum 16 digits only`,
    );
  }
  if (!programs.has(quote)) return invalidInput(`Quote Number ${quote} is not a valid program`);
  return { quoteNumber: quote, proxyNumber: proxy, activationCode: code };
}

export function createBlackhawkHandler(
  credentials: { clientId: string; clientSecret: string },
  state: BlackhawkSandboxState,
) {
  const signingKey = randomBytes(32);

  const issue = (scope: string | null) => {
    const now = Date.now();
    const exp = Math.floor(now / 1000) + state.tokenLifetimeSeconds;
    const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({
      iss: 'blackhawk-sandbox',
      sub: credentials.clientId,
      aud: 'cavs',
      scope: scope ?? 'default',
      iat: Math.floor(now / 1000),
      exp,
      jti: randomUUID(),
    })}`;
    const token = `${unsigned}.${createHmac('sha256', signingKey).update(unsigned).digest('base64url')}`;
    for (const [live, expiresAt] of state.tokens) if (expiresAt <= now) state.tokens.delete(live);
    state.tokens.set(token, exp * 1000);
    state.grants += 1;
    return token;
  };

  const auth = (request: SandboxRequest): SandboxResponse => {
    const unauthorized = (error: string, description: string): SandboxResponse => ({
      status: 401,
      body: { error, error_description: description },
    });
    const client = basicCredentials(request.headers);
    if (client?.user !== credentials.clientId || client.pass !== credentials.clientSecret) {
      return unauthorized('invalid_client', 'Client authentication failed');
    }
    const responseType = String(request.headers.response_type ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .sort()
      .join(' ');
    if (responseType !== 'id_token token') {
      return unauthorized('unsupported_response_type', 'response_type must be "token id_token"');
    }
    const isForm = /^application\/x-www-form-urlencoded\b/i.test(
      request.headers['content-type'] ?? '',
    );
    const form = isForm ? formBody(request) : new URLSearchParams();
    if (form.get('grant_type') !== 'client_credentials') {
      return unauthorized('unsupported_grant_type', 'grant_type must be client_credentials');
    }
    const scope = form.get('scope');
    if (scope !== null && !(SANDBOX_SCOPES as readonly string[]).includes(scope)) {
      return { status: 400, body: { error: 'invalid_scope', error_description: 'Unknown scope' } };
    }
    const token = issue(scope);
    if (state.tokenShape === 'token') return { status: 200, body: { token } };
    if (state.tokenShape === 'id_token') return { status: 200, body: { id_token: token } };
    return {
      status: 200,
      body: {
        access_token: token,
        token_type: 'Bearer',
        expires_in: state.tokenLifetimeSeconds,
        scope: scope ?? 'default',
      },
    };
  };

  const setCodes = (request: SandboxRequest): SandboxResponse => {
    const token = bearerToken(request.headers);
    const expiresAt = token ? state.tokens.get(token) : undefined;
    if (expiresAt === undefined || expiresAt <= Date.now()) {
      return {
        status: 401,
        body: { status: 401, error: 'Unauthorized', message: 'Invalid or expired token' },
      };
    }
    let body: unknown;
    try {
      body = JSON.parse(quoteNumberFields(request.body.toString('utf8')));
    } catch {
      // Jackson's message names the position, never the content.
      return springError(
        400,
        'Bad Request',
        'JSON parse error: Unexpected character: was expecting a valid JSON value; nested exception is com.fasterxml.jackson.core.JsonParseException',
      );
    }
    if (!Array.isArray(body)) {
      return springError(
        400,
        'Bad Request',
        'JSON parse error: Cannot deserialize value of type `java.util.ArrayList<com.bhn.cavs.ActivationCodeRequest>` from non-array value',
      );
    }
    if (body.length === 0) return invalidInput('No records found in the request');
    if (body.length > MAX_RECORDS) {
      return invalidInput(`Maximum ${MAX_RECORDS} records are allowed in one request`);
    }
    // No partial processing: every record is checked before any is stored.
    const accepted: Checked[] = [];
    for (const raw of body) {
      const checked = checkRecord(raw, state.programs);
      if ('status' in checked) return checked;
      accepted.push(checked);
    }
    for (const record of accepted) {
      countWrite(state.writes, 'applied', record.proxyNumber);
      state.codes.set(record.proxyNumber, record.activationCode);
    }
    return {
      status: 200,
      body: { status: '200', success: true, message: 'All records have been saved successfully' },
    };
  };

  return (request: SandboxRequest): SandboxResponse => {
    const route =
      request.path === AUTH_PATH ? auth : request.path === SET_CODES_PATH ? setCodes : null;
    if (!route) {
      return { status: 404, body: { status: 404, error: 'Not Found', path: request.path } };
    }
    if (request.method !== 'POST') {
      return {
        status: 405,
        body: { status: 405, error: 'Method Not Allowed', path: request.path },
      };
    }
    return route(request);
  };
}

export async function startBlackhawkSandbox(
  options: SandboxOptions = {},
): Promise<SandboxHandle<BlackhawkSettings, BlackhawkSandboxState>> {
  const credentials = {
    clientId: 'switchyard-sandbox',
    clientSecret: randomBytes(24).toString('base64url'),
  };
  const state: BlackhawkSandboxState = {
    codes: new Map(),
    programs: new Set(SANDBOX_PROGRAMS),
    tokenShape: 'access_token',
    tokenLifetimeSeconds: 3_600,
    grants: 0,
    tokens: new Map(),
    revokeTokens: () => state.tokens.clear(),
    writes: writeCounts(options),
  };
  const server = await startSandboxServer(createBlackhawkHandler(credentials, state), options);
  return { ...server, state, settings: { baseUrl: server.url, ...credentials, scope: null } };
}
