// How apikit's objects look when printed (util.inspect, console.log, JSON.stringify, String(), a Deno
// Jupyter cell): a short summary of fields that are safe to show, since notebooks print whatever they hold.
import { type InspectOptions, inspect } from "node:util";

/** util.inspect's hook (`inspect.custom`), for classes that print themselves. */
export const INSPECT: typeof inspect.custom = inspect.custom;

/** Deno's Jupyter kernel calls this method on a cell's value and shows the bundle it returns. */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for("Jupyter.display");

/** The `inspect` that util.inspect passes to a custom inspector (it keeps the caller's options). */
export type NestedInspect = (value: unknown, options?: InspectOptions) => string;

/**
 * A base for classes that keep a secret in a private field: they print as their class name and
 * `printable()`, which lists only what is safe to show, whatever options util.inspect is given.
 */
export abstract class Printable {
  /** The fields safe to show: never a secret. */
  protected abstract printable(): Record<string, unknown>;

  toJSON(): Record<string, unknown> {
    return this.printable();
  }

  toString(): string {
    return `${this.constructor.name} ${inspect(this.printable(), { breakLength: Number.POSITIVE_INFINITY })}`;
  }

  [inspect.custom](_depth: number, options: InspectOptions, nested: NestedInspect): string {
    return `${this.constructor.name} ${nested(this.printable(), options)}`;
  }
}

/**
 * Makes a plain object that the caller gets (a config) print as `view()` instead, without changing
 * its type or its keys: both methods are non-enumerable, so spreading, structuredClone and zod
 * parsing see the object as it was, secrets included (it is what the caller connects with).
 */
export function printAs<T extends object>(value: T, view: () => unknown): T {
  Object.defineProperties(value, {
    [inspect.custom]: {
      value: (_depth: number, options: InspectOptions, nested: NestedInspect) => nested(view(), options),
      configurable: true,
    },
    toJSON: { value: view, configurable: true },
  });
  return value;
}
