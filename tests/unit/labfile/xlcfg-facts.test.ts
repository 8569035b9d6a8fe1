import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseXlCfgMinimal, type ParseXlCfg } from '../../../src/hypervisor/labfile/xlcfg-facts.ts';
import { readLabfile } from '../../../src/hypervisor/labfile/read.ts';
import { parseXlCfg as parseXen } from '../../../src/hypervisor/xen/xlcfg.ts';
import { repo } from '../../helpers/run-guest.ts';
import { cfg, sampleLab } from './fixtures.ts';

/** The adapter xlcfg-facts.ts documents for the lab, word for word. */
const parseXlCfg: ParseXlCfg = (text) => {
  const c = parseXen(text).config;
  return { name: c.name, memoryMiB: c.memory, vcpus: c.vcpus, bridges: c.vifs.map((v) => v.bridge) };
};

describe('parseXlCfgMinimal', () => {
  it('reads name, memory and vcpus, ignoring comments and other keys', () => {
    expect(parseXlCfgMinimal('# web\nname = "web"  # the name\nmemory=0x40\nvcpus = 2\nkernel = "Image"\n')).toEqual({ name: 'web', memoryMiB: 64, vcpus: 2 });
    expect(parseXlCfgMinimal("name = 'w'\nmemory = 16")).toEqual({ name: 'w', memoryMiB: 16, vcpus: 1 });
    expect(parseXlCfgMinimal('name = "a"\nmemory = 16\nmemory = 32\n').memoryMiB).toBe(32);
  });

  it('defaults memory and vcpus as the real parser does', () => {
    const text = 'name = "a"\n';
    expect(parseXlCfgMinimal(text)).toEqual({ name: 'a', memoryMiB: 128, vcpus: 1 });
    const real = parseXlCfg(text);
    expect([real.name, real.memoryMiB, real.vcpus]).toEqual(['a', 128, 1]);
  });

  it('says what is wrong, with the line', () => {
    expect(() => parseXlCfgMinimal('memory = 64')).toThrow('name is missing (every domain has name = "…")');
    expect(() => parseXlCfgMinimal('name = "a"\nmemory = "64"')).toThrow('line 2: memory: must be a whole number');
    expect(() => parseXlCfgMinimal('name = "a"\nmemory = 64\nvcpus = two')).toThrow('line 3: vcpus: must be a whole number');
  });
});

describe('the real xl.cfg parser (xen/xlcfg.ts) through ParseXlCfg', () => {
  it('reads the sample lab and the schema examples as the minimal reader does', () => {
    const examples = (JSON.parse(readFileSync(join(repo, 'schemas', 'labfile.schema.json'), 'utf8')) as { examples: unknown[] }).examples;
    for (const doc of [sampleLab(), ...examples]) {
      const real = readLabfile(doc, { parseXlCfg });
      const minimal = readLabfile(doc);
      expect(real.labfile).toEqual(minimal.labfile);
      expect(real.configs.map(({ name, memoryMiB, vcpus }) => ({ name, memoryMiB, vcpus }))).toEqual(minimal.configs);
    }
  });

  it("refuses what only the real parser knows is wrong, with the parser's message", () => {
    const doc = sampleLab();
    doc.domains[1].config = cfg('db', 64, 'on_crash = "explode"\n');
    expect(() => readLabfile(doc)).not.toThrow();
    expect(() => readLabfile(doc, { parseXlCfg })).toThrow(/^domains\[1\]\.config: is not a valid xl\.cfg: line 5: on_crash: /);
  });

  it("checks each vif's bridge against the lab's networks", () => {
    const doc = sampleLab();
    doc.domains[0].config = cfg('web', 128, 'vif = [ "mac=00:16:3e:00:00:01,bridge=xenbr1" ]\n');
    expect(() => readLabfile(doc, { parseXlCfg })).toThrow(`domains[0].config: a vif uses bridge "xenbr1", which is not one of the lab's networks (networks: xenbr0)`);
    doc.networks.push({ name: 'xenbr1', mode: 'nat' });
    expect(readLabfile(doc, { parseXlCfg }).configs[0].bridges).toEqual(['xenbr1']);
  });
});
