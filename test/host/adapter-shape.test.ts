import { describe, expect, it } from 'vitest';
import {
  checkAdapterShape,
  checkExportType,
  createAdapterInstance,
  detectKind,
  isClassExport,
  withDefaults,
} from '../../src/host/adapter-shape.js';
import { ModuleShapeError } from '../../src/host/errors.js';

const context = { modulePath: '/project/adapters/q.ts', adapter: 'Q' };

function shapeError(run: () => void): ModuleShapeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ModuleShapeError);
    return error as ModuleShapeError;
  }
  throw new Error('expected a ModuleShapeError');
}

class Standalone {
  subscribe(_item: string): void {}
  unsubscribe(_item: string): void {}
}

class Base {
  subscribe(): void {}
}
class Derived extends Base {
  unsubscribe(): void {}
}

describe('isClassExport', () => {
  it('recognises classes and old-style constructors', () => {
    function OldStyle(this: { a: number }) {
      this.a = 1;
    }
    OldStyle.prototype.subscribe = () => undefined;
    expect(isClassExport(Standalone)).toBe(true);
    expect(isClassExport(class {})).toBe(true);
    expect(isClassExport(Derived)).toBe(true);
    expect(isClassExport(OldStyle)).toBe(true);
  });

  it('rejects objects and functions that are not meant for new', () => {
    expect(isClassExport({ subscribe() {} })).toBe(false);
    expect(isClassExport(() => ({}))).toBe(false);
    expect(isClassExport(async () => ({}))).toBe(false);
    expect(isClassExport(function* generator() {})).toBe(false);
    expect(isClassExport(function plain() {})).toBe(false);
    expect(isClassExport(null)).toBe(false);
    expect(isClassExport('class')).toBe(false);
  });
});

describe('detectKind', () => {
  it('lets an explicit kind win', () => {
    expect(detectKind(Standalone, 'metadata')).toBe('metadata');
    expect(detectKind({}, 'data')).toBe('data');
  });

  it('calls an export with subscribe a data adapter, even a class that extends nothing', () => {
    expect(detectKind(Standalone)).toBe('data');
    expect(detectKind(Derived)).toBe('data');
    expect(detectKind({ subscribe() {}, unsubscribe() {} })).toBe('data');
  });

  it('calls anything else a metadata adapter', () => {
    expect(detectKind({ getItems() {} })).toBe('metadata');
    expect(detectKind(class Meta {})).toBe('metadata');
    expect(detectKind({ subscribe: 'not a function' })).toBe('metadata');
    expect(
      detectKind(
        class MetaFields {
          getItems = () => [];
        },
      ),
    ).toBe('metadata');
  });

  it('looks at an instance of a class whose methods are all class fields', () => {
    expect(
      detectKind(
        class Fields {
          subscribe = () => undefined;
          unsubscribe = () => undefined;
        },
      ),
    ).toBe('data');
    // A constructor that throws says nothing about the kind.
    expect(
      detectKind(
        class Throws {
          constructor() {
            throw new Error('no');
          }
        },
      ),
    ).toBe('metadata');
  });

  it('does not construct a class whose prototype already has adapter methods', () => {
    let constructed = 0;
    class Meta {
      constructor() {
        constructed++;
      }
      getItems(): string[] {
        return [];
      }
    }
    expect(detectKind(Meta)).toBe('metadata');
    expect(constructed).toBe(0);
  });
});

describe('createAdapterInstance', () => {
  it('constructs a class anew each time and returns an object as it is', () => {
    const first = createAdapterInstance(Standalone);
    expect(first).toBeInstanceOf(Standalone);
    expect(createAdapterInstance(Standalone)).not.toBe(first);
    const object = { getItems() {} };
    expect(createAdapterInstance(object)).toBe(object);
  });

  it('refuses anything else', () => {
    expect(() => createAdapterInstance(42)).toThrow('not a number');
  });
});

describe('checkExportType', () => {
  it('accepts classes and objects', () => {
    expect(() => checkExportType(Standalone, context)).not.toThrow();
    expect(() => checkExportType({}, context)).not.toThrow();
  });

  it('rejects functions, primitives, arrays and null, naming the module', () => {
    expect(shapeError(() => checkExportType(() => ({}), context)).message).toBe(
      'Adapter "Q": the default export must be a class or an object, not a function that is not a class (export a class, or an object with the adapter methods) (in /project/adapters/q.ts)',
    );
    expect(shapeError(() => checkExportType('x', context)).message).toContain('not a string');
    expect(shapeError(() => checkExportType([], context)).message).toContain('not an array');
    expect(shapeError(() => checkExportType(null, context)).message).toContain('not null');
  });
});

describe('checkAdapterShape', () => {
  it('accepts a complete data adapter and an empty metadata adapter', () => {
    expect(() => checkAdapterShape(new Standalone(), 'data', context)).not.toThrow();
    expect(() => checkAdapterShape(Derived.prototype, 'data', context)).not.toThrow();
    expect(() => checkAdapterShape({}, 'metadata', context)).not.toThrow();
  });

  it('names every missing method of a data adapter', () => {
    const error = shapeError(() => checkAdapterShape({ init() {} }, 'data', context));
    expect(error.missing).toEqual(['subscribe', 'unsubscribe']);
    expect(error.message).toBe(
      'Adapter "Q": not a valid data adapter: missing methods subscribe, unsubscribe (in /project/adapters/q.ts)',
    );
  });

  it('names known methods that are not functions', () => {
    const data = shapeError(() =>
      checkAdapterShape({ subscribe() {}, isSnapshotAvailable: true }, 'data', context),
    );
    expect(data.missing).toEqual(['unsubscribe']);
    expect(data.notFunctions).toEqual(['isSnapshotAvailable']);
    expect(data.message).toContain(
      'missing method unsubscribe; isSnapshotAvailable is not a function',
    );
    const metadata = shapeError(() =>
      checkAdapterShape({ getItems: ['a'], notifyUser: null }, 'metadata', context),
    );
    expect(metadata.notFunctions).toEqual(['notifyUser', 'getItems']);
    expect(metadata.message).toContain('notifyUser, getItems are not a function');
  });

  it('ignores unknown properties of any type', () => {
    expect(() =>
      checkAdapterShape({ items: [], subscribe() {}, unsubscribe() {} }, 'data', context),
    ).not.toThrow();
  });
});

describe('withDefaults', () => {
  interface DataDefaults {
    listener?: unknown;
    init(): void;
    setListener(listener: unknown): void;
    isSnapshotAvailable(): boolean;
    subscribe?(item: string): void;
  }
  const dataDefaults = (): DataDefaults => ({
    init() {},
    setListener(listener: unknown) {
      this.listener = listener;
    },
    isSnapshotAvailable() {
      return false;
    },
  });

  it('uses the instance methods bound to it and falls back on the defaults', () => {
    const seen: string[] = [];
    const instance = {
      listener: undefined as unknown,
      subscribe(item: string) {
        seen.push(`${item} via ${String(this.listener)}`);
      },
      isSnapshotAvailable: () => true,
    };
    const provider = withDefaults(instance, dataDefaults());
    const { setListener, subscribe, isSnapshotAvailable, init } = provider;
    setListener('L');
    subscribe?.('item1');
    expect(seen).toEqual(['item1 via L']);
    expect(instance.listener).toBe('L');
    expect(isSnapshotAvailable()).toBe(true);
    expect(init()).toBeUndefined();
  });

  it('runs defaults against a view where the instance overrides come first', () => {
    class Defaults {
      getItems(_user: string, group: string): string[] {
        return group.split(' ');
      }
      notifyUser(_user: string): string {
        return 'default notifyUser';
      }
      notifyUserWithPrincipal(user: string): string {
        return this.notifyUser(user);
      }
    }
    const provider = withDefaults(
      { notifyUser: (user: string) => `custom ${user}` },
      new Defaults(),
    );
    expect(provider.notifyUserWithPrincipal('ann')).toBe('custom ann');
    expect(provider.getItems('ann', 'a b')).toEqual(['a', 'b']);
    const bare = withDefaults({}, new Defaults());
    expect(bare.notifyUserWithPrincipal('ann')).toBe('default notifyUser');
  });

  it('keeps private fields of class instances working', () => {
    class WithPrivate {
      #items = new Set<string>();
      subscribe(item: string): void {
        this.#items.add(item);
      }
      count(): number {
        return this.#items.size;
      }
    }
    const instance = new WithPrivate();
    const provider = withDefaults(instance, dataDefaults()) as DataDefaults & { count(): number };
    provider.subscribe?.('a');
    expect(provider.count()).toBe(1);
    expect(instance.count()).toBe(1);
  });
});
