/** The public API type-checks as users write it (SPEC §3). */
import { describe, expectTypeOf, it } from 'vitest';
import {
  AccessError,
  ConflictingSessionError,
  CreditsError,
  DataProvider,
  DataProviderServer,
  type ItemEventListener,
  MetadataProvider,
  MetadataProviderServer,
  ResourceUnavailableError,
  SubscribeError,
} from '../../src/index.js';

class Quotes extends DataProvider {
  override subscribe(item: string): void {
    this.listener?.update(
      item,
      { price: 1.5, name: 'x', up: true, raw: Buffer.from('b'), gone: null },
      true,
    );
  }
  override unsubscribe(_item: string): Promise<void> {
    return Promise.resolve();
  }
}

class Auth extends MetadataProvider {
  override notifyUser(user: string | null): void {
    if (user === null) throw new AccessError('no user');
  }
  override getSchema(_u: string | null, _s: string, _g: string, schema: string): string[] {
    return schema.split(' ');
  }
}

describe('public API', () => {
  it('servers take a provider and the SPEC options', () => {
    const data = new DataProviderServer(new Quotes(), {
      host: 'localhost',
      port: 6661,
      notifyPort: 6662,
      tls: { ca: 'ca.pem', rejectUnauthorized: true },
      credentials: { user: 'u', password: 'p' },
      keepaliveMs: 5000,
      name: 'QUOTES',
    });
    expectTypeOf(data.start()).toEqualTypeOf<Promise<void>>();
    expectTypeOf(data.close()).toEqualTypeOf<Promise<void>>();
    const meta = new MetadataProviderServer(new Auth(), {
      host: 'localhost',
      port: 6663,
      tls: true,
    });
    expectTypeOf(meta.start).returns.resolves.toBeVoid();
  });

  it('plain objects work as providers', () => {
    const plain = { subscribe(_item: string) {}, unsubscribe(_item: string) {} };
    new DataProviderServer(plain, { host: 'h', port: 1 });
    new MetadataProviderServer({}, { host: 'h', port: 1 });
  });

  it('listener methods', () => {
    expectTypeOf<ItemEventListener['update']>().returns.toEqualTypeOf<boolean>();
    expectTypeOf<ItemEventListener>().toHaveProperty('endOfSnapshot');
    expectTypeOf<ItemEventListener>().toHaveProperty('clearSnapshot');
    expectTypeOf<ItemEventListener>().toHaveProperty('failure');
    expectTypeOf<ItemEventListener>().toHaveProperty('declareFieldDiffOrder');
  });

  it('error classes carry their extra values', () => {
    const credits = new CreditsError('m', -1, 'client');
    expectTypeOf(credits.clientCode).toEqualTypeOf<number>();
    const conflict = new ConflictingSessionError('m', -1, 'client', 'S1');
    expectTypeOf(conflict).toMatchTypeOf<CreditsError>();
    expectTypeOf(conflict.conflictingSessionId).toEqualTypeOf<string>();
    expectTypeOf(new ResourceUnavailableError('x')).toMatchTypeOf<AccessError>();
    expectTypeOf(new SubscribeError('x')).toMatchTypeOf<Error>();
  });
});
