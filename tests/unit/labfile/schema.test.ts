/**
 * schemas/labfile.schema.json against read.ts: the published schema and the validator accept and
 * refuse the same documents, except for the rules JSON Schema cannot state (listed in the
 * schema's description), which only the validator checks.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLabfile } from '../../../src/hypervisor/labfile/read.ts';
import * as format from '../../../src/hypervisor/labfile/format.ts';
import { repo } from '../../helpers/run-guest.ts';
import { cfg, sampleLab } from './fixtures.ts';

type Schema = { [key: string]: unknown };

const schema = JSON.parse(readFileSync(join(repo, 'schemas', 'labfile.schema.json'), 'utf8')) as Schema;

/** Keywords that only annotate: they never change whether a document is valid. */
const ANNOTATIONS = new Set(['$schema', '$id', 'title', 'description', '$comment', 'examples', 'default', '$defs']);

/**
 * The subset of JSON Schema 2020-12 the Labfile schema uses. A keyword outside it throws, so the
 * schema cannot lean on a rule this checker would silently skip.
 */
function schemaErrors(s: Schema, value: unknown, path = '$'): string[] {
  const errors: string[] = [];
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v);
  for (const [keyword, arg] of Object.entries(s)) {
    if (ANNOTATIONS.has(keyword)) continue;
    switch (keyword) {
      case '$ref': {
        const m = /^#\/\$defs\/([A-Za-z]+)$/.exec(arg as string);
        if (!m) throw new Error(`unsupported $ref ${String(arg)}`);
        errors.push(...schemaErrors((schema.$defs as Record<string, Schema>)[m[1]], value, path));
        break;
      }
      case 'type': {
        const t = typeOf(value);
        const ok = arg === t || (arg === 'number' && t === 'integer');
        if (!ok) errors.push(`${path}: not ${String(arg)}`);
        break;
      }
      case 'const': if (value !== arg) errors.push(`${path}: not ${JSON.stringify(arg)}`); break;
      case 'enum': if (!(arg as unknown[]).includes(value)) errors.push(`${path}: not in enum`); break;
      case 'allOf': for (const sub of arg as Schema[]) errors.push(...schemaErrors(sub, value, path)); break;
      case 'minimum': if (typeof value === 'number' && value < (arg as number)) errors.push(`${path}: < minimum`); break;
      case 'maximum': if (typeof value === 'number' && value > (arg as number)) errors.push(`${path}: > maximum`); break;
      case 'minLength': if (typeof value === 'string' && [...value].length < (arg as number)) errors.push(`${path}: too short`); break;
      case 'maxLength': if (typeof value === 'string' && [...value].length > (arg as number)) errors.push(`${path}: too long`); break;
      case 'pattern': if (typeof value === 'string' && !new RegExp(arg as string, 'u').test(value)) errors.push(`${path}: pattern`); break;
      case 'minItems': if (Array.isArray(value) && value.length < (arg as number)) errors.push(`${path}: too few`); break;
      case 'maxItems': if (Array.isArray(value) && value.length > (arg as number)) errors.push(`${path}: too many`); break;
      case 'uniqueItems':
        // Enough for the lists it is used on (host names): items equal as JSON are the same.
        if (arg === true && Array.isArray(value) && new Set(value.map((v) => JSON.stringify(v))).size < value.length) errors.push(`${path}: not unique`);
        break;
      case 'items': if (Array.isArray(value)) value.forEach((v, i) => errors.push(...schemaErrors(arg as Schema, v, `${path}[${i}]`))); break;
      case 'required':
        if (typeOf(value) === 'object') for (const k of arg as string[]) if (!Object.hasOwn(value as object, k)) errors.push(`${path}.${k}: required`);
        break;
      case 'properties':
        if (typeOf(value) === 'object') {
          for (const [k, sub] of Object.entries(arg as Record<string, Schema>)) {
            if (Object.hasOwn(value as object, k)) errors.push(...schemaErrors(sub, (value as Record<string, unknown>)[k], `${path}.${k}`));
          }
        }
        break;
      case 'additionalProperties':
        if (arg !== false) throw new Error('only additionalProperties: false is supported');
        if (typeOf(value) === 'object') {
          const known = Object.keys((s.properties ?? {}) as object);
          for (const k of Object.keys(value as object)) if (!known.includes(k)) errors.push(`${path}.${k}: not allowed`);
        }
        break;
      default:
        throw new Error(`the schema uses "${keyword}", which this checker does not know`);
    }
  }
  return errors;
}

const validatorAccepts = (doc: unknown) => {
  try {
    readLabfile(doc);
    return true;
  } catch {
    return false;
  }
};

function variant(edit: (l: ReturnType<typeof sampleLab>) => void) {
  const l = sampleLab();
  edit(l);
  return l;
}

describe('schemas/labfile.schema.json', () => {
  it('is a draft 2020-12 schema whose limits and patterns are the validator constants', () => {
    const defs = schema.$defs as Record<string, Schema & { properties: Record<string, Schema> }>;
    const props = schema.properties as Record<string, Schema>;
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(props.labfile.const).toBe(format.LABFILE_VERSION);
    expect(props.title).toMatchObject({ maxLength: format.MAX_TITLE_CHARS, pattern: format.LINE_PATTERN, allOf: [{ pattern: format.VISIBLE_PATTERN }] });
    expect(props.description.maxLength).toBe(format.MAX_DESCRIPTION_CHARS);
    expect(defs.text.pattern).toBe(format.TEXT_PATTERN);
    expect(defs.name.pattern).toBe(format.NAME_PATTERN);
    expect(props.hosts).toMatchObject({ minItems: 1, maxItems: format.MAX_HOSTS });
    expect(props.links).toMatchObject({ maxItems: format.MAX_LINKS, default: [] });
    expect(defs.link.properties.hosts).toMatchObject({ minItems: 2, maxItems: 2, uniqueItems: true });
    expect(defs.link.properties.bandwidthMbps).toMatchObject({ minimum: format.MIN_LINK_MBPS, maximum: format.MAX_LINK_MBPS, default: format.DEFAULT_LINK_MBPS });
    expect(defs.link.properties.latencyMs).toMatchObject({ minimum: 0, maximum: format.MAX_LINK_LATENCY_MS, default: format.DEFAULT_LINK_LATENCY_MS });
    expect(props.networks).toMatchObject({ maxItems: format.MAX_NETWORKS, default: format.DEFAULT_NETWORKS });
    expect(props.domains.maxItems).toBe(format.MAX_DOMAINS);
    expect(props.files.maxItems).toBe(format.MAX_FILES);
    expect(defs.host.properties.cpus).toMatchObject({ minimum: 1, maximum: format.MAX_HOST_CPUS });
    expect(defs.host.properties.memoryMiB).toMatchObject({ minimum: format.MIN_HOST_MEMORY_MIB, maximum: format.MAX_HOST_MEMORY_MIB });
    expect(defs.network.properties.name.pattern).toBe(format.NETWORK_NAME_PATTERN);
    expect(defs.network.properties.mode.enum).toEqual(format.NETWORK_MODES);
    expect(defs.domain.properties.config.maxLength).toBe(format.MAX_CONFIG_CHARS);
    expect(defs.file.properties.path).toMatchObject({ maxLength: format.MAX_PATH_CHARS, pattern: format.PATH_PATTERN });
    expect(defs.file.properties.content.maxLength).toBe(format.MAX_FILE_CHARS);
  });

  it('has examples that both the schema and the validator accept, without warnings', () => {
    const examples = schema.examples as unknown[];
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const example of examples) {
      expect(schemaErrors(schema, example)).toEqual([]);
      expect(readLabfile(example).warnings).toEqual([]);
    }
    expect(schemaErrors(schema, sampleLab())).toEqual([]);
  });

  it('accepts what the validator accepts, up to every limit', () => {
    const accepted = [
      variant((l) => { l.title = '🧪'.repeat(120); }),
      variant((l) => { l.description = 'a\tb\n'.repeat(500); }),
      variant((l) => { l.$schema = 'https://example.org/labfile.schema.json'; }),
      variant((l) => { const o: Record<string, unknown> = l; delete o.networks; delete o.files; }),
      variant((l) => { l.hosts = Array.from({ length: 8 }, (_, i) => ({ name: i === 0 ? 'host1' : i === 1 ? 'host2' : `h${i}`, cpus: 64, memoryMiB: 16384 })); }),
      variant((l) => { l.networks = [{ name: 'x'.repeat(15), mode: 'isolated' }, { name: 'xenbr0', mode: 'nat' }]; }),
      variant((l) => { l.files = [{ path: ('/' + 'a'.repeat(50)).repeat(5), content: 'x'.repeat(65536) }, { path: '/root/.profile', content: '' }]; }),
      variant((l) => { l.domains = Array.from({ length: 32 }, (_, i) => ({ name: `d${i}`, host: 'host1', config: cfg(`d${i}`, 16) })); }),
      variant((l) => { l.links = [{ hosts: ['host2', 'host1'], bandwidthMbps: 1, latencyMs: 10000 }]; }),
      variant((l) => { l.links = [{ hosts: ['host1', 'host2'], bandwidthMbps: 100000, latencyMs: 0 }]; }),
      variant((l) => { l.links = [{ hosts: ['host1', 'host2'], latencyMs: 0.25 }]; }),
      variant((l) => {
        l.hosts = Array.from({ length: 8 }, (_, i) => ({ name: i === 0 ? 'host1' : i === 1 ? 'host2' : `h${i}`, cpus: 4, memoryMiB: 1024 }));
        l.links = l.hosts.flatMap((a, i) => l.hosts.slice(i + 1).map((b) => ({ hosts: [a.name, b.name], bandwidthMbps: 10 })));
      }),
    ];
    for (const doc of accepted) {
      expect(validatorAccepts(doc)).toBe(true);
      expect(schemaErrors(schema, doc)).toEqual([]);
    }
  });

  it('refuses what the validator refuses for its shape or limits', () => {
    expect(schemaErrors(schema, sampleLab())).toEqual([]); // so each refusal below is the edit's
    const refused: [string, unknown][] = [
      ['not an object', []],
      ['no version', variant((l) => { delete l.labfile; })],
      ['newer version', variant((l) => { l.labfile = 2; })],
      ['older version', variant((l) => { l.labfile = 0; })],
      ['unknown top-level key', variant((l) => { l.domain = []; })],
      ['$schema not text', variant((l) => { l.$schema = 1; })],
      ['no title', variant((l) => { delete l.title; })],
      ['blank title', variant((l) => { l.title = ' \u3000 '; })],
      ['long title', variant((l) => { l.title = 'x'.repeat(121); })],
      ['two-line title', variant((l) => { l.title = 'a\nb'; })],
      ['title with a lone surrogate', variant((l) => { l.title = 'a\udc00'; })],
      ['escape in description', variant((l) => { l.description = '\u001b[31m'; })],
      ['CR in description', variant((l) => { l.description = 'a\rb'; })],
      ['C1 in description', variant((l) => { l.description = '\u0085'; })],
      ['override in description', variant((l) => { l.description = '\u202d'; })],
      ['long description', variant((l) => { l.description = 'x'.repeat(2001); })],
      ['no hosts', variant((l) => { delete (l as Record<string, unknown>).hosts; })],
      ['empty hosts', variant((l) => { l.hosts = []; })],
      ['9 hosts', variant((l) => { l.hosts = Array.from({ length: 9 }, (_, i) => ({ name: `host${i + 1}`, cpus: 4, memoryMiB: 1024 })); })],
      ['host not an object', variant((l) => { l.hosts[0] = [] as never; })],
      ['host without cpus', variant((l) => { delete l.hosts[0].cpus; })],
      ['fractional cpus', variant((l) => { l.hosts[0].cpus = 1.5; })],
      ['65 cpus', variant((l) => { l.hosts[0].cpus = 65; })],
      ['15 MiB host', variant((l) => { l.hosts[0].memoryMiB = 15; })],
      ['16385 MiB host', variant((l) => { l.hosts[0].memoryMiB = 16385; })],
      ['host name with a space', variant((l) => { l.hosts[0].name = 'host 1'; })],
      ['33-character host name', variant((l) => { l.hosts[0].name = 'h'.repeat(33); })],
      ['network mode', variant((l) => { l.networks[0].mode = 'routed'; })],
      ['16-character network', variant((l) => { l.networks[0].name = 'n'.repeat(16); })],
      ['9 networks', variant((l) => { l.networks = Array.from({ length: 9 }, (_, i) => ({ name: `br${i}`, mode: 'bridge' })); })],
      ['domains not a list', variant((l) => { l.domains = {} as never; })],
      ['33 domains', variant((l) => { l.domains = Array.from({ length: 33 }, (_, i) => ({ name: `d${i}`, host: 'host1', config: cfg(`d${i}`, 16) })); })],
      ['domain without config', variant((l) => { delete l.domains[0].config; })],
      ['domain host a number', variant((l) => { l.domains[0].host = 1; })],
      ['autostart "true"', variant((l) => { l.domains[0].autostart = 'true'; })],
      ['config too long', variant((l) => { l.domains[0].config = cfg('web') + '#'.repeat(16384); })],
      ['bell in config', variant((l) => { l.domains[0].config = cfg('web') + '\u0007'; })],
      ['relative path', variant((l) => { l.files[0].path = 'root/README'; })],
      ['dot-dot path', variant((l) => { l.files[0].path = '/root/../etc/shadow'; })],
      ['long path', variant((l) => { l.files[0].path = '/' + 'a'.repeat(255); })],
      ['long content', variant((l) => { l.files[0].content = 'x'.repeat(65537); })],
      ['file without content', variant((l) => { delete l.files[0].content; })],
      ['65 files', variant((l) => { l.files = Array.from({ length: 65 }, (_, i) => ({ path: `/f${i}`, content: '' })); })],
      ['links not a list', variant((l) => { l.links = { hosts: ['host1', 'host2'] }; })],
      ['29 links', variant((l) => { l.links = Array.from({ length: 29 }, () => ({ hosts: ['host1', 'host2'] })); })],
      ['link without hosts', variant((l) => { l.links = [{ bandwidthMbps: 10 }]; })],
      ['link of one host', variant((l) => { l.links = [{ hosts: ['host1'] }]; })],
      ['link of three hosts', variant((l) => { l.links = [{ hosts: ['host1', 'host2', 'host1'] }]; })],
      ['link from a host to itself', variant((l) => { l.links = [{ hosts: ['host1', 'host1'] }]; })],
      ['link host a number', variant((l) => { l.links = [{ hosts: ['host1', 2] }]; })],
      ['0.5 Mbit/s', variant((l) => { l.links = [{ hosts: ['host1', 'host2'], bandwidthMbps: 0.5 }]; })],
      ['100001 Mbit/s', variant((l) => { l.links = [{ hosts: ['host1', 'host2'], bandwidthMbps: 100001 }]; })],
      ['negative latency', variant((l) => { l.links = [{ hosts: ['host1', 'host2'], latencyMs: -1 }]; })],
      ['latency over 10 s', variant((l) => { l.links = [{ hosts: ['host1', 'host2'], latencyMs: 10001 }]; })],
      ['bandwidth as text', variant((l) => { l.links = [{ hosts: ['host1', 'host2'], bandwidthMbps: '10' }]; })],
    ];
    for (const [why, doc] of refused) {
      expect(validatorAccepts(doc), why).toBe(false);
      expect(schemaErrors(schema, doc), why).not.toEqual([]);
    }
  });

  it('leaves to the validator the rules JSON Schema cannot state', () => {
    const beyond: [string, unknown][] = [
      ['duplicate host names', variant((l) => { l.hosts[1].name = 'host1'; })],
      ['duplicate domain names', variant((l) => { l.domains[1] = { name: 'web', host: 'host2', config: cfg('web') }; })],
      ['domain on a missing host', variant((l) => { l.domains[0].host = 'host9'; })],
      ['domain too big for its host', variant((l) => { l.domains[1].config = cfg('db', 1024); })],
      ['config names another domain', variant((l) => { l.domains[1].config = cfg('other'); })],
      ['config is not xl.cfg', variant((l) => { l.domains[1].config = 'hello'; })],
      ['file over a domain config', variant((l) => { l.files[0].path = '/etc/xen/web'; })],
      ['path twice', variant((l) => { l.files.push({ path: '/root/README', content: '' }); })],
      ['link to a missing host', variant((l) => { l.links = [{ hosts: ['host1', 'host9'] }]; })],
      ['a pair linked twice, either way round', variant((l) => { l.links = [{ hosts: ['host1', 'host2'] }, { hosts: ['host2', 'host1'], latencyMs: 20 }]; })],
    ];
    for (const [why, doc] of beyond) {
      expect(validatorAccepts(doc), why).toBe(false);
      expect(schemaErrors(schema, doc), why).toEqual([]);
    }
  });

  it('allows unknown keys inside entries (the validator lists them as warnings)', () => {
    const doc = variant((l) => { l.domains[0].note = 'web server'; l.links = [{ hosts: ['host1', 'host2'], bandwidth: 10 }]; });
    expect(schemaErrors(schema, doc)).toEqual([]);
    expect(readLabfile(doc).warnings).toHaveLength(2);
  });
});
