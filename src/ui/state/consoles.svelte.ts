/** Which consoles are open (as tabs) and which one is in front: the dom0 console and the VMs'. */

/** The dom0 console's key in `active` (no domain can be named so: names start with a letter or digit). */
export const DOM0 = '#dom0';

export class ConsoleTabs {
  /** VM consoles, by domain name, in the order opened. */
  open = $state<string[]>([]);
  /** The dom0 console's tab (always first when open). */
  dom0Open = $state(false);
  active = $state<string | undefined>();

  /** Every open tab, dom0 first. */
  get all(): string[] {
    return this.dom0Open ? [DOM0, ...this.open] : this.open;
  }

  show(name: string): void {
    if (name === DOM0) this.dom0Open = true;
    else if (!this.open.includes(name)) this.open = [...this.open, name];
    this.active = name;
  }

  close(name: string): void {
    const all = this.all;
    const i = all.indexOf(name);
    if (i < 0) return;
    if (name === DOM0) this.dom0Open = false;
    else this.open = this.open.filter((n) => n !== name);
    const rest = this.all;
    if (this.active === name) this.active = rest[Math.min(i, rest.length - 1)];
  }

  /** The TopBar's dom0 button: open it in front, or close it when it is in front already. */
  toggleDom0(): void {
    if (this.dom0Open && this.active === DOM0) this.close(DOM0);
    else this.show(DOM0);
  }
}
