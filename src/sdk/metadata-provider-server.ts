/**
 * MetadataProviderServer (SPEC §3): connects one Metadata Adapter to one Proxy Adapter.
 */
import type { AdapterRole } from '../protocol/index.js';
import type { MetadataProviderLike } from '../session/metadata-handlers.js';
import { MetadataSession } from '../session/metadata-session.js';
import type { SessionEvents } from '../session/session-core.js';
import { ProviderServer, type ServedSession, type SessionChannels } from './provider-server.js';
import type { ServerOptions } from './server-options.js';

export type { MetadataProviderLike };

/**
 * Serves a Metadata Adapter on one Proxy Adapter connection. The provider is a
 * `MetadataProvider` subclass or any object: a hook it lacks gets the documented default.
 *
 * ```ts
 * const server = new MetadataProviderServer(new MyMetadata(), { host: 'localhost', port: 6663 });
 * await server.start();
 * ```
 *
 * Events: `'status'`, `'close'` ({ reason?, error? }), `'drain'`, `'protocolError'`, and
 * `'error'` (only when listened to).
 */
export class MetadataProviderServer extends ProviderServer {
  /** The provider serving the connection. */
  readonly provider: MetadataProviderLike;

  /** @throws {TypeError} when `provider` is not an object; `ServerOptionsError` for bad options. */
  constructor(provider: MetadataProviderLike, options: ServerOptions) {
    super('metadata', options);
    if (typeof provider !== 'object' || provider === null) {
      throw new TypeError(
        'MetadataProviderServer needs a Metadata Adapter: a MetadataProvider or an object with its hooks',
      );
    }
    this.provider = provider;
  }

  protected override role(): AdapterRole {
    return 'metadata';
  }

  protected override createSession(
    channels: SessionChannels,
    events: SessionEvents,
    context: Record<string, unknown>,
  ): ServedSession {
    return new MetadataSession({
      provider: this.provider,
      channel: channels.replies,
      localParams: this.options.params,
      context,
      events,
      logger: this.logger,
    });
  }
}
