/** How the e2e tests drive the lab page: through roles and names, as a person (or a screen reader) would. */
import { expect, type Locator, type Page } from '@playwright/test';

export const PROMPT = 'root@virtlab:/#';

export interface NewVm {
  name: string;
  image: 'linux' | 'counter' | 'memtouch';
  host?: 'host1' | 'host2';
  memoryMiB?: number;
}

export class LabPage {
  constructor(readonly page: Page) {}

  async open(path = '/'): Promise<void> {
    await this.page.goto(path);
    await expect(this.page.getByRole('region', { name: 'host host1' })).toBeVisible();
  }

  host(name: string): Locator {
    return this.page.getByRole('region', { name: `host ${name}` });
  }

  vm(name: string): Locator {
    return this.page.getByRole('article', { name, exact: true });
  }

  state(name: string): Locator {
    return this.vm(name).locator('.badge');
  }

  /** Fill in the New VM dialog and create (and start) the VM. */
  async create(vm: NewVm): Promise<void> {
    await this.page.getByRole('button', { name: 'New VM' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'New VM' });
    await dialog.getByLabel('Name').fill(vm.name);
    await dialog.getByLabel('Image').selectOption(vm.image);
    if (vm.memoryMiB) await dialog.getByLabel('Memory (MiB)').fill(String(vm.memoryMiB));
    if (vm.host) await dialog.getByLabel('Host').selectOption(vm.host);
    await dialog.getByRole('button', { name: 'Create and start' }).click();
    await expect(dialog).toBeHidden();
    await expect(this.vm(vm.name)).toBeVisible();
  }

  console(name: string): Locator {
    return this.page.getByRole('region', { name: `console ${name}` });
  }

  /** Bring a console's tab to the front. */
  async showConsole(name: string): Promise<void> {
    await this.page.getByRole('tab', { name, exact: true }).click();
    await expect(this.console(name)).toBeVisible();
  }

  /** The text on the console's screen (what xterm shows now, not its scrollback). */
  screen(name: string): Promise<string> {
    return this.console(name).locator('.xterm-rows').innerText();
  }

  async waitForScreen(name: string, pattern: RegExp, timeout = 30_000): Promise<string> {
    let text = '';
    await expect.poll(async () => (text = await this.screen(name)), { timeout, intervals: [100] }).toMatch(pattern);
    return text;
  }

  /** Type at the guest's console (the tab must be in front). */
  async type(name: string, text: string): Promise<void> {
    await this.console(name).locator('.xterm').click();
    await this.page.keyboard.type(text);
  }

  action(vm: string, label: string): Locator {
    return this.vm(vm).getByRole('button', { name: label, exact: true });
  }
}

/** The dom0 console's prompt (the shell's hostname is dom0; home is /root). */
export const DOM0_PROMPT = 'root@dom0:~#';

/** The dom0 console: open it from the top bar and run command lines in it. */
export class Dom0Console {
  constructor(readonly lab: LabPage) {}

  /** Open it from the top bar's dom0 button (if it is not open yet) and bring it to the front. */
  async open(): Promise<void> {
    const region = this.lab.console('dom0');
    if (!(await region.isVisible())) await this.lab.page.getByRole('button', { name: 'dom0', exact: true }).click();
    await expect(region).toBeVisible();
    await this.lab.waitForScreen('dom0', new RegExp(`${DOM0_PROMPT}\\s*$`));
  }

  /** Clear the screen (Ctrl-L), so what follows is all that shows. */
  async clear(): Promise<void> {
    await this.lab.console('dom0').locator('.xterm').click();
    await this.lab.page.keyboard.press('Control+l');
  }

  /**
   * Clear the screen, type a command line (several lines for a here-document) and Enter; wait
   * until the screen matches `expected` (default: the line, then the prompt back after its output).
   */
  async run(line: string, expected?: RegExp, timeout = 30_000): Promise<string> {
    await this.clear();
    await this.lab.type('dom0', `${line}\n`);
    const echo = line.slice(0, 20).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    return this.lab.waitForScreen('dom0', expected ?? new RegExp(`${echo}[\\s\\S]*\\n${DOM0_PROMPT}\\s*$`), timeout);
  }
}

/** Live migration on the dashboard: the panels, the links, and the whole console buffer. */
export class Migration {
  constructor(readonly lab: LabPage) {}

  /** The live panel of a domain's migration. */
  panel(vm: string): Locator {
    return this.lab.page.getByRole('region', { name: `migration ${vm}`, exact: true });
  }

  /** Drag a VM's card onto a host's panel (HTML5 drag and drop). */
  async drag(vm: string, host: string): Promise<void> {
    await this.lab.vm(vm).dragTo(this.lab.host(host));
  }

  /** The bandwidth slider of the link between two hosts, in the Links section. */
  bandwidth(a: string, b: string): Locator {
    return this.lab.page.getByRole('region', { name: 'Links' }).getByRole('slider', { name: `Bandwidth ${a} ↔ ${b}` });
  }

  /** Set a link's bandwidth by its label (10 Mbit/s … 10 Gbit/s). */
  async setBandwidth(a: string, b: string, label: string): Promise<void> {
    const steps = ['10 Mbit/s', '20 Mbit/s', '50 Mbit/s', '100 Mbit/s', '200 Mbit/s', '500 Mbit/s', '1 Gbit/s', '2 Gbit/s', '5 Gbit/s', '10 Gbit/s'];
    const i = steps.indexOf(label);
    if (i < 0) throw new Error(`no bandwidth step "${label}"`);
    await this.bandwidth(a, b).fill(String(i));
    await expect(this.bandwidth(a, b)).toHaveAttribute('aria-valuetext', label);
  }

  /** Every line of a console's terminal (its scrollback too), not only the rows on screen. */
  consoleText(vm: string): Promise<string> {
    return this.lab.console(vm).locator('.term').evaluate((el) => (el as HTMLElement & { consoleText(): string }).consoleText());
  }
}
