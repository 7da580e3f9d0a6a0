import type { Position } from '../types';

/** Converts offsets of one text to 1-based line/column positions and back. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  position(offset: number): Position {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low]! + 1 };
  }

  offset(position: Position): number {
    return (this.lineStarts[position.line - 1] ?? 0) + position.column - 1;
  }
}

/** Line index of the last text asked for: every rule scanning one file shares it. */
let cachedText: string | undefined;
let cachedIndex: LineIndex | undefined;

export function lineIndexOf(text: string): LineIndex {
  if (text !== cachedText || !cachedIndex) {
    cachedIndex = new LineIndex(text);
    cachedText = text;
  }
  return cachedIndex;
}
