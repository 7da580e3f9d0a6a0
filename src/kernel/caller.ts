// The user frame (file:line) that caused a decision, read from V8 call sites with our own
// prepareStackTrace so a user-installed one cannot spoof it.
import { resolve } from 'node:path';
import { primordials } from '../primordials';

const { StringPrototypeStartsWith } = primordials;
const OwnError = Error;
const captureStackTrace = Error.captureStackTrace;
const packageDist = resolve(__dirname, '..', '..') + '/';

interface CallSite {
  getFileName(): string | null | undefined;
  getLineNumber(): number | null;
}

function collectCallSites(_error: Error, sites: CallSite[]): CallSite[] {
  return sites;
}

export function captureCaller(): string | null {
  const holder: { stack?: CallSite[] } = {};
  const savedPrepare = OwnError.prepareStackTrace;
  const savedLimit = OwnError.stackTraceLimit;
  try {
    OwnError.prepareStackTrace = collectCallSites as never;
    OwnError.stackTraceLimit = 30;
    captureStackTrace(holder, captureCaller);
    const sites = holder.stack;
    if (!primordials.isArray(sites)) return null;
    for (const site of sites) {
      const file = site.getFileName();
      if (!file || StringPrototypeStartsWith(file, 'node:') || StringPrototypeStartsWith(file, packageDist)) continue;
      return `${file}:${site.getLineNumber() ?? 0}`;
    }
    return null;
  } catch {
    return null;
  } finally {
    OwnError.prepareStackTrace = savedPrepare;
    OwnError.stackTraceLimit = savedLimit;
  }
}
