/**
 * The indexer's durable event queue: an append-only JSON-lines file plus the byte offset up to
 * which events have been indexed. append() returns only after the bytes are on disk (fdatasync),
 * so the catalog answers RGW only for events it can no longer lose. When everything is indexed
 * the file is truncated. A torn last line (crash while writing) is dropped on open.
 */
import { mkdirSync } from 'node:fs';
import { open, readFile, rename, stat, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

export interface QueuedEvent<T> { seq: number; received: number; item: T }

interface Pending<T> { event: QueuedEvent<T>; end: number }

export class DurableQueue<T> {
  private pending: Pending<T>[] = [];
  private chain: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private size = 0;
  private waiters: (() => void)[] = [];
  private group: { items: T[]; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> } | undefined;

  private constructor(private readonly file: string, private readonly offsetFile: string, private handle: FileHandle) {}

  static async open<T>(dir: string, name = 'events'): Promise<DurableQueue<T>> {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.jsonl`);
    const offsetFile = join(dir, `${name}.offset`);
    let text = '';
    try { text = await readFile(file, 'utf8'); } catch { /* first start */ }
    let offset = 0;
    try { offset = Number((await readFile(offsetFile, 'utf8')).trim()) || 0; } catch { /* none yet */ }
    const bytes = Buffer.from(text, 'utf8');
    if (offset > bytes.length) offset = 0;
    // Keep only complete lines; a torn tail is cut off the file.
    const lastNl = bytes.lastIndexOf(0x0a);
    const complete = lastNl + 1;
    if (complete < bytes.length) await truncate(file, complete);
    const q = new DurableQueue<T>(file, offsetFile, await open(file, 'a'));
    q.size = complete;
    let pos = offset;
    while (pos < complete) {
      const nl = bytes.indexOf(0x0a, pos);
      const line = bytes.subarray(pos, nl).toString('utf8');
      pos = nl + 1;
      try {
        const ev = JSON.parse(line) as QueuedEvent<T>;
        q.pending.push({ event: ev, end: pos });
        q.seq = Math.max(q.seq, ev.seq);
      } catch { /* an unreadable line cannot be indexed: skip it */ }
    }
    return q;
  }

  get length(): number { return this.pending.length; }

  /** Oldest pending event's receive time (ms), if any. */
  get oldestReceived(): number | undefined { return this.pending[0]?.event.received; }

  private serial<R>(fn: () => Promise<R>): Promise<R> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /**
   * Appends items durably; resolves after fdatasync. Appends that arrive while a write is on its
   * way are written together with one fdatasync (group commit): RGW pushes many events at once.
   */
  append(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (!this.group) {
        const group = { items: [] as T[], waiters: [] as Array<{ resolve: () => void; reject: (e: unknown) => void }> };
        this.group = group;
        this.serial(async () => {
          this.group = undefined;
          try {
            await this.writeGroup(group.items);
            for (const w of group.waiters) w.resolve();
          } catch (e) {
            // Keep the offsets right for what follows (a torn line is skipped when read back).
            this.size = await this.handle.stat().then((st) => st.size, () => this.size);
            for (const w of group.waiters) w.reject(e);
          }
        }).catch(() => undefined);
      }
      this.group.items.push(...items);
      this.group.waiters.push({ resolve, reject });
    });
  }

  private async writeGroup(items: T[]): Promise<void> {
    const now = Date.now();
    const events = items.map((item) => ({ seq: ++this.seq, received: now, item }));
    let text = '';
    const ends: number[] = [];
    let size = this.size;
    for (const ev of events) {
      const line = `${JSON.stringify(ev)}\n`;
      text += line;
      size += Buffer.byteLength(line);
      ends.push(size);
    }
    await this.handle.write(text);
    await this.handle.datasync();
    this.size = size;
    events.forEach((event, i) => this.pending.push({ event, end: ends[i]! }));
    this.poke();
  }

  /** Wakes a wait() without an event (other work arrived). */
  poke(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const wake of w) wake();
  }

  /** Up to `max` oldest pending events (not removed until ack). */
  peek(max: number): QueuedEvent<T>[] {
    return this.pending.slice(0, max).map((p) => p.event);
  }

  /** Resolves when there is at least one pending event or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.pending.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.waiters = this.waiters.filter((w) => w !== done); resolve(); }, ms);
      const done = (): void => { clearTimeout(t); resolve(); };
      this.waiters.push(done);
    });
  }

  /** Marks the `count` oldest events as indexed (durably); truncates the file when nothing is left. */
  ack(count: number): Promise<void> {
    return this.serial(async () => {
      const done = this.pending.splice(0, count);
      if (done.length === 0) return;
      if (this.pending.length === 0) {
        await this.handle.truncate(0);
        await this.handle.datasync();
        this.size = 0;
        await this.writeOffset(0);
      } else {
        await this.writeOffset(done[done.length - 1]!.end);
      }
    });
  }

  private async writeOffset(offset: number): Promise<void> {
    const tmp = `${this.offsetFile}.tmp`;
    await writeFile(tmp, String(offset));
    await rename(tmp, this.offsetFile);
  }

  async bytesOnDisk(): Promise<number> {
    try { return (await stat(this.file)).size; } catch { return 0; }
  }

  async close(): Promise<void> {
    await this.serial(async () => { await this.handle.close(); });
  }
}
