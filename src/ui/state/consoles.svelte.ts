/** Which consoles are open (as tabs) and which one is in front. */
export class ConsoleTabs {
  open = $state<string[]>([]);
  active = $state<string | undefined>();

  show(name: string): void {
    if (!this.open.includes(name)) this.open = [...this.open, name];
    this.active = name;
  }

  close(name: string): void {
    const i = this.open.indexOf(name);
    if (i < 0) return;
    this.open = this.open.filter((n) => n !== name);
    if (this.active === name) this.active = this.open[Math.min(i, this.open.length - 1)];
  }
}
