/**
 * Labfiles and lab links (issue 7, DESIGN.md §7): the lab as one versioned JSON document, the
 * same document compressed into a `#lab=…` link, and the checks that make both safe to open.
 * DOM-free; the page and the dom0 console import from here.
 *
 *   format.ts       the Labfile v1 types, limits (each with its reason) and patterns
 *   read.ts         readLabfile / parseLabfileText (checks) and writeLabfile; LabfileError
 *   link.ts         encodeLabLink / decodeLabLink; LabLinkError
 *   plan.ts         planLabImport / describeLabImport: what opening a lab will do
 *   xlcfg-facts.ts  the injected xl.cfg reader (ParseXlCfg) and its minimal default
 *   deflate.ts, base64url.ts, text.ts   capped inflate, strict base64url, quoting hostile text
 *   schemas/labfile.schema.json (repo root)   the published JSON Schema (draft 2020-12)
 *
 * PLAIN TEXT ONLY. Everything a Labfile holds (title, description, names, configs, files, and
 * the messages that quote them) is plain text from a stranger. Show it with text nodes only:
 * `{value}` in Svelte, `textContent`, xterm `write` of text — never `{@html}`, `innerHTML`,
 * markdown rendering or a URL built from it. Nothing here renders markup, and nothing should.
 * The checks keep out terminal escapes and direction overrides (format.ts TEXT_FORBIDDEN) so
 * the same text is also safe in the dom0 console.
 *
 * WHERE IT IS WIRED: lab/labfile-bridge.ts (the Lab ↔ a Labfile, the dom0 tree, the record kept
 * across reloads), src/ui/share/ (Share, Export, Import, links, IndexedDB, "Start all"),
 * dom0/lab-command.ts (`lab show|export|link|import`). format.ts ties the Labfile's limits to
 * dom0/vfs.ts's, so whatever a Labfile holds fits dom0's file system.
 *
 * THE REAL xl.cfg PARSER. Pass `{ parseXlCfg }` (see xlcfg-facts.ts for the adapter) to every
 * call that takes ReadOptions; the default checks only the name, memory and vcpus lines.
 *
 * For the page:
 *
 *   Opening a link — on load and on `hashchange`, if isLabLink(location.hash):
 *     try { checked = await decodeLabLink(location.hash, { parseXlCfg }) }
 *     catch (e) { show (e as LabLinkError).message as text; keep the current lab; stop }
 *     plan = planLabImport(lab.snapshot(), checked)
 *     show plan.title, plan.description and the plan (describeLabImport(plan) lines, or the
 *     structured fields) with plan.warnings; if plan.needsConfirmation, ask before going on.
 *     Build: a fresh Lab with checked.labfile.hosts, then its links (Lab.setLink, bandwidth in
 *     bit/s = bandwidthMbps × BPS_PER_MBPS); each domain's config into /etc/xen/NAME
 *     and defined through the lab (whose own rules, e.g. 1 vCPU for now, still apply: check all
 *     before replacing anything); dom0 files written; then start plan.autostart in order.
 *     Then history.replaceState() the fragment away, so a reload does not ask again.
 *   Share — link = location.origin + location.pathname + await encodeLabLink(labfile, opts);
 *     LabLinkError 'too-long' says to export a file instead.
 *   Export — writeLabfile(labfile, opts) as the file's text, named labfileFileName(title).
 *   Import a file — refuse file.size > MAX_LABFILE_BYTES before reading it, then
 *     parseLabfileText(await file.text(), opts) and the same plan / confirm / build as a link.
 *   Persistence — store writeLabfile(...) (plus which domains were running) on every change;
 *     on reload read it back with parseLabfileText: stored data is input too (a newer virtlab
 *     in another tab may have written it).
 *
 * For the dom0 console:
 *
 *   lab export [FILE]   writeLabfile(current lab) to FILE (or the terminal)
 *   lab import FILE     parseLabfileText(file text); print describeLabImport(plan); confirm if
 *                       plan.needsConfirmation; build as above
 *   lab import '#lab=…' or a URL: decodeLabLink instead of parseLabfileText
 *   lab link            encodeLabLink(current lab)
 *   Errors are printed as their message, one line.
 *
 * Building the Labfile of the current lab: `{ labfile: LABFILE_VERSION, title, description,
 * hosts, links: [{ hosts: [a, b], bandwidthMbps, latencyMs }] for the links not at DEFAULT_LINK,
 * networks, domains: [{ name, host, autostart, config: text of /etc/xen/NAME }], files }`.
 * A link change is a change of what the lab is: the page saves it like a domain's.
 */
export {
  BPS_PER_MBPS, DEFAULT_LINK_LATENCY_MS, DEFAULT_LINK_MBPS, DEFAULT_NETWORKS, LABFILE_VERSION, MAX_CONFIG_CHARS, MAX_DESCRIPTION_CHARS,
  MAX_DOMAINS, MAX_FILE_CHARS, MAX_FILES, MAX_HOSTS, MAX_LABFILE_BYTES, MAX_LINK_LATENCY_MS, MAX_LINK_MBPS, MAX_LINKS, MAX_NETWORKS,
  MAX_TITLE_CHARS, MAX_TREE_CHARS, MAX_TREE_NODES, MIN_LINK_MBPS, DOM0_DIRS, NETWORK_MODES,
  type Labfile, type LabfileDomain, type LabfileFile, type LabfileHost, type LabfileLink, type LabfileNetwork, type NetworkMode,
} from './format.ts';
export {
  LabfileError, labfileFileName, parseLabfileText, readLabfile, writeLabfile, MAX_WARNINGS,
  type CheckedLabfile, type LabfileWarning, type ReadOptions, type WriteOptions,
} from './read.ts';
export { decodeLabLink, encodeLabLink, isLabLink, LAB_LINK_PREFIX, LabLinkError, MAX_LINK_CHARS, type LabLinkProblem } from './link.ts';
export { describeLabImport, planLabImport, type CurrentLab, type LabImportPlan, type PlannedDomain, type PlannedHost } from './plan.ts';
export { parseXlCfgMinimal, type ParseXlCfg, type XlCfgFacts } from './xlcfg-facts.ts';
