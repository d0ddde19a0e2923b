// A rate gate shared beyond one client: every attempt waits for it before going out, and what the
// server says about waiting (a 429's Retry-After, spent headroom) is passed to it, so that all the
// clients behind one gate hold together. The cluster's Redis budget (cluster/rate-budget.ts) is one.

export interface RateGate {
  /** Resolves when one more request may go out; rejects with the signal's reason if it is aborted first. */
  acquire(signal: AbortSignal): Promise<void>;
  /** The server asked for a pause of `ms` (Retry-After, or headroom spent until its reset): everyone behind the gate waits. */
  pause(ms: number): void;
}
