// Makes sure queued audit entries reach the log however the process ends.
import { isMainThread } from 'node:worker_threads';
import type { AuditWriter } from '../audit/types';

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;

export function flushOnExit(writer: AuditWriter, onError: (error: unknown) => void): void {
  const safely = (action: () => void) => () => {
    try {
      action();
    } catch (error) {
      onError(error);
    }
  };
  const close = safely(() => writer.close());
  const flush = safely(() => writer.flush());
  // 'exit' runs on normal exit, process.exit() and uncaught exceptions.
  process.on('exit', close);
  if (!isMainThread) return;
  for (const signal of SIGNALS) {
    const onSignal = () => {
      // With no other listener the default action (terminate by this signal) is what the program expects;
      // otherwise the program's own handler decides, and the log stays open for what it does next.
      if (process.listenerCount(signal) > 1) return flush();
      close();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
