// Fans events out to async iterators: each one gets what arrives after it starts, buffered up to a
// bound (the oldest are dropped past it, so a slow consumer never holds the receiver back), and ends
// once the stream closes and its backlog is drained.
import { RingBuffer } from "./ring-buffer.js";

interface Subscriber<T> {
  backlog: RingBuffer<T>;
  wake: (() => void) | undefined;
}

export class EventStream<T> {
  readonly #subscribers = new Set<Subscriber<T>>();
  readonly #bound: number;
  #closed = false;

  constructor(bound: number) {
    this.#bound = bound;
  }

  publish(item: T): void {
    for (const subscriber of this.#subscribers) {
      subscriber.backlog.push(item);
      subscriber.wake?.();
    }
  }

  /** Ends every iterator (after its backlog); new iterators end at once until reopen(). */
  close(): void {
    this.#closed = true;
    for (const subscriber of this.#subscribers) subscriber.wake?.();
  }

  reopen(): void {
    this.#closed = false;
  }

  iterate(): AsyncIterableIterator<T> {
    const subscriber: Subscriber<T> = { backlog: new RingBuffer<T>(this.#bound), wake: undefined };
    let done = this.#closed;
    if (!done) this.#subscribers.add(subscriber);
    const finish = (): IteratorResult<T> => {
      done = true;
      this.#subscribers.delete(subscriber);
      subscriber.backlog.clear();
      subscriber.wake?.();
      return { value: undefined, done: true };
    };
    const stream = this;
    return {
      async next(): Promise<IteratorResult<T>> {
        // Each wake-up either brings an item, closes the stream or ends this iterator, so this loop
        // runs at most twice.
        for (;;) {
          if (done) return { value: undefined, done: true };
          if (subscriber.backlog.size > 0) return { value: subscriber.backlog.shift() as T, done: false };
          if (stream.#closed) return finish();
          await new Promise<void>((resolve) => {
            subscriber.wake = resolve;
          });
          subscriber.wake = undefined;
        }
      },
      async return(): Promise<IteratorResult<T>> {
        return finish();
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}
