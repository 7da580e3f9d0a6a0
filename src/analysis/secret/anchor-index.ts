// Finds every occurrence of a fixed set of ASCII words in one pass over a text (Aho-Corasick automaton
// with a dense transition table). This is the cheap prefilter in front of the detectors' regexes: the
// text is read once, whatever the number of words, and the regexes only run where a word occurs.
// Matching is case-insensitive; words marked exact are then checked against the text's own case.
// Characters are first mapped to classes (one per character used in the words, one for all others) so the
// transition table stays small enough for the CPU cache.

const ASCII = 128;

export interface AnchorWord {
  text: string;
  exact: boolean;
}

export class AnchorIndex {
  private readonly delta: Uint16Array;
  private readonly accepting: Uint8Array;
  private readonly outputs: number[][];
  /** Character class of each ASCII code; 0 for characters no word uses. Upper case maps like lower case. */
  private readonly classOf = new Uint8Array(ASCII);
  private readonly shift: number;

  constructor(readonly words: readonly AnchorWord[]) {
    let classes = 1;
    for (const word of words) {
      for (const char of word.text.toLowerCase()) {
        const code = char.charCodeAt(0);
        if (code >= ASCII) throw new Error(`anchor words must be ASCII: ${word.text}`);
        if (this.classOf[code] === 0) this.classOf[code] = classes++;
      }
    }
    for (let code = 65; code <= 90; code++) this.classOf[code] = this.classOf[code + 32]!;
    this.shift = Math.ceil(Math.log2(classes));
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
    if (trie.length > 0xffff) throw new Error('too many anchor words for a 16-bit transition table');
    this.delta = new Uint16Array(trie.length << this.shift);
    this.accepting = new Uint8Array(trie.length);
    this.outputs = ends.map(() => []);
    this.link(trie, ends);
  }

  private symbol(code: number): number {
    return code < ASCII ? this.classOf[code]! : 0;
  }

  /** Breadth-first: failure links folded into a full transition table, outputs merged along them. */
  private link(trie: Map<number, number>[], ends: number[][]): void {
    const failure = new Int32Array(trie.length);
    const queue: number[] = [];
    const width = 1 << this.shift;
    for (const next of trie[0]!.values()) queue.push(next);
    for (const [symbol, next] of trie[0]!) this.delta[symbol] = next;
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      this.outputs[state] = [...ends[state]!, ...this.outputs[failure[state]!]!];
      this.accepting[state] = this.outputs[state]!.length > 0 ? 1 : 0;
      for (let symbol = 0; symbol < width; symbol++) {
        const next = trie[state]!.get(symbol);
        const fallback = this.delta[(failure[state]! << this.shift) + symbol]!;
        if (next === undefined) {
          this.delta[(state << this.shift) + symbol] = fallback;
        } else {
          failure[next] = fallback;
          this.delta[(state << this.shift) + symbol] = next;
          queue.push(next);
        }
      }
    }
  }

  /** Start offsets of every occurrence of each word, indexed like `words`, each in text order. */
  scan(text: string): number[][] {
    const starts: number[][] = this.words.map(() => []);
    const { delta, accepting, classOf, shift } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      state = delta[(state << shift) + (code < ASCII ? classOf[code]! : 0)]!;
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
