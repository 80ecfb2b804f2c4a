/** obscenity's SyntaxKind. */
const OPTIONAL = 0;
const WILDCARD = 1;
const LITERAL = 2;
export const ALPHABET = 128;

export interface PatternNode {
  kind: number;
  chars?: number[];
  childNode?: PatternNode;
}

export interface Pattern {
  nodes: PatternNode[];
  requireWordBoundaryAtStart: boolean;
  requireWordBoundaryAtEnd: boolean;
}

const escape = (chars: readonly number[]): string => String.fromCharCode(...chars).replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

function nodeSource(node: PatternNode): string {
  if (node.kind === LITERAL) return escape(node.chars ?? []);
  if (node.kind === WILDCARD) return '.';
  if (node.kind === OPTIONAL && node.childNode !== undefined) return `(?:${nodeSource(node.childNode)})?`;
  throw new Error(`unexpected pattern node kind ${node.kind}`);
}

/** A pattern as obscenity compiles it (`compilePatternToRegExp`): word boundaries, `.` for a wildcard, flags `gs`. */
export function patternRegExp(pattern: Pattern): RegExp {
  const body = pattern.nodes.map(nodeSource).join('');
  return new RegExp(`${pattern.requireWordBoundaryAtStart ? '\\b' : ''}${body}${pattern.requireWordBoundaryAtEnd ? '\\b' : ''}`, 'gs');
}

/** A pattern ends here; ends here only at a word boundary. */
const END = 1;
const END_AT_BOUNDARY = 2;

/** `\b`'s word characters (a regular expression without the `u` flag): ASCII letters, digits, underscore. */
function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** {@link isWordChar} by table, 1 or 0 per byte. */
const WORD = Uint8Array.from({ length: 256 }, (_, c) => (isWordChar(c) ? 1 : 0));

/**
 * obscenity's patterns (literal characters, optional characters, wildcards; word boundaries at either end) in one
 * trie over ASCII (optional characters and wildcards expanded, so that a walk never branches), followed over a byte
 * buffer from each position: `matchesAnywhere(buffer, n)` is true exactly when the
 * pattern's regular expression as obscenity compiles it (`\b…\b`, `.` with the `s` flag) matches somewhere. Patterns
 * that must start at a word boundary hang under their own root, tried only where a word starts.
 */
export class PatternTrie {
  /** Characters that occur in some pattern get a class 1, 2, …; every other character class 0 (only wildcards take it). */
  private readonly classOf = new Uint8Array(ALPHABET);
  private readonly classes: number;
  private next: Int32Array;
  private ends = new Uint8Array(64);
  /** Per node where patterns end: each such pattern's index and whether it needs a word boundary after it. */
  private readonly endingHere = new Map<number, [number, boolean][]>();
  private nodes = 0;
  private readonly atBoundary: number;
  private readonly anywhere: number;
  /**
   * The patterns under the `anywhere` root as an Aho–Corasick automaton (complete transitions by state × class, states
   * being trie nodes): after each character the state is the longest pattern prefix that ends there. Each transition
   * is packed as (target state × classes) × 4 + the union of the end bits of every pattern ending at the target, so
   * that a step is one read whose result is the next row's start: the walk is a chain of dependent reads, and this
   * keeps each link short.
   */
  private readonly transitions: Int32Array;

  constructor(patterns: readonly Pattern[]) {
    let classes = 1;
    const visit = (node: PatternNode): void => {
      for (const c of node.chars ?? []) if (this.classOf[c] === 0) this.classOf[c] = classes++;
      if (node.childNode) visit(node.childNode);
    };
    for (const pattern of patterns) pattern.nodes.forEach(visit);
    this.classes = classes;
    this.next = new Int32Array(classes * 64).fill(-1);
    this.atBoundary = this.node();
    this.anywhere = this.node();
    patterns.forEach((pattern, index) => {
      const root = pattern.requireWordBoundaryAtStart ? this.atBoundary : this.anywhere;
      this.insert(root, pattern.nodes, 0, pattern.requireWordBoundaryAtEnd ? END_AT_BOUNDARY : END, index);
    });
    const [automaton, automatonEnds] = this.buildAutomaton(this.anywhere);
    if (this.nodes * classes * 4 > 0x7fffffff) throw new Error('pattern automaton too large to pack');
    this.transitions = Int32Array.from(automaton, (target) => ((target * classes) << 2) | (automatonEnds[target] as number));
  }

  /** Failure links by breadth-first search from `root`, folded into complete transitions and end bits. */
  private buildAutomaton(root: number): [Int32Array, Uint8Array] {
    const { classes, next, ends } = this;
    const delta = new Int32Array(this.nodes * classes).fill(-1);
    const endBits = new Uint8Array(this.nodes);
    const fail = new Int32Array(this.nodes);
    const queue: number[] = [];
    // The root's own end bits stay 0: a walk always takes at least one character (no pattern is empty).
    for (let x = 0; x < classes; x++) {
      const child = next[root * classes + x] as number;
      if (child < 0) {
        delta[root * classes + x] = root;
      } else {
        delta[root * classes + x] = child;
        fail[child] = root;
        queue.push(child);
      }
    }
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head] as number;
      endBits[node] = (ends[node] as number) | (endBits[fail[node] as number] as number);
      for (let x = 0; x < classes; x++) {
        const child = next[node * classes + x] as number;
        const fallback = delta[(fail[node] as number) * classes + x] as number;
        if (child < 0) {
          delta[node * classes + x] = fallback;
        } else {
          delta[node * classes + x] = child;
          fail[child] = fallback;
          queue.push(child);
        }
      }
    }
    return [delta, endBits];
  }

  /** Whether some pattern holds the character `c` as a literal (or optional) character. */
  holds(c: number): boolean {
    return c < ALPHABET && this.classOf[c] !== 0;
  }

  /** Whether the ASCII patterns cover every pattern (false when some pattern holds a character outside ASCII). */
  static supports(patterns: readonly Pattern[]): boolean {
    const ascii = (node: PatternNode): boolean =>
      (node.chars ?? []).every((c) => c < ALPHABET) && (node.childNode === undefined || ascii(node.childNode));
    return patterns.every((pattern) => pattern.nodes.every(ascii));
  }

  /**
   * Whether some pattern matches somewhere. The patterns that may start anywhere are followed all at once, one
   * transition of the automaton per character; those that start at a word boundary are walked from each word boundary.
   */
  matchesAnywhere(buffer: Uint8Array, length: number): boolean {
    const { next, ends, classOf, classes, transitions } = this;
    const atBoundary = this.atBoundary * classes;
    let previousWord = 0;
    let row = this.anywhere * classes;
    for (let p = 0; p < length; p++) {
      const c = buffer[p] as number;
      const word = WORD[c] as number;
      const cls = classOf[c] as number;
      const transition = transitions[row + cls] as number;
      row = transition >> 2;
      const end = transition & (END | END_AT_BOUNDARY);
      if (end !== 0 && ((end & END) !== 0 || word !== (p + 1 < length ? WORD[buffer[p + 1] as number] : 0))) return true;
      if (word !== previousWord) {
        // The walk's second step is checked here too: most words start no such pattern's first two characters.
        const b = next[atBoundary + cls] as number;
        if (
          b >= 0 &&
          (ends[b] !== 0 || (p + 1 < length && (next[b * classes + (classOf[buffer[p + 1] as number] as number)] as number) >= 0)) &&
          this.endsFrom(b, buffer, p + 1, length, p)
        ) {
          return true;
        }
      }
      previousWord = word;
    }
    return false;
  }

  /**
   * Whether the walk that reached `node` with the character at `last` goes on from `q` to the end of a pattern (with
   * its word boundary, where needed).
   */
  private endsFrom(node: number, buffer: Uint8Array, q: number, length: number, last: number): boolean {
    const { next, ends, classOf, classes } = this;
    for (;;) {
      const end = ends[node] as number;
      if (end !== 0 && ((end & END) !== 0 || WORD[buffer[last] as number] !== (last + 1 < length ? WORD[buffer[last + 1] as number] : 0))) {
        return true;
      }
      if (q >= length) return false;
      node = next[node * classes + (classOf[buffer[q] as number] as number)] as number;
      if (node < 0) return false;
      last = q++;
    }
  }

  /** The indices of the patterns that match somewhere (each pattern's expression would find a match). */
  matchingPatterns(buffer: Uint8Array, length: number): Set<number> {
    const found = new Set<number>();
    this.walkAll(buffer, length, found);
    return found;
  }

  /** From every position (from word boundaries for the bounded root); stops at the first match unless collecting. */
  private walkAll(buffer: Uint8Array, length: number, found: Set<number> | undefined): boolean {
    // The first step from each root is checked here: at most positions no pattern starts, and no call is made.
    const { next, classOf, classes } = this;
    const anywhere = this.anywhere * classes;
    const atBoundary = this.atBoundary * classes;
    let previousWord = false;
    for (let p = 0; p < length; p++) {
      const c = buffer[p] as number;
      const word = isWordChar(c);
      const cls = classOf[c] as number;
      if ((next[anywhere + cls] as number) >= 0 && this.matchesAt(this.anywhere, buffer, p, length, found)) return true;
      if (word !== previousWord && (next[atBoundary + cls] as number) >= 0 && this.matchesAt(this.atBoundary, buffer, p, length, found)) {
        return true;
      }
      previousWord = word;
    }
    return false;
  }

  /** Follows the (deterministic: wildcards were expanded) trie from `root` along the buffer from `p`. */
  private matchesAt(root: number, buffer: Uint8Array, p: number, length: number, found: Set<number> | undefined): boolean {
    const next = this.next;
    const ends = this.ends;
    const classOf = this.classOf;
    const classes = this.classes;
    let node = root;
    for (let q = p; q < length; q++) {
      node = next[node * classes + (classOf[buffer[q] as number] as number)] as number;
      if (node < 0) return false;
      const end = ends[node] as number;
      if (end === 0) continue;
      // \b between q (the match's last character) and q + 1.
      const boundary = isWordChar(buffer[q] as number) !== (q + 1 < length && isWordChar(buffer[q + 1] as number));
      if (found === undefined) {
        if ((end & END) !== 0 || boundary) return true;
        continue;
      }
      for (const [pattern, needsBoundary] of this.endingHere.get(node) ?? []) if (!needsBoundary || boundary) found.add(pattern);
    }
    return false;
  }

  private insert(node: number, nodes: readonly PatternNode[], index: number, end: number, pattern: number): void {
    if (index === nodes.length) {
      this.ends[node] = (this.ends[node] as number) | end;
      const list = this.endingHere.get(node) ?? [];
      if (!list.some(([p, b]) => p === pattern && b === (end === END_AT_BOUNDARY))) list.push([pattern, end === END_AT_BOUNDARY]);
      this.endingHere.set(node, list);
      return;
    }
    const item = nodes[index] as PatternNode;
    if (item.kind === LITERAL) {
      let at = node;
      for (const c of item.chars ?? []) at = this.child(at, this.classOf[c] as number);
      this.insert(at, nodes, index + 1, end, pattern);
    } else if (item.kind === WILDCARD) {
      // Any character: the rest of the pattern under every child, so that the trie stays deterministic.
      for (let c = 0; c < this.classes; c++) this.insert(this.child(node, c), nodes, index + 1, end, pattern);
    } else if (item.kind === OPTIONAL && item.childNode !== undefined) {
      this.insert(node, nodes, index + 1, end, pattern);
      this.insert(node, [item.childNode, ...nodes.slice(index + 1)], 0, end, pattern);
    } else {
      throw new Error(`unexpected pattern node kind ${item.kind}`);
    }
  }

  private child(node: number, charClass: number): number {
    const at = node * this.classes + charClass;
    if ((this.next[at] as number) < 0) {
      const created = this.node(); // may replace the arrays
      this.next[at] = created;
    }
    return this.next[at] as number;
  }

  private node(): number {
    if (this.nodes === this.ends.length) {
      const size = this.ends.length * 2;
      const next = new Int32Array(size * this.classes).fill(-1);
      next.set(this.next);
      const ends = new Uint8Array(size);
      ends.set(this.ends);
      this.next = next;
      this.ends = ends;
    }
    return this.nodes++;
  }
}
