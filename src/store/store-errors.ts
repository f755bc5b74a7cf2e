// Errors of the embedded store beyond the port's own (StoreConflictError, StoreCorruptError).
// Grouped here because each is a few lines; every message tells the operator what to do.

export class StoreWriteError extends Error {
  readonly code = 'STORE_WRITE_FAILED';
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Could not save the store file ${file} (${reason}). The change was not applied: free disk space or fix the permissions of its folder, then retry.`,
      { cause },
    );
    this.name = 'StoreWriteError';
  }
}

export class StoreSchemaTooNewError extends Error {
  readonly code = 'STORE_SCHEMA_TOO_NEW';
  constructor(
    readonly file: string,
    readonly fileVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `The store file ${file} has schema version ${fileVersion}, but this release understands schema version ${supportedVersion} at most. It was left untouched: run a newer release, or restore a backup made by this one.`,
    );
    this.name = 'StoreSchemaTooNewError';
  }
}

export class StoreClosedError extends Error {
  readonly code = 'STORE_CLOSED';
  constructor() {
    super('The store is closed.');
    this.name = 'StoreClosedError';
  }
}
