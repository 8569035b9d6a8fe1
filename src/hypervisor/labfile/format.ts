/**
 * The Labfile, version 1: a whole lab as one JSON document (DESIGN.md §7), our Vagrantfile.
 *
 *   {
 *     "labfile": 1,                                  version; required, first thing checked
 *     "title": "Two hosts, three guests",            plain text, one line, shown when the lab opens
 *     "description": "Start web, then …",            plain text, several lines (optional, "")
 *     "hosts":    [ { "name": "host1", "cpus": 4, "memoryMiB": 1024 } ],
 *     "links":    [ { "hosts": ["host1", "host2"], "bandwidthMbps": 10, "latencyMs": 20 } ],
 *                                                    optional, default [] (every link at DEFAULT_LINK)
 *     "networks": [ { "name": "xenbr0", "mode": "bridge" } ],     optional, default: this one
 *     "domains":  [ { "name": "web", "host": "host1", "autostart": true,
 *                     "config": "name = \"web\"\nmemory = 64\nvcpus = 1\n…" } ],   xl.cfg text
 *     "files":    [ { "path": "/root/README", "content": "…" } ]                   dom0 files
 *   }
 *
 * "links" came after the first version-1 Labfiles: it is optional and defaults to [], which is
 * what those labs had (every link at DEFAULT_LINK), so each of them still reads the same and the
 * version stays 1. (A virtlab from before it refuses a Labfile with links, naming the key,
 * rather than open it at full speed.) A link is the model migrations between two hosts are paced
 * to (migration/link.ts, Lab.setLink): a lab slowed down to make the pre-copy rounds visible is
 * shared slowed down. A pair of hosts not listed keeps DEFAULT_LINK, and each value left out of
 * an entry is DEFAULT_LINK's.
 *
 * schemas/labfile.schema.json publishes the same rules as a JSON Schema (draft 2020-12); the
 * rules that relate one part to another (unique names, a domain's host exists and can hold it,
 * the xl.cfg text, a link's hosts exist and each pair has one link) are read.ts's alone,
 * because JSON Schema cannot say them.
 *
 * Every limit below bounds something a link controls; each says why it is where it is.
 */
import { MAX_MEMORY_MIB, MIN_MEMORY_MIB } from '../lab/domain.ts';
import { DEFAULT_LINK, MAX_BANDWIDTH_BPS, MAX_LATENCY_MS, MIN_BANDWIDTH_BPS } from '../migration/link.ts';
import {
  DEFAULT_DIRS as VFS_DEFAULT_DIRS, MAX_DEPTH as VFS_MAX_DEPTH, MAX_FILE_CHARS as VFS_MAX_FILE_CHARS, MAX_NODES as VFS_MAX_NODES,
  MAX_PATH_CHARS as VFS_MAX_PATH_CHARS, MAX_TOTAL_CHARS as VFS_MAX_TOTAL_CHARS,
} from '../dom0/vfs.ts';

/** The version this virtlab writes and reads. A change to what a Labfile means bumps it. */
export const LABFILE_VERSION = 1;

export type NetworkMode = 'bridge' | 'nat' | 'isolated';
export const NETWORK_MODES: readonly NetworkMode[] = ['bridge', 'nat', 'isolated'];

export interface LabfileHost {
  readonly name: string;
  readonly cpus: number;
  readonly memoryMiB: number;
}

export interface LabfileNetwork {
  readonly name: string;
  readonly mode: NetworkMode;
}

export interface LabfileDomain {
  readonly name: string;
  /** Name of one of the lab's hosts. */
  readonly host: string;
  /** Started when the lab is built (Xen's /etc/xen/auto). */
  readonly autostart: boolean;
  /** The xl.cfg file as the dom0 console shows it under /etc/xen/NAME. */
  readonly config: string;
}

/**
 * The link between two hosts, the same both ways. Bandwidth is in Mbit/s, the unit a person sets
 * and reads (the lab counts bit/s: BPS_PER_MBPS); latency is one-way, in ms.
 */
export interface LabfileLink {
  /** Two distinct hosts of the lab, in either order. */
  readonly hosts: readonly [string, string];
  readonly bandwidthMbps: number;
  readonly latencyMs: number;
}

/** A text file of the dom0 file system (notes, scripts, spare configs). */
export interface LabfileFile {
  readonly path: string;
  readonly content: string;
}

/** A checked Labfile with every default filled in: what read.ts returns and the writers take. */
export interface Labfile {
  readonly labfile: typeof LABFILE_VERSION;
  readonly title: string;
  readonly description: string;
  readonly hosts: readonly LabfileHost[];
  readonly links: readonly LabfileLink[];
  readonly networks: readonly LabfileNetwork[];
  readonly domains: readonly LabfileDomain[];
  readonly files: readonly LabfileFile[];
}

/** What a lab without a "networks" key gets: Xen's usual bridge, the one a vif names by default. */
export const DEFAULT_NETWORKS: readonly LabfileNetwork[] = [{ name: 'xenbr0', mode: 'bridge' }];

// ---- counts ------------------------------------------------------------------------------------

/** Each host is a column of the dashboard and a placement choice; 8 still fit one screen. */
export const MAX_HOSTS = 8;
/** Each running domain is a Web Worker with its own memory: 32 is a classroom lab, far past what one tab runs at once. */
export const MAX_DOMAINS = 32;
/** A lab shows bridge, NAT and isolated networks side by side; 8 is plenty and keeps lists short. */
export const MAX_NETWORKS = 8;
/** dom0 files are notes and scripts for the exercise; 64 is many, and bounds the checks per file. */
export const MAX_FILES = 64;
/** One link per pair of hosts: 8 hosts make 28 pairs. */
export const MAX_LINKS = (MAX_HOSTS * (MAX_HOSTS - 1)) / 2;

// ---- sizes -------------------------------------------------------------------------------------

/** A title is one line in a dialog and a tab title. */
export const MAX_TITLE_CHARS = 120;
/** The description is read before the lab opens: a few paragraphs, not a manual. */
export const MAX_DESCRIPTION_CHARS = 2000;
/** A real xl.cfg is under 2 KiB; 16 KiB leaves room for comments and long kernel command lines. */
export const MAX_CONFIG_CHARS = 16 * 1024;
/** The dom0 file system's own limit per file (dom0/vfs.ts; xen/xlcfg-syntax.ts MAX_CFG_CHARS is the same). */
export const MAX_FILE_CHARS = VFS_MAX_FILE_CHARS;
/** Real dom0 paths are under 64 characters; 255 keeps listings and messages readable (dom0/vfs.ts has the same). */
export const MAX_PATH_CHARS = VFS_MAX_PATH_CHARS;
/**
 * The whole document as UTF-8, after decompressing a link or reading a file: 32 configs at the
 * cap are 512 KiB, so 1 MiB holds any sensible lab, and stopping there makes a decompression
 * bomb harmless.
 */
export const MAX_LABFILE_BYTES = 1024 * 1024;

// ---- the dom0 file system (dom0/vfs.ts) --------------------------------------------------------
//
// A lab's files and configs are written into dom0's Vfs when it is built, and a lab's Vfs is
// saved as a Labfile, so a Labfile holds exactly what fits in the Vfs. The Vfs counts text in
// UTF-16 code units (String.length); the limits above count code points, as JSON Schema does, so
// read.ts also checks the code units where the two differ (text outside the BMP, e.g. emoji,
// takes two). The Labfile's own limits are the tighter ones everywhere else: paths (pattern, 255
// characters, 16 levels as the Vfs), 64 files (the Vfs takes 512 entries), 1 MiB of UTF-8 (a
// UTF-16 code unit is never less than one UTF-8 byte, so the text fits the Vfs's total).

/** Files and directories the dom0 tree holds, `/` included (dom0/vfs.ts MAX_NODES). */
export const MAX_TREE_NODES = VFS_MAX_NODES;
/** Characters (UTF-16 code units) of all the files and configs together (dom0/vfs.ts MAX_TOTAL_CHARS). */
export const MAX_TREE_CHARS = VFS_MAX_TOTAL_CHARS;
/** Levels of a dom0 path (dom0/vfs.ts MAX_DEPTH); PATH_PATTERN allows the same. */
export const MAX_PATH_DEPTH = VFS_MAX_DEPTH;
/** dom0's own directories (/etc, /etc/xen, /vm, /root): every lab has them, so no file may be one. */
export const DOM0_DIRS: readonly string[] = VFS_DEFAULT_DIRS;

// ---- numbers -----------------------------------------------------------------------------------

/** Host CPUs are a budget for vCPUs (host.ts); 64 is more than any machine the lab pretends to be. */
export const MAX_HOST_CPUS = 64;
/** A host must hold at least the smallest domain. */
export const MIN_HOST_MEMORY_MIB = MIN_MEMORY_MIB;
/** A host's memory is a budget, not an allocation, but 8 × 16 GiB already promises more than a tab can back. */
export const MAX_HOST_MEMORY_MIB = 16 * 1024;
/** Guest RAM: what the board accepts (machine/board.ts MAX_RAM_BYTES, lab/domain.ts). */
export { MIN_MEMORY_MIB as MIN_DOMAIN_MEMORY_MIB, MAX_MEMORY_MIB as MAX_DOMAIN_MEMORY_MIB };
/** describeMachine() builds boards of 1..8 harts. */
export const MAX_VCPUS = 8;
/** A Labfile's bandwidths are in Mbit/s, the lab's (migration/link.ts) in bit/s. */
export const BPS_PER_MBPS = 1e6;
/** Link bandwidth: what Lab.setLink accepts (migration/link.ts MIN/MAX_BANDWIDTH_BPS), 1 Mbit/s .. 100 Gbit/s. */
export const MIN_LINK_MBPS = MIN_BANDWIDTH_BPS / BPS_PER_MBPS;
export const MAX_LINK_MBPS = MAX_BANDWIDTH_BPS / BPS_PER_MBPS;
/** One-way link latency: what Lab.setLink accepts (migration/link.ts MAX_LATENCY_MS), 0 .. 10 s. */
export const MAX_LINK_LATENCY_MS = MAX_LATENCY_MS;
/** What a link entry leaves out: migration/link.ts DEFAULT_LINK (1 Gbit/s, 0.5 ms). */
export const DEFAULT_LINK_MBPS = DEFAULT_LINK.bandwidthBps / BPS_PER_MBPS;
export const DEFAULT_LINK_LATENCY_MS = DEFAULT_LINK.latencyMs;

// ---- patterns (the schema uses these exact strings; tests/unit/labfile/schema.test.ts checks) ---

/** Hosts and domains: the lab's rule (lab/domain.ts), which also makes a safe /etc/xen file name. */
export const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$';
/** A network is a Linux bridge in dom0: interface names are at most 15 characters (IFNAMSIZ 16). */
export const NETWORK_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$';
/**
 * An absolute dom0 path: "/"-separated names of letters, digits and "_.+@-", no "." or ".."
 * component (a file cannot land outside the tree it names), at most 16 levels.
 */
export const PATH_PATTERN = '^(?:/(?!\\.{1,2}(?:/|$))[A-Za-z0-9_.+@-]{1,64}){1,16}$';

/**
 * Characters no text in a Labfile may hold (as a regex class body, read with the `u` flag):
 * - C0 controls other than tab and line feed, DEL and C1 controls: text from a link reaches the
 *   dom0 terminal (`cat`, `lab import`), where ESC/CSI/OSC sequences would move the cursor,
 *   retitle the window or write the clipboard; a carriage return could overwrite a line shown;
 * - bidirectional embeddings, overrides and isolates (U+202A–202E, U+2066–2069): they make text
 *   read differently from what it is ("Trojan Source"), in a dialog that asks for trust;
 * - lone surrogates: not Unicode text (they would not survive UTF-8), and with `u` the class
 *   matches only unpaired ones.
 */
export const TEXT_FORBIDDEN = '\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069\\ud800-\\udfff';
/** The same for one line of text (the title): tab and line feed are not allowed either. */
export const LINE_FORBIDDEN = '\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069\\ud800-\\udfff';
/** Several lines: description, xl.cfg text, file contents. */
export const TEXT_PATTERN = `^[^${TEXT_FORBIDDEN}]*$`;
/** One line: the title. */
export const LINE_PATTERN = `^[^${LINE_FORBIDDEN}]*$`;
/** The title must show something. */
export const VISIBLE_PATTERN = '\\S';
