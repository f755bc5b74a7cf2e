// Domain errors carry a stable `code` (the contract with services, cards and the HTTP layer) and a
// message that is safe to show to a customer or an expert: it names the action or incident in
// MDR words and never includes tokens, stack traces or Defender internals.

export const domainErrorCodes = [
  'ILLEGAL_TRANSITION',
  'NOT_PERMITTED',
  'ACTION_FINISHED',
  'CONFLICTING_ACTION',
  'NOT_FOUND',
  'FOREIGN_TENANT',
  'INVALID_INPUT',
] as const;
export type DomainErrorCode = (typeof domainErrorCodes)[number];

export class DomainError extends Error {
  readonly code: DomainErrorCode;

  constructor(code: DomainErrorCode, message: string) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
  }
}

export function isDomainError(error: unknown, code?: DomainErrorCode): error is DomainError {
  return error instanceof DomainError && (code === undefined || error.code === code);
}

/** An event that the action's current status does not accept. */
export class IllegalTransitionError extends DomainError {
  readonly actionId: string;
  readonly from: string;
  /** Status the event would have led to, when it names one. */
  readonly to: string | undefined;
  readonly event: string;

  constructor(args: {
    actionId: string;
    from: string;
    to?: string;
    event: string;
    message: string;
  }) {
    super('ILLEGAL_TRANSITION', args.message);
    this.name = 'IllegalTransitionError';
    this.actionId = args.actionId;
    this.from = args.from;
    this.to = args.to;
    this.event = args.event;
  }
}

/** The user's role does not allow the operation (e.g. a Security Reader running an action). */
export class NotPermittedError extends DomainError {
  constructor(message = 'You need the Security Operator role to do this.') {
    super('NOT_PERMITTED', message);
    this.name = 'NotPermittedError';
  }
}

/** The action is completed or skipped: it accepts nothing any more. */
export class ActionFinishedError extends DomainError {
  readonly actionId: string;
  readonly status: string;

  constructor(actionId: string, status: string, title: string) {
    super('ACTION_FINISHED', `"${title}" is already ${status}; nothing more can be done with it.`);
    this.name = 'ActionFinishedError';
    this.actionId = actionId;
    this.status = status;
  }
}

/** Another action on the same device is in progress and would fight with this one. */
export class ConflictingActionError extends DomainError {
  readonly actionId: string;
  readonly conflictingActionId: string;

  constructor(actionId: string, conflictingActionId: string, message: string) {
    super('CONFLICTING_ACTION', message);
    this.name = 'ConflictingActionError';
    this.actionId = actionId;
    this.conflictingActionId = conflictingActionId;
  }
}

export class NotFoundError extends DomainError {
  readonly entity: string;
  readonly id: string;

  constructor(entity: string, id: string) {
    super('NOT_FOUND', `The ${entity} "${id}" was not found.`);
    this.name = 'NotFoundError';
    this.entity = entity;
    this.id = id;
  }
}

/** Data of one customer tenant reached through another tenant's identity or conversation. */
export class ForeignTenantError extends DomainError {
  readonly expectedTenantId: string;
  readonly actualTenantId: string;

  constructor(expectedTenantId: string, actualTenantId: string) {
    // The message names neither tenant: a user must not learn other customers' tenant ids.
    super('FOREIGN_TENANT', 'This item belongs to another organisation.');
    this.name = 'ForeignTenantError';
    this.expectedTenantId = expectedTenantId;
    this.actualTenantId = actualTenantId;
  }
}

export class InvalidInputError extends DomainError {
  constructor(message: string) {
    super('INVALID_INPUT', message);
    this.name = 'InvalidInputError';
  }
}

/** Throws ForeignTenantError unless both ids name the same tenant (GUIDs, any case). */
export function assertSameTenant(expectedTenantId: string, actualTenantId: string): void {
  if (expectedTenantId.toLowerCase() !== actualTenantId.toLowerCase()) {
    throw new ForeignTenantError(expectedTenantId, actualTenantId);
  }
}
