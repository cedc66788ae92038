/**
 * The resources a scenario created, each with the action that removes it. Cleanup runs in reverse
 * order of creation, keeps going past failures, and reports every failure at the end.
 */
export interface LedgerEntry { description: string; cleanup: () => Promise<void> }

export class ResourceLedger {
  private readonly entries: LedgerEntry[] = [];

  register(description: string, cleanup: () => Promise<void>): void {
    this.entries.push({ description, cleanup });
  }

  get size(): number { return this.entries.length; }

  describe(): string[] { return this.entries.map((e) => e.description); }

  /** Runs every cleanup, newest first. Throws one error naming every cleanup that failed. */
  async cleanup(): Promise<string[]> {
    const done: string[] = [];
    const failures: string[] = [];
    while (this.entries.length) {
      const e = this.entries.pop()!;
      try { await e.cleanup(); done.push(e.description); } catch (err) { failures.push(`${e.description}: ${(err as Error).message}`); }
    }
    if (failures.length) throw new Error(`cleanup failed for ${failures.length} resource(s):\n  ${failures.join('\n  ')}`);
    return done;
  }
}
