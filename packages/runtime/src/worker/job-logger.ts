import type { Bindings } from 'pino';
import type { Logger } from '../logging/logger.js';

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);
const noop = () => {};

/**
 * A child logger made on first use. Most attempts log nothing at the configured level,
 * and a pino child serialises and redacts its bindings when it is made: for a noop job
 * that was ~4% of the worker's CPU (docs/benchmarks.md, issue 12). A call at a level
 * that is off is dropped without making it; anything else makes the child and goes to it.
 */
export function lazyChild(parent: Logger, bindings: Bindings): Logger {
  let child: Logger | undefined;
  const real = () => {
    child ??= parent.child(bindings);
    return child;
  };
  return new Proxy(parent, {
    get(_target, prop) {
      if (child === undefined && typeof prop === 'string' && LEVELS.has(prop) && !parent.isLevelEnabled(prop)) return noop;
      const target = real();
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set(_target, prop, value) {
      return Reflect.set(real(), prop, value);
    },
  });
}
