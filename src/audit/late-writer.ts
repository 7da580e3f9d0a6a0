// Decisions made after the log has closed at exit. 'exit' listeners run in the order they were added and
// governance's, added at start-up, runs first: what the program's own listeners then do (write a results
// file, load a module) is still decided, and each such entry is committed at once, with a signed checkpoint,
// by a second writer, opened as the first closes. A natural exit runs no code after the listeners that could
// sign later, hence a checkpoint per entry; these entries are few.
import { openAuditWriter } from './writer';
import type { AuditWriter, AuditWriterOptions, PendingEntry } from './types';

export function withLateEntries(writer: AuditWriter, options: AuditWriterOptions): AuditWriter {
  let closed = false;
  let late: AuditWriter | null = null;
  const openLate = (): AuditWriter => openAuditWriter({ ...options, durability: 'strict', checkpointEvery: 1 });
  const target = (): AuditWriter => {
    if (!closed) return writer;
    if (late === null) late = openLate();
    return late;
  };
  return {
    append(entry: PendingEntry): void {
      target().append(entry);
    },
    appendDurable(entry: PendingEntry): void {
      target().appendDurable(entry);
    },
    flush(): void {
      if (!closed) writer.flush();
    },
    close(): void {
      if (!closed) {
        // Opened now, outside any decision, while the first writer still records: opening lets the driver look the
        // directory up through the governed fs, a call the kernel refuses while it decides (kernel/gate.ts,
        // nestedCall). About 1.3 ms per exit.
        let next: AuditWriter | null = null;
        let failure: unknown = null;
        try {
          next = openLate();
        } catch (error) {
          failure = error; // reported once the first writer is closed; a late entry then tries again
        }
        closed = true;
        writer.close();
        late = next;
        if (failure !== null) throw failure;
      } else if (late !== null) {
        late.close();
        late = null;
      }
    },
  };
}
