/**
 * A bounded FIFO: OCPP-J allows one outstanding CALL per direction, so the calls
 * waiting behind it are kept here, in order, up to `limit`.
 */
export class CallQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  constructor(readonly limit: number) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /** False when the queue is full. */
  push(item: T): boolean {
    if (this.length >= this.limit) return false;
    this.items.push(item);
    return true;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    // Compact now and then so the array does not grow without bound.
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Empties the queue and returns what it held, in order. */
  drain(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }
}
