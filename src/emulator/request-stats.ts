// Counts of answered requests by route and status, so tests can assert what a client really did
// (e.g. exactly one isolate call, three retries after 429). Control API calls are not counted.

export interface EmulatorStats {
  total: number;
  /** `"POST /mde/api/machines/{id}/isolate"` → `{ "201": 1, "400": 1 }`. */
  routes: Record<string, Record<string, number>>;
}

export class RequestStats {
  private total = 0;
  private routes = new Map<string, Map<number, number>>();

  record(route: string, status: number): void {
    this.total += 1;
    const byStatus = this.routes.get(route) ?? new Map<number, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    this.routes.set(route, byStatus);
  }

  reset(): void {
    this.total = 0;
    this.routes = new Map();
  }

  snapshot(): EmulatorStats {
    const routes: EmulatorStats['routes'] = {};
    for (const [route, byStatus] of this.routes) {
      routes[route] = Object.fromEntries([...byStatus].map(([s, n]) => [String(s), n]));
    }
    return { total: this.total, routes };
  }
}
