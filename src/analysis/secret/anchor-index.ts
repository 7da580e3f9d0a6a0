// Finds every occurrence of a fixed set of ASCII words in one pass over a text (Aho-Corasick automaton
// with a dense transition table). This is the cheap prefilter in front of the detectors' regexes: the
// text is read once, whatever the number of words, and the regexes only run where a word occurs.
// Matching is case-insensitive; words marked exact are then checked against the text's own case.

const ALPHABET = 128;
const SHIFT = 7;

export interface AnchorWord {
  text: string;
  exact: boolean;
}

export class AnchorIndex {
  private readonly delta: Int32Array;
  private readonly accepting: Uint8Array;
  private readonly outputs: number[][];
  private readonly fold = new Uint8Array(ALPHABET);

  constructor(readonly words: readonly AnchorWord[]) {
    for (let code = 0; code < ALPHABET; code++) this.fold[code] = code >= 65 && code <= 90 ? code + 32 : code;
    const trie: Map<number, number>[] = [new Map()];
    const ends: number[][] = [[]];
    words.forEach((word, index) => {
      let state = 0;
      for (let i = 0; i < word.text.length; i++) {
        const code = this.symbol(word.text.charCodeAt(i));
        let next = trie[state]!.get(code);
        if (next === undefined) {
          next = trie.length;
          trie.push(new Map());
          ends.push([]);
          trie[state]!.set(code, next);
        }
        state = next;
      }
      ends[state]!.push(index);
    });
    this.delta = new Int32Array(trie.length << SHIFT);
    this.accepting = new Uint8Array(trie.length);
    this.outputs = ends.map(() => []);
    this.link(trie, ends);
  }

  private symbol(code: number): number {
    return code < ALPHABET ? this.fold[code]! : 0;
  }

  /** Breadth-first: failure links folded into a full transition table, outputs merged along them. */
  private link(trie: Map<number, number>[], ends: number[][]): void {
    const failure = new Int32Array(trie.length);
    const queue: number[] = [];
    for (const [code, next] of trie[0]!) {
      this.delta[code] = next;
      queue.push(next);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      this.outputs[state] = [...ends[state]!, ...this.outputs[failure[state]!]!];
      this.accepting[state] = this.outputs[state]!.length > 0 ? 1 : 0;
      for (let code = 0; code < ALPHABET; code++) {
        const next = trie[state]!.get(code);
        const fallback = this.delta[(failure[state]! << SHIFT) + code]!;
        if (next === undefined) {
          this.delta[(state << SHIFT) + code] = fallback;
        } else {
          failure[next] = fallback;
          this.delta[(state << SHIFT) + code] = next;
          queue.push(next);
        }
      }
    }
  }

  /** Start offsets of every occurrence of each word, indexed like `words`, each in text order. */
  scan(text: string): number[][] {
    const starts: number[][] = this.words.map(() => []);
    const { delta, accepting, fold } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      state = delta[(state << SHIFT) + (code < ALPHABET ? fold[code]! : 0)]!;
      if (accepting[state] !== 0) this.record(text, state, i + 1, starts);
    }
    return starts;
  }

  private record(text: string, state: number, end: number, starts: number[][]): void {
    for (const index of this.outputs[state]!) {
      const word = this.words[index]!;
      const start = end - word.text.length;
      if (!word.exact || text.startsWith(word.text, start)) starts[index]!.push(start);
    }
  }
}
