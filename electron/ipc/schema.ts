/**
 * A tiny dependency-free validator for IPC payloads. Every handler's request is parsed with its
 * channel's schema before the handler runs (electron/main/handlers/dispatch.ts), so a handler only
 * ever sees values of its declared type. Pure TypeScript: imported by main, the preload bundle and
 * (as types) the renderer.
 *
 * Why not zod & co: the surface is ~25 small payloads; 150 lines with exact-key objects and length
 * caps are easier to audit than a dependency in the preload bundle.
 */
import { InputError } from '../../core/errors.js';

export interface Schema<T> {
  /** Returns the value (typed) or throws an InputError naming the path and what was expected. */
  parse(value: unknown, path?: string): T;
  /** Human description used in error messages ("a string of at most 256 characters"). */
  readonly describe: string;
  /** Set by `optional()`: the key may be absent from an object. */
  readonly optional?: boolean;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

export const PAYLOAD_INVALID = 'IPC_INVALID_PAYLOAD';

function fail(path: string, expected: string, value: unknown): never {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  throw new InputError(PAYLOAD_INVALID, `Invalid request: ${path} must be ${expected} (got ${got}).`, { details: { path } });
}

function make<T>(describe: string, parse: (value: unknown, path: string) => T): Schema<T> {
  return { describe, parse: (value, path = 'payload') => parse(value, path) };
}

export interface StringOptions {
  readonly min?: number;
  readonly max: number;
  readonly pattern?: RegExp;
  /** Shown instead of the regex when the pattern does not match. */
  readonly patternHint?: string;
}

export const s = {
  /** A string with a mandatory maximum length (no unbounded strings cross the boundary). */
  string(options: StringOptions): Schema<string> {
    const min = options.min ?? 0;
    const describe = `a string of ${min > 0 ? `${min} to ${options.max}` : `at most ${options.max}`} characters${options.patternHint ? ` (${options.patternHint})` : ''}`;
    return make(describe, (value, path) => {
      if (typeof value !== 'string') fail(path, describe, value);
      if (value.length < min || value.length > options.max) {
        throw new InputError(PAYLOAD_INVALID, `Invalid request: ${path} must be ${describe} (got ${value.length} characters).`, { details: { path } });
      }
      if (options.pattern && !options.pattern.test(value)) {
        throw new InputError(PAYLOAD_INVALID, `Invalid request: ${path} must be ${describe}.`, { details: { path } });
      }
      return value;
    });
  },

  int(options: { min: number; max: number }): Schema<number> {
    const describe = `a whole number from ${options.min} to ${options.max}`;
    return make(describe, (value, path) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < options.min || value > options.max) fail(path, describe, value);
      return value;
    });
  },

  boolean(): Schema<boolean> {
    return make('true or false', (value, path) => {
      if (typeof value !== 'boolean') fail(path, 'true or false', value);
      return value;
    });
  },

  enum<const T extends readonly string[]>(values: T): Schema<T[number]> {
    const describe = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
    return make(describe, (value, path) => {
      if (typeof value !== 'string' || !values.includes(value)) fail(path, describe, value);
      return value as T[number];
    });
  },

  /** No payload: `undefined` (a preload function called without argument) or `null`. */
  none(): Schema<void> {
    return make('empty', (value, path) => {
      if (value !== undefined && value !== null) fail(path, 'empty (this action takes no argument)', value);
    });
  },

  optional<T>(inner: Schema<T>): Schema<T | undefined> {
    return {
      describe: `${inner.describe} (optional)`,
      optional: true,
      parse: (value, path = 'payload') => (value === undefined ? undefined : inner.parse(value, path)),
    };
  },

  array<T>(item: Schema<T>, options: { max: number; min?: number }): Schema<T[]> {
    const describe = `a list of at most ${options.max} items`;
    return make(describe, (value, path) => {
      if (!Array.isArray(value)) fail(path, describe, value);
      if (value.length > options.max || value.length < (options.min ?? 0)) {
        throw new InputError(PAYLOAD_INVALID, `Invalid request: ${path} must have ${options.min ?? 0} to ${options.max} items (got ${value.length}).`, { details: { path } });
      }
      return value.map((entry, index) => item.parse(entry, `${path}[${index}]`));
    });
  },

  /**
   * A plain object with exactly these keys (optional ones may be absent); unknown keys are refused,
   * so a renderer cannot smuggle fields a handler would pass on (e.g. `status` into vault.update).
   */
  object<Shape extends Record<string, Schema<unknown>>>(shape: Shape): Schema<ObjectOf<Shape>> {
    const keys = Object.keys(shape);
    const describe = `an object with ${keys.length ? `the keys ${keys.join(', ')}` : 'no keys'}`;
    return make(describe, (value, path) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, describe, value);
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) fail(path, describe, value);
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(shape, key)) {
          throw new InputError(PAYLOAD_INVALID, `Invalid request: ${path} has an unexpected key "${key.slice(0, 40)}".`, { details: { path } });
        }
      }
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const schema = shape[key] as Schema<unknown>;
        const field = (value as Record<string, unknown>)[key];
        if (field === undefined && !schema.optional) fail(`${path}.${key}`, schema.describe, field);
        const parsed = schema.parse(field, `${path}.${key}`);
        if (parsed !== undefined) out[key] = parsed;
      }
      return out as ObjectOf<Shape>;
    });
  },
};

type OptionalKeys<Shape> = { [K in keyof Shape]: Shape[K] extends { optional: true } ? K : Shape[K] extends Schema<infer T> ? (undefined extends T ? K : never) : never }[keyof Shape];
type RequiredKeys<Shape> = Exclude<keyof Shape, OptionalKeys<Shape>>;
export type ObjectOf<Shape> = { [K in RequiredKeys<Shape>]: Infer<Shape[K]> } & { [K in OptionalKeys<Shape>]?: Exclude<Infer<Shape[K]>, undefined> } extends infer O ? { [K in keyof O]: O[K] } : never;
