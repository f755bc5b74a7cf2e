// Azurite (the local Azure Storage) for tests: started in memory on free ports, resolved once its
// three services listen. Real Azure Storage semantics (ETags, entity-group transactions, blob
// leases) without an account or the network. One Azurite serves every file of a mocha process
// (a start costs about 2 s of CPU): tests name their own tables and containers (uniqueName), so
// they do not see each other; it is killed when the process exits (scripts/azurite.ts).
import { startAzurite, type RunningAzurite } from '../../scripts/azurite.ts';

export type { RunningAzurite } from '../../scripts/azurite.ts';

let shared: Promise<RunningAzurite> | undefined;

/**
 * Makes the process's Azurite available from a mocha `before` of the enclosing describe (starting
 * it if no file has yet); the returned getter gives the running instance to the tests.
 */
export function useAzurite(): () => RunningAzurite {
  let azurite: RunningAzurite | undefined;
  before(async function () {
    this.timeout(30_000);
    shared ??= startAzurite({ inMemory: true, ports: 'free' });
    try {
      azurite = await shared;
    } catch (error) {
      shared = undefined; // the next file tries again
      throw error;
    }
  });
  after(() => {
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
