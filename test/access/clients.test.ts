/** The clients file: what start-up accepts, what it refuses and how it says so. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ClientsFileError,
  clientForKey,
  hashKey,
  loadClientsFile,
  newApiKey,
} from '../../src/access/clients.js';
import { clientFromClaims } from '../../src/access/jwt.js';

const write = (content: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), 'switchyard-clients-')), 'clients.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};
const hash = (key: string) => `sha256:${hashKey(key).toString('hex')}`;
const entry = (over: Record<string, unknown> = {}) => ({
  id: 'acme',
  name: 'Acme Payments',
  apiKeys: [hash('secret-key-1')],
  scopes: ['customers:read'],
  ...over,
});

const problem = (content: unknown): string => {
  try {
    loadClientsFile(write(content), 600);
  } catch (error) {
    expect(error).toBeInstanceOf(ClientsFileError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be refused');
};

describe('clients file', () => {
  it('loads clients with defaults: all providers, all programs, the default rate limit', () => {
    const [acme, partner] = loadClientsFile(
      write({
        clients: [
          entry(),
          entry({
            id: 'partner',
            apiKeys: [hash('p1'), hash('p2')],
            providers: ['FUSEBILL'],
            cardPrograms: ['95000000'],
            rateLimitPerMinute: 60,
            trustedDocumentsOnly: true,
          }),
        ],
      }),
      600,
    );
    expect(acme!.client).toMatchObject({
      id: 'acme',
      providers: null,
      cardPrograms: null,
      rateLimitPerMinute: 600,
      trustedDocumentsOnly: false,
    });
    expect(partner!.client).toMatchObject({
      providers: new Set(['fusebill']),
      cardPrograms: new Set(['95000000']),
      rateLimitPerMinute: 60,
      trustedDocumentsOnly: true,
    });
  });

  it('finds the client of a key, and no client for another', () => {
    const clients = loadClientsFile(
      write({ clients: [entry(), entry({ id: 'b', apiKeys: [hash('k-b1'), hash('k-b2')] })] }),
      600,
    );
    expect(clientForKey(clients, 'secret-key-1')?.id).toBe('acme');
    expect(clientForKey(clients, 'k-b2')?.id).toBe('b');
    expect(clientForKey(clients, 'secret-key-2')).toBeNull();
    expect(clientForKey(clients, '')).toBeNull();
  });

  it.each([
    [{ clients: [entry({ scopes: ['customers:write'] })] }, 'client "acme" scopes.0'],
    [
      { clients: [entry({ apiKeys: ['plain-text-key'] })] },
      'client "acme" apiKeys.0: must be "sha256:"',
    ],
    [
      { clients: [entry({ apiKeys: [] })] },
      'client "acme" apiKeys: must hold at least one key hash',
    ],
    [{ clients: [entry({ providers: ['PAYPAL'] })] }, 'client "acme" providers.0'],
    [{ clients: [entry({ cardPrograms: ['95-1'] })] }, 'client "acme" cardPrograms.0'],
    [{ clients: [entry({ id: 'has space' })] }, 'client "has space" id: must be 1-64 letters'],
    [{ clients: [entry({ id: 7 })] }, 'client #0 id'],
    [{ clients: [entry({ rateLimitPerMinute: 0 })] }, 'client "acme" rateLimitPerMinute'],
    [{ clients: [entry({ extra: true })] }, 'client "acme"'],
    [{ clients: [entry(), entry()] }, 'client "acme" appears twice'],
    [{ clients: [entry(), entry({ id: 'b' })] }, 'client "b" shares a key hash'],
    ['{ not json', 'cannot be read'],
  ])('refuses %j, naming %s', (content, expected) => {
    expect(problem(content)).toContain(expected);
  });

  it('never quotes a key, even one pasted where its hash belongs', () => {
    const message = problem({ clients: [entry({ apiKeys: ['sk_live_do_not_leak'] })] });
    expect(message).not.toContain('sk_live_do_not_leak');
  });

  it('makes keys that are long, random and match their hash', () => {
    const a = newApiKey();
    const b = newApiKey();
    expect(a.key).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(a.key).not.toBe(b.key);
    expect(a.hash).toBe(hash(a.key));
  });
});

describe('JWT claims', () => {
  it('read scopes from scope or scp, and partner limits from the switchyard claims', () => {
    expect(
      clientFromClaims(
        {
          sub: 's',
          scope: 'customers:read cards:write',
          'switchyard:providers': ['FUSEBILL', 'paypal'],
          'switchyard:card_programs': ['95000000'],
          'switchyard:trusted_documents_only': true,
        },
        100,
      ),
    ).toMatchObject({
      id: 's',
      via: 'jwt',
      scopes: new Set(['customers:read', 'cards:write']),
      providers: new Set(['fusebill']),
      cardPrograms: new Set(['95000000']),
      trustedDocumentsOnly: true,
      rateLimitPerMinute: 100,
    });
    expect(clientFromClaims({ azp: 'a', scp: ['customers:read'] }, 1)?.scopes).toEqual(
      new Set(['customers:read']),
    );
  });

  it('make no client of claims without an id or with malformed partner limits', () => {
    expect(clientFromClaims({ scope: 'customers:read' }, 1)).toBeNull();
    expect(clientFromClaims({ sub: 's', 'switchyard:providers': 'FUSEBILL' }, 1)).toBeNull();
    expect(clientFromClaims({ sub: 's', 'switchyard:card_programs': ['x'] }, 1)).toBeNull();
  });
});
