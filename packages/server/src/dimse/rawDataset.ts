import { Writable } from 'node:stream';
import { Dataset, type DimseDataset } from './lib.js';

/**
 * A dcmjs-dimse Dataset that carries already-encoded dataset bytes. dcmjs would otherwise parse
 * and re-encode every instance (changing bytes: sequence lengths, padding, private VRs); with
 * this, what the SCU sent is what Lingshu stores, and what Lingshu stored is what a peer receives.
 * The bytes must be in `transferSyntaxUID`, the syntax of the accepted presentation context.
 */
export class RawDataset extends Dataset {
  constructor(
    readonly raw: Uint8Array,
    transferSyntaxUID: string,
    elements: Record<string, string> = {},
    /** The SCU sent more than `maxInstanceBytes`: `raw` is empty and the store is refused. */
    readonly oversized = false,
  ) {
    super(elements, transferSyntaxUID);
  }

  override getDenaturalizedDataset(): Buffer {
    return Buffer.from(this.raw.buffer, this.raw.byteOffset, this.raw.byteLength);
  }
}

export function isRawDataset(ds: DimseDataset | undefined): ds is RawDataset {
  return ds instanceof RawDataset;
}

/**
 * Collects the P-DATA fragments of one C-STORE dataset. Beyond `limit` bytes it keeps counting but
 * stops buffering, so an oversized instance is answered with "out of resources" without holding it.
 */
export class DatasetCollector extends Writable {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {
    // A large mark: fragments are consumed synchronously, so back-pressure never needs to kick in.
    super({ highWaterMark: 64 * 1024 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.size += chunk.length;
    if (this.size <= this.limit) this.chunks.push(chunk);
    else this.chunks = [];
    callback();
  }

  get oversized(): boolean {
    return this.size > this.limit;
  }

  bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.chunks));
  }
}
