// Converts Babel's locations (1-based line, 0-based column) to report positions (both 1-based).
import type { Node } from '@babel/types';
import type { Position } from '../types';

export function rangeOf(node: Node): { start: Position; end: Position } {
  const loc = node.loc;
  if (!loc) return { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };
  return {
    start: { line: loc.start.line, column: loc.start.column + 1 },
    end: { line: loc.end.line, column: loc.end.column + 1 },
  };
}
