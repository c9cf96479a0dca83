import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkTrailer, TrailerHasher } from './trailer.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest();
/** like `etcdctl snapshot save`: body + sha256(body) */
const snapshot = (n: number) => {
  const body = randomBytes(n);
  return Buffer.concat([body, sha(body)]);
};
const flip = (b: Buffer, i: number) => {
  const c = Buffer.from(b);
  c[i] = c[i]! ^ 0xff;
  return c;
};

describe('snapshot sha256 trailer', () => {
  const snap = snapshot(100_000);
  it('accepts an intact snapshot and gives the whole-file sha256', () => {
    expect(checkTrailer(snap)).toEqual({ sha256: sha(snap).toString('hex'), bytes: snap.length, trailerOk: true });
  });
  it('rejects a flipped byte in the body, a flipped byte in the trailer, a truncation and an extension', () => {
    expect(checkTrailer(flip(snap, 50_000)).trailerOk).toBe(false);
    expect(checkTrailer(flip(snap, 0)).trailerOk).toBe(false);
    expect(checkTrailer(flip(snap, snap.length - 1)).trailerOk).toBe(false);
    expect(checkTrailer(flip(snap, snap.length - 32)).trailerOk).toBe(false);
    expect(checkTrailer(snap.subarray(0, snap.length - 4096)).trailerOk).toBe(false);
    expect(checkTrailer(snap.subarray(0, snap.length - 1)).trailerOk).toBe(false);
    expect(checkTrailer(Buffer.concat([snap, Buffer.alloc(1)])).trailerOk).toBe(false);
  });
  it('files shorter than a trailer never pass', () => {
    expect(checkTrailer(Buffer.alloc(0)).trailerOk).toBe(false);
    expect(checkTrailer(Buffer.alloc(31)).trailerOk).toBe(false);
    expect(checkTrailer(sha(Buffer.alloc(0))).trailerOk).toBe(true); // empty body + its digest: formally valid
  });
  it('gives the same answer for any chunking (tiny chunks straddling the trailer, big ones)', () => {
    for (const sizes of [[1], [7], [31], [32], [33], [4096], [65_536, 3], [99_990, 5, 5, 1, 31]]) {
      const h = new TrailerHasher();
      let i = 0;
      let k = 0;
      while (i < snap.length) {
        const n = sizes[k++ % sizes.length]!;
        h.update(snap.subarray(i, i + n));
        i += n;
      }
      expect(h.finish(), String(sizes)).toEqual({ sha256: sha(snap).toString('hex'), bytes: snap.length, trailerOk: true });
    }
  });
});
