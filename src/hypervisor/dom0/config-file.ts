/** Reading an xl.cfg file from dom0's file system, for `virsh define` and `xl create`. */
import { parseXlCfg, XlCfgError, formatWarning, type XlConfig } from '../xen/xlcfg.ts';
import { errText, type ShellEnv } from './command.ts';

export type ConfigRead =
  | { readonly ok: true; readonly config: XlConfig; readonly warnings: readonly string[] }
  /** The file could not be read: `reason` is strerror's words. */
  | { readonly ok: false; readonly stage: 'read'; readonly reason: string }
  /** The file is not a valid config: `message` names the line and the key. */
  | { readonly ok: false; readonly stage: 'parse'; readonly message: string };

/**
 * Read and parse `path` (absolute), with `extraLines` appended (xl create's key=value overrides).
 * Without a `uuid` key a new UUID would be made up at every read; keep the one of an existing
 * domain of that name instead, as redefining a domain does.
 */
export function readConfigFile(env: ShellEnv, path: string, extraLines: readonly string[] = []): ConfigRead {
  let text: string;
  try {
    text = env.fs.readFile(path);
  } catch (e) {
    return { ok: false, stage: 'read', reason: errText(e) };
  }
  if (extraLines.length > 0) text += `\n${extraLines.join('\n')}\n`;
  try {
    const { config, warnings, uuidGenerated } = parseXlCfg(text, { random: env.random });
    const existing = env.host.domains().find((d) => d.name === config.name);
    return { ok: true, config: uuidGenerated && existing ? { ...config, uuid: existing.uuid } : config, warnings: warnings.map(formatWarning) };
  } catch (e) {
    if (e instanceof XlCfgError) return { ok: false, stage: 'parse', message: e.message };
    throw e;
  }
}
