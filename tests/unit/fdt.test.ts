import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FDT_HEADER_SIZE, FDT_MAGIC, FDT_PROP, FdtWriter } from '../../src/hypervisor/machine/fdt.ts';
import {
  FdtParseError,
  findByPhandle,
  findNode,
  nodePaths,
  parseFdt,
  propString,
  propStrings,
  propU32,
  propU32Array,
  propU64,
} from '../../src/hypervisor/machine/fdt-parse.ts';

const hasDtc = spawnSync('dtc', ['--version']).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'virtlab-fdt-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A small tree using every kind of property, with a forward phandle reference. */
function sampleBlob(): Uint8Array {
  const w = new FdtWriter({ bootCpuId: 3 });
  w.addReservation(0x8000_0000, 0x1_0000);
  w.addReservation(0x1_2345_6789n, 0x10);
  const target = w.allocPhandle();
  w.beginNode('');
  w.propU32('#address-cells', 2).propU32('#size-cells', 2);
  w.propStrings('compatible', ['acme,board', 'acme,family']);
  w.beginNode('chosen').propString('bootargs', 'console=ttyS0').propU64('linux,initrd-start', 0x1_0000_0000).endNode();
  w.beginNode('dev@1000');
  w.propU32Array('reg', [0, 0x1000, 0, 0x100]);
  w.propU32('interrupt-parent', target);
  w.propBytes('blob', new Uint8Array([1, 2, 3])); // odd length: the next token must still be aligned
  w.propEmpty('dma-coherent');
  w.endNode();
  w.beginNode('intc').propPhandle(target).propEmpty('interrupt-controller');
  w.propU32('#interrupt-cells', 1).propU32('#address-cells', 0).propString('compatible', 'acme,intc');
  w.endNode();
  w.endNode();
  return w.finish();
}

function header(blob: Uint8Array): number[] {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  return Array.from({ length: FDT_HEADER_SIZE / 4 }, (_, i) => view.getUint32(i * 4));
}

describe('FdtWriter blob layout', () => {
  it('writes a version 17 header whose offsets and sizes describe the blocks', () => {
    const blob = sampleBlob();
    const [magic, totalSize, offStruct, offStrings, offRsvmap, version, lastComp, bootCpu, sizeStrings, sizeStruct] = header(blob);
    expect(magic).toBe(FDT_MAGIC);
    expect(totalSize).toBe(blob.length);
    expect(version).toBe(17);
    expect(lastComp).toBe(16);
    expect(bootCpu).toBe(3);
    // header | reservations (2 entries + terminator) | struct | strings, as dtc lays them out
    expect(offRsvmap).toBe(FDT_HEADER_SIZE);
    expect(offStruct).toBe(offRsvmap + 3 * 16);
    expect(offStrings).toBe(offStruct + sizeStruct);
    expect(offStrings + sizeStrings).toBe(totalSize);
  });

  it('keeps the reservation block 8-aligned and every structure token 4-aligned', () => {
    const blob = sampleBlob();
    const [, , offStruct, , offRsvmap, , , , , sizeStruct] = header(blob);
    expect(offRsvmap % 8).toBe(0);
    expect(offStruct % 4).toBe(0);
    expect(sizeStruct % 4).toBe(0);
    // The 3-byte "blob" value is followed by one zero pad byte, then the next FDT_PROP token.
    const at = blob.findIndex((_, i) => blob[i] === 1 && blob[i + 1] === 2 && blob[i + 2] === 3);
    expect(at % 4).toBe(0);
    expect(blob[at + 3]).toBe(0);
    expect(new DataView(blob.buffer).getUint32(at + 4)).toBe(FDT_PROP);
  });

  it('stores each property name once in the strings block', () => {
    const w = new FdtWriter();
    w.beginNode('');
    for (const name of ['a@1', 'b@2', 'c@3']) w.beginNode(name).propString('compatible', 'x').propU32('reg', 1).endNode();
    w.endNode();
    const blob = w.finish();
    const [, , , offStrings, , , , , sizeStrings] = header(blob);
    const strings = new TextDecoder().decode(blob.subarray(offStrings, offStrings + sizeStrings));
    expect(strings).toBe('compatible\0reg\0');
  });

  it('writes the reservations it was given, then an all-zero terminator', () => {
    const fdt = parseFdt(sampleBlob());
    expect(fdt.reservations).toEqual([
      { address: 0x8000_0000n, size: 0x1_0000n },
      { address: 0x1_2345_6789n, size: 0x10n },
    ]);
  });
});

describe('FdtWriter misuse', () => {
  const withRoot = (): FdtWriter => new FdtWriter().beginNode('');

  it('rejects unbalanced nesting', () => {
    expect(() => new FdtWriter().endNode()).toThrow(/without a matching beginNode/);
    expect(() => withRoot().beginNode('soc').endNode().finish()).toThrow(/node \/ was never ended/);
    expect(() => withRoot().beginNode('soc').beginNode('uart@0').endNode().finish()).toThrow(/\/soc was never ended/);
    expect(() => new FdtWriter().finish()).toThrow(/no root node/);
    expect(() => new FdtWriter().beginNode('soc')).toThrow(/root node must be named ""/);
    expect(() => withRoot().endNode().beginNode('')).toThrow(/one root node/);
  });

  it('rejects properties outside nodes, after children, or twice', () => {
    expect(() => new FdtWriter().propU32('reg', 0)).toThrow(/outside of any node/);
    expect(() => withRoot().beginNode('cpus').endNode().propU32('x', 1)).toThrow(/comes after a child node/);
    expect(() => withRoot().propU32('x', 1).propU32('x', 2)).toThrow(/duplicate property x in \//);
    expect(() => withRoot().beginNode('a').endNode().beginNode('a')).toThrow(/duplicate node \/a/);
  });

  it('rejects names and values the format cannot hold', () => {
    expect(() => withRoot().beginNode('bad name')).toThrow(/invalid node name/);
    expect(() => withRoot().beginNode('a'.repeat(32))).toThrow(/invalid node name/);
    expect(() => withRoot().propU32('a'.repeat(32), 0)).toThrow(/invalid property name/);
    expect(() => withRoot().propU32('x', 2 ** 32)).toThrow(RangeError);
    expect(() => withRoot().propU32('x', -1)).toThrow(RangeError);
    expect(() => withRoot().propU64('x', 2 ** 53)).toThrow(RangeError);
    expect(() => withRoot().propU64('x', -1n)).toThrow(RangeError);
    expect(() => withRoot().propString('x', 'a\0b')).toThrow(/NUL/);
    expect(() => withRoot().propStrings('x', [])).toThrow(/at least one string/);
  });

  it('checks that every phandle lands on exactly one node', () => {
    const w = withRoot();
    const p = w.allocPhandle();
    expect(() => w.propPhandle(p + 1)).toThrow(/not handed out/);
    expect(() => withRoot().endNode().finish()).not.toThrow();
    const dangling = new FdtWriter();
    dangling.allocPhandle();
    expect(() => dangling.beginNode('').endNode().finish()).toThrow(/phandle 1 was allocated but placed on no node/);
    const twice = withRoot();
    const q = twice.allocPhandle();
    twice.beginNode('a').propPhandle(q).endNode();
    expect(() => twice.beginNode('b').propPhandle(q)).toThrow(/already on another node/);
  });

  it('cannot be written to once finished', () => {
    const w = withRoot().endNode();
    w.finish();
    expect(() => w.beginNode('x')).toThrow(/already finished/);
    expect(() => w.finish()).toThrow(/already finished/);
  });
});

describe('parseFdt', () => {
  it('reads back what the writer wrote', () => {
    const fdt = parseFdt(sampleBlob());
    expect(fdt.header.bootCpuId).toBe(3);
    expect(nodePaths(fdt.root)).toEqual(['/', '/chosen', '/dev@1000', '/intc']);
    const root = fdt.root;
    expect(propStrings(root, 'compatible')).toEqual(['acme,board', 'acme,family']);
    expect(propU32(root, '#address-cells')).toBe(2);
    const chosen = findNode(root, '/chosen')!;
    expect(propString(chosen, 'bootargs')).toBe('console=ttyS0');
    expect(propU64(chosen, 'linux,initrd-start')).toBe(0x1_0000_0000n);
    const dev = findNode(root, '/dev@1000')!;
    expect(propU32Array(dev, 'reg')).toEqual([0, 0x1000, 0, 0x100]);
    expect([...dev.props.get('blob')!]).toEqual([1, 2, 3]);
    expect(dev.props.get('dma-coherent')!.length).toBe(0);
    expect(findByPhandle(root, propU32(dev, 'interrupt-parent'))?.path).toBe('/intc');
    expect(findNode(root, '/nope')).toBeUndefined();
  });

  it('says what is wrong with a broken blob', () => {
    const good = sampleBlob();
    expect(() => parseFdt(good.subarray(0, 20))).toThrow(FdtParseError);
    const badMagic = good.slice();
    badMagic[0] = 0;
    expect(() => parseFdt(badMagic)).toThrow(/bad magic/);
    expect(() => parseFdt(good.subarray(0, good.length - 4))).toThrow(/totalsize/);
    const badToken = good.slice();
    new DataView(badToken.buffer).setUint32(header(good)[2], 7); // first struct token
    expect(() => parseFdt(badToken)).toThrow(/unknown token 0x7/);
  });

  it('reports a missing or mis-sized property by path and name', () => {
    const root = parseFdt(sampleBlob()).root;
    expect(() => propU32(root, 'nope')).toThrow('/ has no property nope');
    expect(() => propU32(findNode(root, '/dev@1000')!, 'reg')).toThrow(/has 4 cells, expected 1/);
  });
});

describe.skipIf(!hasDtc)('FdtWriter against dtc (needs dtc on PATH)', () => {
  it('writes the same bytes dtc compiles from the equivalent source', () => {
    const dts = `/dts-v1/;
/memreserve/ 0x80000000 0x10000;
/memreserve/ 0x123456789 0x10;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	compatible = "acme,board", "acme,family";
	chosen { bootargs = "console=ttyS0"; linux,initrd-start = /bits/ 64 <0x100000000>; };
	dev@1000 {
		reg = <0 0x1000 0 0x100>;
		interrupt-parent = <1>;
		blob = [01 02 03];
		dma-coherent;
	};
	intc {
		phandle = <1>;
		interrupt-controller;
		#interrupt-cells = <1>;
		#address-cells = <0>;
		compatible = "acme,intc";
	};
};
`;
    const src = join(scratch, 'sample.dts');
    const out = join(scratch, 'sample.dtb');
    writeFileSync(src, dts);
    const dtc = spawnSync('dtc', ['-I', 'dts', '-O', 'dtb', '-b', '3', '-o', out, src], { encoding: 'utf8' });
    expect(dtc.stderr).toBe('');
    expect(dtc.status).toBe(0);
    expect(Buffer.from(sampleBlob()).equals(readFileSync(out))).toBe(true);
  });
});
