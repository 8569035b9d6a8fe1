/**
 * What the Labfile checks need to know about a domain's xl.cfg text, and who tells them.
 *
 * The Labfile keeps each domain's configuration as xl.cfg TEXT, exactly the file the dom0 console
 * shows under /etc/xen/NAME. Reading it is the xl.cfg module's job (src/hypervisor/xen), so the
 * Labfile code never looks inside it: the caller injects a `ParseXlCfg` that returns the few facts
 * below or throws an Error whose message says what is wrong (e.g. `line 4: memory: …`).
 *
 * The lab passes the real parser, adapted in a few lines, e.g.
 *
 *   import { parseXlCfg as parseXen } from '../xen/xlcfg.ts';
 *   const parseXlCfg: ParseXlCfg = (text) => {
 *     const c = parseXen(text).config;
 *     return { name: c.name, memoryMiB: c.memory, vcpus: c.vcpus, bridges: c.vifs.map((v) => v.bridge) };
 *   };
 *
 * (tests/unit/labfile/xlcfg-facts.test.ts runs exactly this adapter against the real parser.)
 *
 * `parseXlCfgMinimal` is the default: it reads only the name, memory and vcpus lines, enough for
 * the tests and for a Labfile to be checked where the real parser is not loaded. Nothing is
 * trusted because of it: the lab parses every config again when it defines the domain.
 */

export interface XlCfgFacts {
  /** `name = "…"`: must equal the domain's name in the Labfile. */
  readonly name: string;
  /** `memory = …` in MiB: must fit the domain's host. */
  readonly memoryMiB: number;
  /** `vcpus = …` (xl's default is 1). */
  readonly vcpus: number;
  /** Bridges the vifs name (`bridge=xenbr0`), when the parser knows them: each must be a network of the lab. */
  readonly bridges?: readonly string[];
}

/** Read an xl.cfg text; throw an Error with a message for a person if it is not valid. */
export type ParseXlCfg = (text: string) => XlCfgFacts;

const KEY = /^\s*(name|memory|vcpus)\s*=\s*(.*)$/;
const STRING = /^(?:"([^"\\]*)"|'([^'\\]*)')\s*(?:#.*)?$/;
const NUMBER = /^(0[xX][0-9A-Fa-f]+|[0-9]+)\s*(?:#.*)?$/;

/** A config without `memory`: the lab's default, as xen/xlcfg.ts DEFAULT_MEMORY_MIB. */
const DEFAULT_MEMORY_MIB = 128;

/**
 * The smallest xl.cfg reader that can answer `XlCfgFacts`: `name = "…"` (required), `memory = N`
 * (default 128, as the real parser) and `vcpus = N` (default 1), one setting per line, comments after `#`; every other
 * line is ignored, as are vifs (no `bridges`). A repeated key keeps its last value, as in libxl.
 */
export function parseXlCfgMinimal(text: string): XlCfgFacts {
  let name: string | undefined;
  let memory = DEFAULT_MEMORY_MIB;
  let vcpus = 1;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = KEY.exec(lines[i]);
    if (!m) continue;
    const [, key, rest] = m;
    if (key === 'name') {
      const s = STRING.exec(rest);
      if (!s) throw new Error(`line ${i + 1}: name: must be a quoted string, e.g. name = "web"`);
      name = s[1] ?? s[2];
    } else {
      const n = NUMBER.exec(rest);
      if (!n) throw new Error(`line ${i + 1}: ${key}: must be a whole number`);
      if (key === 'memory') memory = Number(n[1]);
      else vcpus = Number(n[1]);
    }
  }
  if (name === undefined) throw new Error('name is missing (every domain has name = "…")');
  return { name, memoryMiB: memory, vcpus };
}
