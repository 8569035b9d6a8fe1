/** The page's entry: check isolation, compile the core, build the lab and show the dashboard. */
import { mount } from 'svelte';
import LabRoot from './share/LabRoot.svelte';
import Fatal from './components/Fatal.svelte';
import { compileCore } from './core-module.ts';
import { HttpImageSource } from '../hypervisor/images/download.ts';
import { WorkerVmLauncher } from '../workers/vm-client.ts';
import { LabSession } from './share/session.svelte.ts';
import { indexedDbStorage } from './share/persist.ts';
import './app.css';

const target = document.getElementById('app')!;

/** Set while a reload for isolation is under way, so a page that cannot be isolated does not reload forever. */
const RELOADED_KEY = 'virtlab:isolation-reload';

/**
 * Shared memory needs cross-origin isolation. Without COOP/COEP from the server, coi-serviceworker
 * (loaded first by index.html) registers and reloads the page through itself; it can miss its own
 * first `updatefound`, so once its worker is active the page reloads here too (once).
 */
async function ensureIsolated(): Promise<void> {
  if (crossOriginIsolated) {
    sessionStorage.removeItem(RELOADED_KEY);
    return;
  }
  if (!('serviceWorker' in navigator) || !isSecureContext) {
    throw new Error('This page needs cross-origin isolation (COOP/COEP headers, or a service worker over HTTPS or localhost) to share memory with its VMs.');
  }
  const ready = await Promise.race([navigator.serviceWorker.ready.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 10_000))]);
  if (ready && !sessionStorage.getItem(RELOADED_KEY)) {
    sessionStorage.setItem(RELOADED_KEY, '1');
    location.reload();
    await new Promise(() => {}); // the page is going away
  }
  sessionStorage.removeItem(RELOADED_KEY); // a reload by the person may try once more
  throw new Error('This page could not be made cross-origin isolated: the server sends no COOP/COEP headers and the service worker did not take over. Reload to try again.');
}

async function boot(): Promise<void> {
  await ensureIsolated();
  const module = await compileCore();
  const images = new HttpImageSource(new URL('images/index.json', document.baseURI));
  // The lab: the one kept in this browser (issue 7), or a fresh one; a #lab= link opens after.
  const session = new LabSession({ launcher: new WorkerVmLauncher(module), images, storage: indexedDbStorage() });
  await session.restore();
  mount(LabRoot, { target, props: { session } });
  void session.watchLinks();
}

boot().catch((e: unknown) => {
  mount(Fatal, { target, props: { message: (e as Error).message ?? String(e) } });
});
