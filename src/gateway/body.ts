/**
 * Request bodies on the Fastify layer: JSON (with the encodings and strictness Express's body
 * parser had), multipart uploads per the GraphQL multipart request spec (graphql-upload's
 * processRequest), and nothing else: any other content type reaches Apollo Server without a body,
 * which answers it (CSRF prevention first) exactly as before.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import processRequest from 'graphql-upload/processRequest.mjs';
import Upload from 'graphql-upload/Upload.mjs';

/** A request the client must fix: answered with `statusCode` and one GraphQL error of `code`. */
export class ClientRequestError extends Error {
  override readonly name = 'ClientRequestError';
  constructor(
    readonly statusCode: 400 | 413 | 415,
    readonly code: 'BAD_REQUEST' | 'PAYLOAD_TOO_LARGE',
    message: string,
    /** Close the connection after answering: the client may still be sending a body we will not read. */
    readonly closeConnection = false,
  ) {
    super(message);
  }
}

export interface BodyOptions {
  /** BODY_LIMIT_BYTES: the largest JSON body, after decompression. */
  bodyLimit: number;
  /** UPLOAD_MAX_FILE_BYTES: the largest uploaded file. */
  uploadMaxFileBytes: number;
}

/** The one file an operation may upload, and the JSON of its operation in the multipart body. */
const MAX_FILES = 1;
const MAX_OPERATIONS_BYTES = 1024 * 1024;
/** The multipart framing, the map field and part headers around the file and operations. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** A multipart body that passed the cheap checks; parsed in the route, where the reply is known. */
export const MULTIPART_PENDING: unique symbol = Symbol('multipart body not parsed yet');

const tooLarge = (limit: number, setting: string) =>
  new ClientRequestError(
    413,
    'PAYLOAD_TOO_LARGE',
    `Request body is larger than the limit of ${limit} bytes (${setting})`,
    true,
  );

const inflaters: Record<string, (buffer: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};

/** The body as sent, decompressed off the main thread, never beyond `limit` bytes. */
async function decoded(request: FastifyRequest, body: Buffer, limit: number): Promise<Buffer> {
  const encoding = String(request.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding === 'identity') return body;
  const inflate = inflaters[encoding];
  if (!inflate) {
    throw new ClientRequestError(
      415,
      'BAD_REQUEST',
      `Unsupported content encoding "${encoding.slice(0, 32)}" (use gzip, deflate, br or none)`,
    );
  }
  try {
    return await inflate(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw tooLarge(limit, 'BODY_LIMIT_BYTES');
    }
    throw new ClientRequestError(400, 'BAD_REQUEST', `Request body is not valid ${encoding} data`);
  }
}

/**
 * Deepest nesting of arrays and objects a JSON body may have. A request needs a handful of levels
 * (variables, an input, a list, a record); JSON.parse of deep nesting costs about ten times as much
 * per byte as flat JSON (10 MB of nested brackets: 1.15 s, blocking every other request).
 */
export const MAX_JSON_DEPTH = 64;
/** Smaller bodies are parsed unchecked: their worst case is a few milliseconds. */
const DEPTH_CHECK_FROM_BYTES = 64 * 1024;

/** True when `json` nests arrays or objects deeper than `limit` (strings and escapes skipped). */
export function nestsDeeperThan(json: Buffer, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const byte = json[i];
    if (inString) {
      // After a backslash the next byte is escaped; a quote ends the string.
      if (byte === 0x5c) i++;
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > limit) return true;
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
  return false;
}

function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

/**
 * Registers the body parsers on `app`: JSON, multipart (checked here, parsed by `parseMultipart`
 * in the route) and a catch-all that reads nothing.
 */
export function registerBodyParsers(app: FastifyInstance, options: BodyOptions): void {
  const { bodyLimit } = options;
  const multipartLimit =
    options.uploadMaxFileBytes + MAX_OPERATIONS_BYTES + MULTIPART_OVERHEAD_BYTES;
  app.removeAllContentTypeParsers();

  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit },
    (request, raw: Buffer, done) => {
      const charset = charsetOf(request.headers['content-type']);
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        done(
          new ClientRequestError(
            415,
            'BAD_REQUEST',
            `Unsupported charset "${charset.slice(0, 32).toUpperCase()}" (send UTF-8)`,
          ),
        );
        return;
      }
      decoded(request, raw, bodyLimit).then(
        (bytes) => {
          // An empty body is an empty object, as under Express: Apollo Server then says what is missing.
          if (bytes.length === 0) {
            done(null, {});
            return;
          }
          // A scan of the bytes (about 1 ms a MB) before a parse that deep nesting makes ten times dearer.
          if (bytes.length > DEPTH_CHECK_FROM_BYTES && nestsDeeperThan(bytes, MAX_JSON_DEPTH)) {
            done(
              new ClientRequestError(
                400,
                'BAD_REQUEST',
                `Request body nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels`,
              ),
            );
            return;
          }
          let body: unknown;
          try {
            body = JSON.parse(bytes.toString('utf8'));
          } catch {
            body = undefined;
          }
          // As Express's parser: only an object or an array is a request (a bare "null" is not).
          if (body === null || typeof body !== 'object') {
            done(new ClientRequestError(400, 'BAD_REQUEST', 'Request body is not valid JSON'));
          } else done(null, body);
        },
        (error: unknown) => done(error as Error),
      );
    },
  );

  app.addContentTypeParser('multipart/form-data', (request, _payload, done) => {
    const length = Number(request.headers['content-length']);
    if (length > multipartLimit) {
      done(tooLarge(multipartLimit, 'UPLOAD_MAX_FILE_BYTES plus 1 MiB for the operation'));
      return;
    }
    if (!/;\s*boundary=/i.test(request.headers['content-type'] ?? '')) {
      done(new ClientRequestError(400, 'BAD_REQUEST', 'Multipart request has no boundary'));
      return;
    }
    done(null, MULTIPART_PENDING);
  });

  // Anything else gets no body, as under Express: Apollo Server answers (CSRF prevention for the
  // "simple" content types a browser may send cross-site, "POST body missing" for the rest).
  app.addContentTypeParser('*', (request, _payload, done) => {
    // Unread, but not held: a declared length over the limit is refused at once, as for JSON.
    if (Number(request.headers['content-length']) > bodyLimit) {
      done(tooLarge(bodyLimit, 'BODY_LIMIT_BYTES'));
      return;
    }
    done(null, undefined);
  });
}

/**
 * Whether a request carries a header that a browser cannot send cross-site without a preflight,
 * as Apollo Server's CSRF prevention requires of multipart (a "simple" content type). Without one,
 * the upload is not even parsed: Apollo Server refuses the request unread.
 */
export function hasPreflightHeader(request: FastifyRequest): boolean {
  const { headers } = request;
  return Boolean(headers['apollo-require-preflight'] || headers['x-apollo-operation-name']);
}

const UPLOAD_ERRORS: Record<string, string> = {
  'File missing in the request.':
    'The multipart map names a file that is not in the request (GraphQL multipart request spec)',
};

/** Collects every Upload placed in the operations by the map. */
function uploadsIn(value: unknown, found: Upload[], depth = 0): Upload[] {
  if (value instanceof Upload) found.push(value);
  else if (value !== null && typeof value === 'object' && depth < 32) {
    for (const item of Object.values(value as Record<string, unknown>)) {
      uploadsIn(item, found, depth + 1);
    }
  }
  return found;
}

/**
 * Parses a multipart GraphQL request with graphql-upload and waits until every file the map names
 * has started to arrive, so a missing file is the client's 400 before anything runs. Files are
 * buffered to temporary files and released when the response closes.
 */
export async function parseMultipart(
  raw: IncomingMessage,
  response: ServerResponse,
  options: BodyOptions,
): Promise<unknown> {
  try {
    const operations = await processRequest(raw, response, {
      maxFieldSize: MAX_OPERATIONS_BYTES,
      maxFileSize: options.uploadMaxFileBytes,
      maxFiles: MAX_FILES,
    });
    await Promise.all(uploadsIn(operations, []).map((upload) => upload.promise));
    return operations;
  } catch (error) {
    throw multipartError(error);
  }
}

function multipartError(error: unknown): ClientRequestError {
  const { status, message } = error as { status?: number; message?: string };
  if (status === 413 && message?.endsWith('max file uploads exceeded.')) {
    return new ClientRequestError(
      400,
      'BAD_REQUEST',
      `An operation may upload at most ${MAX_FILES} file; this request carries more`,
      true,
    );
  }
  if (status === 413) {
    const field = /‘(\w+)’ multipart field/.exec(message ?? '')?.[1] ?? 'operations';
    return new ClientRequestError(
      413,
      'PAYLOAD_TOO_LARGE',
      `The ${field} field of a multipart request is larger than ${MAX_OPERATIONS_BYTES} bytes`,
      true,
    );
  }
  if (status === 400 && message) {
    // graphql-upload quotes the client's map entries: cut, so a long path cannot make a long answer.
    const said = UPLOAD_ERRORS[message] ?? message;
    return new ClientRequestError(
      400,
      'BAD_REQUEST',
      said.length > 200 ? `${said.slice(0, 200)}…` : said,
    );
  }
  // busboy's own errors (a malformed or truncated body) carry no status: all are the client's.
  return new ClientRequestError(400, 'BAD_REQUEST', 'Malformed multipart request body', true);
}
