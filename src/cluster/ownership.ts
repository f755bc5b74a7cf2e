// The Ownership port: which customer tenants this instance owns, so that each tenant's
// background work (watcher, delivery) runs on one instance at a time.
//
// Implementations: LocalOwnership (one process owns every tenant) and LeaseOwnership (Azure
// Blob leases shared by many instances). A listener starts a tenant's work on `gained` and stops
// it on `lost`; `owns` is the check to make before each step that must not run twice.

export type OwnershipLossReason =
  /** This instance gave the tenant up for another to take (fair share, or stop()). */
  | 'released'
  /** The lease is gone: another instance holds it, or its blob was removed. */
  | 'lease-lost'
  /** No renewal succeeded for the safety margin: stop before the lease can lapse. */
  | 'renewal-overdue';

export interface OwnershipListener {
  gained?(tenantId: string): void | Promise<void>;
  /**
   * Stop the tenant's work. When the loss is 'released' the lease is held (and renewed) until
   * this resolves, so nobody else starts the tenant before its work here has stopped.
   */
  lost?(tenantId: string, reason: OwnershipLossReason): void | Promise<void>;
}

export interface Ownership {
  readonly instanceId: string;
  start(): Promise<void>;
  /** Whether this instance owns the tenant now (false once a renewal is overdue). */
  owns(tenantId: string): boolean;
  /** The tenants owned now, for /readyz and metrics. */
  owned(): string[];
  /** Events per tenant come in order (gained, lost, gained, …). Returns the unsubscribe. */
  subscribe(listener: OwnershipListener): () => void;
  /** Stops every tenant's work (lost 'released'), then releases the leases. */
  stop(): Promise<void>;
}
