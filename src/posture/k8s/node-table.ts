// Where each YAML node starts and how nodes nest, for one input, in typed arrays: a manifest
// stream has hundreds of thousands of nodes, and one object per node made garbage collection
// the largest cost of an audit. Children are linked lists: first child, next sibling.
export const OTHER = 0;
export const MAPPING = 1;
export const SEQUENCE = 2;

export class NodeTable {
  count = 0;
  start = new Int32Array(1024);
  kind = new Uint8Array(1024);
  first = new Int32Array(1024);
  last = new Int32Array(1024);
  next = new Int32Array(1024);
  children = new Int32Array(1024);
  /** The value read for each node: keys are matched by it, wrappers found by identity. */
  results: unknown[] = [];

  /** Adds a node starting at `offset`; returns its id. */
  add(offset: number): number {
    if (this.count === this.start.length) {
      this.grow();
    }

    const id = this.count;
    this.count += 1;
    this.start[id] = offset;
    this.kind[id] = OTHER;
    this.first[id] = -1;
    this.last[id] = -1;
    this.next[id] = -1;
    this.children[id] = 0;
    return id;
  }

  /** Appends `child` to the children of `parent`. */
  link(parent: number, child: number): void {
    const last = this.last[parent] as number;
    if (last === -1) {
      this.first[parent] = child;
    } else {
      this.next[last] = child;
    }

    this.last[parent] = child;
    this.children[parent] = (this.children[parent] as number) + 1;
  }

  /** Makes `id` stand for its only child's content (same value, read through a wrapper). */
  adopt(id: number, child: number): void {
    this.start[id] = this.start[child] as number;
    this.first[id] = this.first[child] as number;
    this.last[id] = this.last[child] as number;
    this.children[id] = this.children[child] as number;
  }

  private grow(): void {
    const size = this.start.length * 2;
    const widen = <T extends Int32Array | Uint8Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.start = widen(this.start, new Int32Array(size));
    this.kind = widen(this.kind, new Uint8Array(size));
    this.first = widen(this.first, new Int32Array(size));
    this.last = widen(this.last, new Int32Array(size));
    this.next = widen(this.next, new Int32Array(size));
    this.children = widen(this.children, new Int32Array(size));
  }
}
