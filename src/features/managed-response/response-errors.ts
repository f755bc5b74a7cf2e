// Failures of the managed-response use cases that are not domain rule violations: a stale
// version (the experts' tooling read an older response), an action id used twice, an action
// that has started and so cannot be withdrawn or retargeted. The Experts API answers 409.
export type ResponseConflictCode = 'VERSION_CONFLICT' | 'ACTION_EXISTS' | 'ACTION_STARTED';

export class ResponseConflictError extends Error {
  readonly code: ResponseConflictCode;

  constructor(code: ResponseConflictCode, message: string) {
    super(message);
    this.name = 'ResponseConflictError';
    this.code = code;
  }
}
