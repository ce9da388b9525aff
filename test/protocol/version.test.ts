/** Version negotiation, PROTOCOL.md §3.4 canonical table (V11, V16, V18, V19, V21). */
import { describe, expect, it } from 'vitest';
import { compareVersions, negotiateVersion } from '../../src/protocol/index.js';

describe('negotiateVersion', () => {
  const accepted: Array<
    [string | null, string, boolean, 'metadata' | 'data-single' | 'data-two-connections']
  > = [
    ['1.9.1', '1.9.1', true, 'data-single'],
    ['1.9.100', '1.9.1', true, 'data-single'],
    ['2.0', '1.9.1', true, 'data-single'],
    ['garbage', '1.9.1', true, 'metadata'],
    ['1.10.0', '1.9.1', true, 'metadata'],
    ['1.9.0', '1.9.0', true, 'metadata'],
    ['1.9.0', '1.9.0', true, 'data-two-connections'],
    ['1.8.3', '1.8.3', true, 'metadata'],
    ['1.8.4', '1.8.3', true, 'metadata'],
    ['1.8.2', '1.8.2', true, 'data-two-connections'],
    [null, '1.8.0', false, 'metadata'],
    [null, '1.8.0', false, 'data-two-connections'],
  ];
  it.each(accepted)('offer %s → %s (%s)', (offered, version, replyWithVersion, role) => {
    expect(negotiateVersion(offered, role)).toEqual({ ok: true, version, replyWithVersion });
  });

  const refused: Array<
    [string | null, string, 'metadata' | 'data-single' | 'data-two-connections']
  > = [
    ['1.8.0', 'Unexpected protocol version number: 1.8.0', 'metadata'],
    ['1.8.0', 'Unexpected protocol version number: 1.8.0', 'data-single'],
    ['1.8.1', 'Unsupported reserved protocol version number: 1.8.1', 'data-single'],
    ['1.8.1', 'Unsupported reserved protocol version number: 1.8.1', 'data-two-connections'],
    ['1.9.0', 'Unsupported Proxy Adapter version', 'data-single'],
    ['1.8.3', 'Unsupported Proxy Adapter version', 'data-single'],
    [null, 'Unsupported Proxy Adapter version', 'data-single'],
  ];
  it.each(refused)('offer %s is refused with "%s" (%s)', (offered, message, role) => {
    expect(negotiateVersion(offered, role)).toEqual({ ok: false, message });
  });

  it('compares numerically, component by component', () => {
    expect(compareVersions('1.10.0', '1.9.1')).toBe(1);
    expect(compareVersions('1.9', '1.9.0')).toBe(0);
    expect(compareVersions('1.8.3', '1.9.0')).toBe(-1);
  });
});
