/** The MetadataProvider base class: SPEC §3 names and documented defaults, alone and on the wire. */
import { describe, expect, it } from 'vitest';
import { AccessError, CreditsError } from '../../src/sdk/errors.js';
import {
  type HttpHeaders,
  type MetadataControlListener,
  MetadataProvider,
} from '../../src/sdk/metadata-provider.js';
import { serve, V183 } from '../session/metadata-test-kit.js';

/** SPEC §3: the method names are part of the contract. */
const SPEC_METHODS = [
  'init',
  'notifyUser',
  'notifyUserWithPrincipal',
  'getItems',
  'getSchema',
  'getAllowedMaxBandwidth',
  'getAllowedMaxItemFrequency',
  'getAllowedBufferSize',
  'isModeAllowed',
  'modeMayBeAllowed',
  'getMinSourceFrequency',
  'getDistinctSnapshotLength',
  'notifyUserMessage',
  'notifyNewSession',
  'notifySessionClose',
  'wantsTablesNotification',
  'notifyNewTables',
  'notifyTablesClose',
  'notifyMpnDeviceAccess',
  'notifyMpnSubscriptionActivation',
  'notifyMpnDeviceTokenChange',
  'getSessionTimeToLive',
  'enableTableUnsubscription',
  'wantsFinalTableStatistics',
  'setListener',
  'close',
] as const;

describe('MetadataProvider defaults', () => {
  const provider = new MetadataProvider();
  const headers: HttpHeaders = Object.create(null);

  it.each(SPEC_METHODS)('has %s', (name) => {
    expect(typeof provider[name]).toBe('function');
  });

  it.each([
    ['a  b', ['a', 'b']],
    ['  item1 item2  ', ['item1', 'item2']],
    ['single', ['single']],
    ['', []],
    [null, []],
    ['a\tb', ['a\tb']],
  ] as const)('splits %j into %j', (text, names) => {
    expect(provider.getItems('user', 'S1', text)).toEqual(names);
    expect(provider.getSchema('user', 'S1', 'group', text)).toEqual(names);
  });

  it('allows every mode and sets no limits', () => {
    for (const mode of ['RAW', 'MERGE', 'DISTINCT', 'COMMAND'] as const) {
      expect(provider.isModeAllowed('user', 'item', mode)).toBe(true);
      expect(provider.modeMayBeAllowed('item', mode)).toBe(true);
    }
    expect(provider.getAllowedMaxBandwidth('user')).toBe(0);
    expect(provider.getAllowedMaxItemFrequency('user', 'item')).toBe(0);
    expect(provider.getAllowedBufferSize('user', 'item')).toBe(0);
    expect(provider.getMinSourceFrequency('item')).toBe(0);
    expect(provider.getDistinctSnapshotLength('item')).toBe(0);
  });

  it('asks for no table notifications, time-to-live, unsubscription or statistics', () => {
    expect(provider.wantsTablesNotification('user')).toBe(false);
    expect(provider.getSessionTimeToLive('user', 'S1')).toBe(0);
    expect(provider.enableTableUnsubscription('S1', [])).toBe(false);
    expect(provider.wantsFinalTableStatistics('S1', [])).toBe(false);
  });

  it('accepts users, sessions, tables and MPN requests', () => {
    const device = { platform: 'Apple' as const, applicationId: 'app', deviceToken: 'tok' };
    expect(provider.notifyUser('user', 'pw', headers)).toBeUndefined();
    expect(provider.notifyUserWithPrincipal('user', 'pw', headers, 'CN=x')).toBeUndefined();
    expect(provider.notifyNewSession('user', 'S1', Object.create(null))).toBeUndefined();
    expect(provider.notifySessionClose('S1')).toBeUndefined();
    expect(provider.notifyNewTables('user', 'S1', [])).toBeUndefined();
    expect(provider.notifyTablesClose('S1', [])).toBeUndefined();
    expect(provider.notifyMpnDeviceAccess('user', 'S1', device)).toBeUndefined();
    expect(provider.notifyMpnDeviceTokenChange('user', 'S1', device, 'tok2')).toBeUndefined();
  });

  it('refuses user messages with a credits error "Unsupported function"', async () => {
    const error = await Promise.resolve(provider.notifyUserMessage('user', 'S1', 'hi')).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CreditsError);
    expect(error).toMatchObject({
      message: 'Unsupported function',
      clientCode: 0,
      clientMessage: null,
    });
  });

  it('stores the control listener as this.listener', () => {
    const own = new MetadataProvider();
    expect(own.listener).toBeNull();
    const listener: MetadataControlListener = {
      forceSessionTermination: async () => {},
      forceUnsubscription: async () => true,
      failure: () => {},
    };
    own.setListener(listener);
    expect(own.listener).toBe(listener);
  });
});

describe('MetadataProvider subclasses', () => {
  class Strict extends MetadataProvider {
    readonly #users = new Map([['alice', 'secret']]);
    readonly seen: unknown[][] = [];

    override notifyUser(user: string | null, password: string | null, httpHeaders: HttpHeaders) {
      this.seen.push([user, password, { ...httpHeaders }]);
      if (user === null || this.#users.get(user) !== password) {
        throw new AccessError(`Bad credentials for ${user}`);
      }
    }

    override async getAllowedMaxBandwidth(): Promise<number> {
      return 40.5;
    }
  }

  it('routes notifyUserWithPrincipal to the overridden notifyUser by default', async () => {
    const strict = new Strict();
    expect(() => strict.notifyUserWithPrincipal('bob', 'x', Object.create(null), 'CN=bob')).toThrow(
      AccessError,
    );
    expect(strict.seen).toEqual([['bob', 'x', {}]]);
  });

  it('serves requests with its own state, sync and async overrides mixed', async () => {
    const strict = new Strict();
    expect(await serve('A|NUA|S|alice|S|secret|S|CN=alice|S|h|S|v', strict)).toBe(
      'A|NUA|D|40.5|B|0',
    );
    expect(await serve('B|NUS|S|bob|S|guess', strict)).toBe('B|NUS|EA|Bad credentials for bob');
    expect(strict.seen[0]).toEqual(['alice', 'secret', { h: 'v' }]);
  });

  it('gives the documented wire answers with no overrides at all', async () => {
    const plain = new MetadataProvider();
    expect(await serve('FAKEID|NUS|S|user|S|password', plain)).toBe('FAKEID|NUS|D|0|B|0');
    expect(await serve('FAKEID|NUM|S|user|S|S1|S|hi', plain)).toBe(
      'FAKEID|NUM|EC|Unsupported function|0|#',
    );
    expect(await serve('FAKEID|NUM|S|user|S|S1|S|hi', plain, V183)).toBe(
      'FAKEID|NUM|EC|Unsupported+function|0|#',
    );
    expect(await serve('FAKEID|GIS|S|user|S|a  b|S|S1', plain)).toBe('FAKEID|GIS|S|a|S|b');
    expect(await serve('FAKEID|GIT|S|i', plain)).toBe('FAKEID|GIT|I|0|D|0|M|RMDC');
    expect(await serve('FAKEID|NNS|S|user|S|S1', plain)).toBe('FAKEID|NNS|V');
  });
});
