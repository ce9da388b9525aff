import { describe, expect, it } from 'vitest';
import {
  DEFAULTS,
  resolveServerOptions,
  ServerOptionsError,
} from '../../src/sdk/server-options.js';

describe('resolveServerOptions', () => {
  it('applies the defaults', () => {
    const options = resolveServerOptions({ host: 'ls', port: 6661 }, 'data');
    expect(options).toMatchObject({
      host: 'ls',
      port: 6661,
      name: 'data',
      sdkName: DEFAULTS.sdkName,
      connectTimeoutMs: 10_000,
      initTimeoutMs: 15_000,
      highWaterMark: 1024 * 1024,
      params: {},
      context: {},
      keepaliveMs: undefined,
    });
    expect(resolveServerOptions({ host: 'ls', port: 1, sdkName: null }, 'metadata').sdkName).toBe(
      null,
    );
  });

  it.each([
    [{ host: '', port: 1 }, 'host'],
    [{ host: 'h', port: 70000 }, 'port'],
    [{ host: 'h', port: 1, notifyPort: 2.5 }, 'notifyPort'],
    [{ host: 'h', port: 1, keepaliveMs: Number.NaN }, 'keepaliveMs'],
    [{ host: 'h', port: 1, highWaterMark: 0 }, 'highWaterMark'],
  ])('names the bad option in %j', (options, option) => {
    expect(() => resolveServerOptions(options, 'data')).toThrow(ServerOptionsError);
    try {
      resolveServerOptions(options, 'data');
    } catch (error) {
      expect((error as ServerOptionsError).option).toBe(option);
    }
  });

  it('refuses a notify port for a Metadata Adapter', () => {
    expect(() => resolveServerOptions({ host: 'h', port: 1, notifyPort: 2 }, 'metadata')).toThrow(
      /one connection/,
    );
  });
});
