/**
 * The client session `lsadapter dev` plays against the adapters, through the proxy simulators,
 * in the order a Lightstreamer Server would: the user logs in (`notifyUser`), a session opens
 * (`notifyNewSession`), each requested subscription is a table whose group and schema the
 * Metadata Adapter resolves (`getItems`, `getSchema`), the resulting items are subscribed on the
 * Data Adapters (`SUB`), and finally a client message may be sent (`notifyUserMessage`).
 *
 * Every answer is reported as one line; a refusal is reported and never thrown, so that the
 * adapters keep running and the developer sees why.
 */
import { randomBytes } from 'node:crypto';
import type { ErrorReply, ErrorTag } from '../protocol/index.js';
import type { ProxySimulator } from '../testing/index.js';

/** What the session asks of the Metadata Adapter's simulator. */
export type MetadataPort = Pick<
  ProxySimulator,
  'notifyUser' | 'notifyNewSession' | 'getItems' | 'getSchema' | 'notifyUserMessage'
>;

/** What the session asks of a Data Adapter's simulator. */
export type DataPort = Pick<ProxySimulator, 'subscribe'>;

/** One requested subscription: a group (usually one item) for some Data Adapters. */
export interface TableRequest {
  /** As given (`QUOTES:item1`, `item1`). */
  readonly spec: string;
  /** The item group the Metadata Adapter resolves. */
  readonly group: string;
  /** The Data Adapters its items are subscribed on. */
  readonly adapters: readonly string[];
}

/** Options of {@link runClientSession}. */
export interface ClientSessionOptions {
  /**
   * The Metadata Adapter's simulator; without one, groups are split on spaces and subscribed
   * directly.
   * @default undefined
   */
  metadata?: MetadataPort | undefined;
  /** The Data Adapters' simulators, by adapter name. */
  data: ReadonlyMap<string, DataPort>;
  /** Requested subscriptions: `ADAPTER:item` or a bare item (every Data Adapter). */
  subscribe: readonly string[];
  /**
   * Field names asked for with `getSchema`.
   * @default undefined (no `getSchema`)
   */
  schema?: readonly string[] | undefined;
  /**
   * User name given to `notifyUser`.
   * @default null
   */
  user?: string | null | undefined;
  /**
   * Password given to `notifyUser` (never reported).
   * @default null
   */
  password?: string | null | undefined;
  /**
   * Message sent with `notifyUserMessage` once everything is subscribed.
   * @default undefined (none)
   */
  message?: string | undefined;
  /**
   * The session id.
   * @default a random id such as `Sd3a9c01f5b7e`
   */
  sessionId?: string | undefined;
  /** Receives one line per answer. */
  report(line: string): void;
}

/** What the session achieved. */
export interface ClientSessionResult {
  /** Whether the Metadata Adapter let the session open (true without a Metadata Adapter). */
  readonly opened: boolean;
  /** Items subscribed, per adapter. */
  readonly subscribed: ReadonlyArray<{ readonly adapter: string; readonly item: string }>;
  /** Requests refused or failed. */
  readonly refused: number;
}

/** The SDK error class a reply's exception tag stands for (PROTOCOL.md §2.7). */
const ERROR_NAMES: Readonly<Record<ErrorTag, string>> = {
  E: 'Error',
  ED: 'DataProviderError',
  EU: 'SubscribeError',
  EF: 'FailureError',
  EM: 'MetadataProviderError',
  EA: 'AccessError',
  ER: 'ResourceUnavailableError',
  EC: 'CreditsError',
  EX: 'ConflictingSessionError',
  EI: 'ItemsError',
  ES: 'SchemaError',
  EN: 'NotificationError',
};

/** Context properties a Server passes to `notifyNewSession`, as a local client would have them. */
const SESSION_CONTEXT = {
  REMOTE_IP: '127.0.0.1',
  USER_AGENT: 'lsadapter dev',
  LOCAL_SERVER: 'lsadapter dev simulator',
  CLIENT_TYPE: 'lsadapter dev',
};

/**
 * Splits `ADAPTER:item` and bare items into table requests. A prefix counts as an adapter name
 * only when it names one of `dataAdapters`, so items that contain a colon still work as bare
 * items. Problems (e.g. `QUOTES:` with no item) are returned instead of tables.
 */
export function parseSubscriptions(
  specs: readonly string[],
  dataAdapters: readonly string[],
): { tables: TableRequest[]; problems: string[] } {
  const tables: TableRequest[] = [];
  const problems: string[] = [];
  for (const spec of specs) {
    const colon = spec.indexOf(':');
    const prefix = colon > 0 ? spec.slice(0, colon) : undefined;
    if (prefix !== undefined && dataAdapters.includes(prefix)) {
      const group = spec.slice(colon + 1).trim();
      if (group === '') problems.push(`${spec}: give an item after "${prefix}:"`);
      else tables.push({ spec, group, adapters: [prefix] });
    } else if (spec.trim() !== '') {
      tables.push({ spec, group: spec.trim(), adapters: dataAdapters });
    }
  }
  return { tables, problems };
}

/** Runs the session; resolves once every request is answered. Never rejects for a refusal. */
export async function runClientSession(
  options: ClientSessionOptions,
): Promise<ClientSessionResult> {
  const session = new ClientSession(options);
  return session.run();
}

class ClientSession {
  readonly #options: ClientSessionOptions;
  readonly #sessionId: string;
  readonly #user: string | null;
  readonly #subscribed: Array<{ adapter: string; item: string }> = [];
  #refused = 0;

  constructor(options: ClientSessionOptions) {
    this.#options = options;
    this.#sessionId = options.sessionId ?? `S${randomBytes(6).toString('hex')}`;
    this.#user = options.user ?? null;
  }

  async run(): Promise<ClientSessionResult> {
    const { data, subscribe } = this.#options;
    const { tables, problems } = parseSubscriptions(subscribe, [...data.keys()]);
    for (const problem of problems) this.#refuse(problem);
    if (data.size === 0) this.#options.report('no Data Adapter to subscribe on');
    const opened = await this.#open();
    if (opened) {
      if (tables.length === 0 && data.size > 0) {
        this.#options.report('nothing to subscribe: give --subscribe ITEM... or "dev.subscribe"');
      }
      // Tables are independent, as a client's subscriptions are: one slow adapter does not
      // hold up the others.
      await Promise.all(tables.map((table) => this.#subscribeTable(table)));
      await this.#sendMessage();
    }
    return { opened, subscribed: this.#subscribed, refused: this.#refused };
  }

  /** `notifyUser` then `notifyNewSession`; false when the Metadata Adapter refuses either. */
  async #open(): Promise<boolean> {
    const metadata = this.#options.metadata;
    if (metadata === undefined) {
      this.#options.report('no Metadata Adapter: subscribing without a client session');
      return true;
    }
    const who = this.#user === null ? 'no user' : `user "${this.#user}"`;
    const login = await this.#ask(`notifyUser(${who})`, () =>
      metadata.notifyUser(this.#user, this.#options.password ?? null, {
        'user-agent': 'lsadapter dev',
      }),
    );
    if (login === undefined) return this.#closed('the Metadata Adapter refused the user');
    const bandwidth = login.maxBandwidth ? `${login.maxBandwidth} kbit/s` : 'unlimited';
    this.#options.report(`notifyUser(${who}) → accepted (max bandwidth ${bandwidth})`);
    const started = await this.#ask(`notifyNewSession(${this.#sessionId})`, () =>
      metadata.notifyNewSession(this.#user, this.#sessionId, SESSION_CONTEXT),
    );
    if (started === undefined) return this.#closed('the Metadata Adapter refused the session');
    this.#options.report(`notifyNewSession(${this.#sessionId}) → accepted`);
    return true;
  }

  #closed(why: string): false {
    this.#options.report(
      `${why}: a Server would close the client session, so nothing is subscribed`,
    );
    return false;
  }

  /**
   * Resolves a table and subscribes its items. Reports one line for what succeeded (e.g.
   * `QUOTES:item1: getItems → item1, getSchema → 8 fields, subscribed item1 on QUOTES`) and one line
   * per refusal.
   */
  async #subscribeTable(table: TableRequest): Promise<void> {
    const items = await this.#resolveItems(table);
    if (items === undefined) return;
    const notes =
      this.#options.metadata === undefined ? [] : [`getItems → ${items.join(' ') || '(none)'}`];
    const schemaNote = await this.#resolveSchema(table);
    if (schemaNote !== undefined) notes.push(schemaNote);
    const outcomes = await Promise.all(
      table.adapters.flatMap((adapter) =>
        items.map((item) => this.#subscribeItem(table, adapter, item)),
      ),
    );
    const done = outcomes.filter((outcome): outcome is string => outcome !== undefined);
    if (done.length > 0) notes.push(`subscribed ${done.join(', ')}`);
    // Without a subscription, the refusals already said everything (unless there was no item).
    if (done.length > 0 || items.length === 0)
      this.#options.report(`${table.spec}: ${notes.join(', ') || 'no items'}`);
  }

  /** The items of a table's group: `getItems`, or the group's words without a Metadata Adapter. */
  async #resolveItems(table: TableRequest): Promise<string[] | undefined> {
    const metadata = this.#options.metadata;
    if (metadata === undefined) return table.group.split(/ +/).filter((item) => item !== '');
    const reply = await this.#ask(`${table.spec}: getItems("${table.group}")`, () =>
      metadata.getItems(this.#user, table.group, this.#sessionId),
    );
    if (reply === undefined) return undefined;
    return (reply.names ?? []).filter((name): name is string => name !== null);
  }

  /**
   * `getSchema` for the printed fields; resolves with a note on the answer. A refusal is
   * reported, and the items are still subscribed (dev prints the fields it receives anyway).
   */
  async #resolveSchema(table: TableRequest): Promise<string | undefined> {
    const { metadata, schema } = this.#options;
    if (metadata === undefined || schema === undefined || schema.length === 0) return undefined;
    const fields = schema.join(' ');
    const reply = await this.#ask(`${table.spec}: getSchema("${table.group}", "${fields}")`, () =>
      metadata.getSchema(this.#user, table.group, fields, this.#sessionId),
    );
    if (reply === undefined) return undefined;
    const count = (reply.names ?? []).filter((name) => name !== null).length;
    return `getSchema → ${count} field${count === 1 ? '' : 's'}`;
  }

  /** `SUB`; resolves with what was subscribed (`item1 on QUOTES`), or undefined if refused. */
  async #subscribeItem(
    table: TableRequest,
    adapter: string,
    item: string,
  ): Promise<string | undefined> {
    const port = this.#options.data.get(adapter);
    if (port === undefined) return undefined;
    const reply = await this.#ask(`${table.spec}: subscribe ${item} on ${adapter}`, () =>
      port.subscribe(item),
    );
    if (reply === undefined) return undefined;
    this.#subscribed.push({ adapter, item });
    return `${item} on ${adapter}`;
  }

  async #sendMessage(): Promise<void> {
    const { metadata, message } = this.#options;
    if (metadata === undefined || message === undefined) return;
    const call = `notifyUserMessage(${JSON.stringify(message)})`;
    const reply = await this.#ask(call, () =>
      metadata.notifyUserMessage(this.#user, this.#sessionId, message),
    );
    if (reply !== undefined) this.#options.report(`${call} → accepted`);
  }

  /**
   * Sends a request; resolves with the reply when it succeeded, or reports the refusal (an
   * error reply) or failure (no reply) and resolves with undefined.
   */
  async #ask<R extends { error?: ErrorReply }>(
    call: string,
    send: () => Promise<R>,
  ): Promise<R | undefined> {
    let reply: R;
    try {
      reply = await send();
    } catch (error) {
      this.#refuse(`${call} → failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
    if (reply.error === undefined) return reply;
    this.#refuse(`${call} → refused: ${describeErrorReply(reply.error)}`);
    return undefined;
  }

  #refuse(line: string): void {
    this.#refused++;
    this.#options.report(line);
  }
}

/**
 * An error reply in words: the SDK error class it stands for, its message, and for credits
 * errors the code and message meant for the client.
 */
export function describeErrorReply(error: ErrorReply): string {
  const name = ERROR_NAMES[error.tag] ?? error.tag;
  let text = `${name}: ${error.message ?? '(no message)'}`;
  if (error.clientCode !== undefined) {
    const clientMessage = error.clientMessage ? ` "${error.clientMessage}"` : '';
    text += ` (client code ${error.clientCode}${clientMessage})`;
  }
  if (error.conflictingSessionId) text += ` (conflicting session ${error.conflictingSessionId})`;
  return text;
}
