// Customer-side roles, mirroring Defender's: a Security Operator may run response actions and
// record manual ones; a Security Reader may only look. Role membership is configured per customer
// tenant as Entra user or group object ids.

import { NotPermittedError } from './errors.ts';

export const roles = ['securityOperator', 'securityReader'] as const;
export type Role = (typeof roles)[number];

export interface RoleMapping {
  /** Entra user or group object ids holding Security Operator. */
  operators: string[];
  /** Entra user or group object ids holding Security Reader (everyone else is a reader too). */
  readers: string[];
}

/**
 * Operator when the user or any of their groups is listed as operator; otherwise reader. Least
 * privilege is the default: no mapping, or an id in neither list, means reader. Object ids are
 * GUIDs, compared case-insensitively.
 */
export function resolveRole(
  mapping: RoleMapping | undefined,
  userObjectId: string,
  groupIds: readonly string[] = [],
): Role {
  if (!mapping) return 'securityReader';
  const operators = new Set(mapping.operators.map((id) => id.toLowerCase()));
  const ids = [userObjectId, ...groupIds].filter((id) => id.length > 0);
  return ids.some((id) => operators.has(id.toLowerCase())) ? 'securityOperator' : 'securityReader';
}

export function canRunActions(role: Role): boolean {
  return role === 'securityOperator';
}

/** Throws NotPermittedError unless the role may run or record response actions. */
export function assertCanRunActions(role: Role): void {
  if (!canRunActions(role)) {
    throw new NotPermittedError(
      'Only Security Operators can act on response actions. Ask your admin for the role.',
    );
  }
}
