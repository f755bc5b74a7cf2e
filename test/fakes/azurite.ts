// Azurite (the local Azure Storage) for tests: started in memory on free ports, resolved once its
// three services listen, stopped with the test file. Real Azure Storage semantics (ETags,
// entity-group transactions, blob leases) without an account or the network.
import { startAzurite, type RunningAzurite } from '../../scripts/azurite.ts';

export type { RunningAzurite } from '../../scripts/azurite.ts';

/**
 * Starts Azurite in a mocha `before` and stops it in `after` of the enclosing describe; the
 * returned getter gives the running instance to the tests.
 */
export function useAzurite(): () => RunningAzurite {
  let azurite: RunningAzurite | undefined;
  before(async function () {
    this.timeout(30_000);
    azurite = await startAzurite({ inMemory: true, ports: 'free' });
  });
  after(async function () {
    this.timeout(10_000);
    await azurite?.stop();
    azurite = undefined;
  });
  return () => {
    if (!azurite) throw new Error('Azurite is not running: call useAzurite() inside a describe.');
    return azurite;
  };
}

/** A fresh name for a table or container, so tests sharing one Azurite do not see each other. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}${process.pid}x${counter}${Math.floor(Math.random() * 1e6)}`;
}
let counter = 0;
