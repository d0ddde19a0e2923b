// The demo's fault schedule: which request numbers of each resource fail, and how. Deterministic, so
// a test or a demo run always meets the same 429s and 503s at the same points of a pull.

export interface FaultSchedule {
  /** 1-based request numbers (counted per resource) answered 429 with Retry-After. Default [5]. */
  rateLimitAt?: number[];
  /** Request numbers answered 503 (GET resources only). Default [17]. */
  unavailableAt?: number[];
  /** The Retry-After of the 429s, in seconds. Default 1. */
  retryAfterSeconds?: number;
}

export type Fault = { status: 429; retryAfterSeconds: number } | { status: 503 };

export const DEFAULT_FAULTS: Required<FaultSchedule> = {
  rateLimitAt: [5],
  unavailableAt: [17],
  retryAfterSeconds: 1,
};

export function resolveFaults(faults: boolean | FaultSchedule | undefined): Required<FaultSchedule> | null {
  if (faults === false) return null;
  if (faults === undefined || faults === true) return DEFAULT_FAULTS;
  return { ...DEFAULT_FAULTS, ...faults };
}

/**
 * The fault for the n-th request of a resource, if any. A POST (GraphQL) is never sent a 503: a client
 * must not repeat a non-idempotent request on a 503, so the pull would fail by design, not by accident.
 */
export function faultFor(
  schedule: Required<FaultSchedule> | null,
  requestNumber: number,
  method: string,
): Fault | undefined {
  if (!schedule) return undefined;
  if (schedule.rateLimitAt.includes(requestNumber))
    return { status: 429, retryAfterSeconds: schedule.retryAfterSeconds };
  if (method === "GET" && schedule.unavailableAt.includes(requestNumber)) return { status: 503 };
  return undefined;
}
