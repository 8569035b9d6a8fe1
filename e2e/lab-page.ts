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
