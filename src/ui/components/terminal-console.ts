/**
 * The xterm both consoles (a domain's serial console, the dom0 shell) are drawn in: one font,
 * theme and scrollback, fitted to its box, with the same copy and paste keys and buttons.
 */
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { TERMINAL_THEME } from './terminal-theme.ts';

/** The selection to the clipboard (if there is one); the focus back to the terminal. */
export async function copySelection(term: Terminal | undefined): Promise<void> {
  const text = term?.getSelection();
  if (text) await navigator.clipboard.writeText(text).catch(() => {});
  term?.focus();
}

/** The clipboard's text typed into the terminal (if it can be read); the focus back to it. */
export async function pasteClipboard(term: Terminal | undefined): Promise<void> {
  const text = await navigator.clipboard.readText().catch(() => '');
  if (text) term?.paste(text);
  term?.focus();
}

export interface ConsoleTerminal {
  readonly term: Terminal;
  /** Fit the terminal to its box (done whenever the box resizes); a hidden tab has no size and is left as it is. */
  refit(): void;
  /** The console's tab came to the front: fit and focus once the page has laid it out. */
  shown(): void;
  /** Stop following the box's size and dispose of the terminal. */
  dispose(): void;
}

/**
 * A terminal opened in `host`, its input named `console NAME input`. Copy: Ctrl+Shift+C, or Ctrl+C
 * with a selection (otherwise Ctrl+C goes to the terminal); Ctrl+V is left to the browser, whose
 * paste event xterm turns into input. Not yet fitted: call refit() when the caller is ready.
 */
export function openConsoleTerminal(host: HTMLElement, name: string): ConsoleTerminal {
  const term = new Terminal({
    fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
    fontSize: 13,
    lineHeight: 1.15,
    scrollback: 5000,
    cursorBlink: true,
    theme: TERMINAL_THEME,
    allowProposedApi: false,
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(host);
  term.textarea?.setAttribute('aria-label', `console ${name} input`);
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== 'keydown') return true;
    const key = e.key.toLowerCase();
    if ((e.ctrlKey || e.metaKey) && key === 'c' && (e.shiftKey || term.hasSelection())) { void copySelection(term); return false; }
    // Let the browser deliver a paste event, which xterm turns into input.
    if ((e.ctrlKey || e.metaKey) && key === 'v') return false;
    return true;
  });
  const refit = (): void => {
    if (host.offsetWidth > 0 && host.offsetHeight > 0) fit.fit();
  };
  const observer = new ResizeObserver(refit);
  observer.observe(host);
  return {
    term,
    refit,
    shown: () => queueMicrotask(() => { refit(); term.focus(); }),
    dispose: () => { observer.disconnect(); term.dispose(); },
  };
}
