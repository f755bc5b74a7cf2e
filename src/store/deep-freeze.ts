// Freezes a JSON value and everything inside it, once, when it is written: readers then share the
// stored object instead of each taking a deep copy, and a reader that mutates it gets a TypeError.
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}
