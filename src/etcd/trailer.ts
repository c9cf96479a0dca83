// PURE: the sha256 trailer of an etcd v3 snapshot. `etcdctl snapshot save` writes what the Maintenance.Snapshot stream
// sends, and etcd appends the sha256 of everything before it as the last 32 bytes (`snapshot restore` checks it unless
// --skip-hash-check). Checking it while the file streams verifies the transfer end to end without a hashing pass on the
// member. TrailerHasher keeps constant memory (a rolling 32-byte tail) and also yields the whole file's sha256.
import { createHash, type Hash } from 'node:crypto';

export const TRAILER = 32;

export interface TrailerResult {
  /** sha256 of the whole file (what the metadata and `verify` use) */
  sha256: string;
  bytes: number;
  /** the last 32 bytes are the sha256 of the bytes before them */
  trailerOk: boolean;
}

export class TrailerHasher {
  private readonly body: Hash = createHash('sha256');
  private tail: Buffer = Buffer.alloc(0);
  bytes = 0;

  update(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (chunk.length >= TRAILER) {
      if (this.tail.length) this.body.update(this.tail);
      this.body.update(chunk.subarray(0, chunk.length - TRAILER));
      this.tail = Buffer.from(chunk.subarray(chunk.length - TRAILER)); // a copy: the chunk may be reused
      return;
    }
    const joined = Buffer.concat([this.tail, chunk]);
    const spill = joined.length - TRAILER;
    if (spill > 0) this.body.update(joined.subarray(0, spill));
    this.tail = spill > 0 ? joined.subarray(spill) : joined;
  }

  finish(): TrailerResult {
    const whole = this.body.copy().update(this.tail).digest('hex');
    const trailerOk = this.tail.length === TRAILER && this.body.digest().equals(this.tail);
    return { sha256: whole, bytes: this.bytes, trailerOk };
  }
}

/** The trailer check on a whole buffer (tests, small files). */
export function checkTrailer(buf: Buffer): TrailerResult {
  const h = new TrailerHasher();
  h.update(buf);
  return h.finish();
}

/** etcd's own rule (`snapshot restore`): a snapshot carries the trailer iff its size is 32 more than a multiple of 512. */
export const hasTrailer = (size: number) => size % 512 === TRAILER;
