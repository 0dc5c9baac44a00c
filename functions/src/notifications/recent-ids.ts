/** A bounded set of recently seen keys: the oldest is forgotten once `capacity` is reached (LRU by insertion/touch). */
export class RecentIds {
  private readonly keys = new Map<string, true>();

  constructor(private readonly capacity: number) {}

  has(key: string): boolean {
    if (!this.keys.has(key)) return false;
    this.keys.delete(key);
    this.keys.set(key, true);
    return true;
  }

  add(key: string): void {
    this.keys.delete(key);
    this.keys.set(key, true);
    while (this.keys.size > this.capacity) this.keys.delete(this.keys.keys().next().value as string);
  }

  delete(key: string): void {
    this.keys.delete(key);
  }
}
