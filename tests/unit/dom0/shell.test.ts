import { describe, expect, it } from 'vitest';
import { Dom0Shell, MAX_INPUT_CHARS } from '../../../src/hypervisor/dom0/shell.ts';
import { MAX_LINE_CHARS } from '../../../src/hypervisor/dom0/line-editor.ts';
import { Vfs } from '../../../src/hypervisor/dom0/vfs.ts';
import { parseXlCfg } from '../../../src/hypervisor/xen/xlcfg.ts';
import { FakeHost } from './fake-host.ts';
import { counting, T0 } from './run.ts';
import { Term } from './term.ts';
import { CHEF } from '../xen/chef.ts';

const PROMPT = 'root@dom0:~# ';
const LEFT = '\x1b[D';
const RIGHT = '\x1b[C';
const UP = '\x1b[A';
const DOWN = '\x1b[B';

function session(columns = 80, history: string[] = []) {
  const host = new FakeHost();
  const fs = Vfs.withDefaults({ now: () => T0 });
  const term = new Term(columns);
  const shell = new Dom0Shell({ host, fs, output: (s) => term.write(s), columns, random: counting(), now: () => T0, history });
  shell.start();
  const bannerRows = term.row;
  const type = async (s: string | Uint8Array) => { shell.feed(s); await shell.idle(); };
  /** Lines after the banner. */
  const screen = () => term.lines().slice(bannerRows);
  /** Cursor [row, column], rows counted after the banner. */
  const cursor = () => [term.row - bannerRows, term.col];
  return { host, fs, term, shell, type, screen, cursor };
}

const cfg = (name: string, memory = 128) => parseXlCfg(`name = "${name}"\nmemory = ${memory}\nimage = "linux"`).config;

describe('dom0 shell: prompt and line editing', () => {
  it('greets, prompts, runs a line and prompts again', async () => {
    const s = session();
    expect(s.term.lines()).toEqual(["virtlab dom0: virsh, xl and virt-install manage the domains. Try 'help'.", PROMPT.trimEnd()]);
    await s.type('echo hello world\r');
    expect(s.screen()).toEqual([`${PROMPT}echo hello world`, 'hello world', PROMPT.trimEnd()]);
    expect(s.term.current()).toBe(PROMPT);
    expect(s.term.col).toBe(PROMPT.length);
  });

  it('inserts in the middle of the line, deletes backwards and forwards', async () => {
    const s = session();
    await s.type(`eho hi${LEFT.repeat(5)}c`);
    expect(s.term.current()).toBe(`${PROMPT}echo hi`);
    expect(s.term.col).toBe(PROMPT.length + 2);
    await s.type(`\x1b[F!!\x7f\x1b[H\x1b[3~e${RIGHT}${RIGHT}`); // End, type, backspace, Home, Delete, …
    expect(s.term.current()).toBe(`${PROMPT}echo hi!`);
    await s.type('\r');
    expect(s.screen()).toContain('hi!');
  });

  it('Ctrl-A/E move, Ctrl-K and Ctrl-W cut, Ctrl-U clears the line', async () => {
    const s = session();
    await s.type('echo one two three\x17\x17'); // two words back
    expect(s.term.current()).toBe(`${PROMPT}echo one `);
    await s.type('\x01\x05X\x01\x0b'); // Ctrl-A, Ctrl-E, X, Ctrl-A, Ctrl-K
    expect(s.term.current()).toBe(PROMPT);
    await s.type('garbage\x15echo ok\r');
    expect(s.screen().slice(-2)).toEqual(['ok', PROMPT.trimEnd()]);
  });

  it('Ctrl-C drops the line and shows ^C', async () => {
    const s = session();
    await s.type('echo no\x03');
    expect(s.screen()).toEqual([`${PROMPT}echo no^C`, PROMPT.trimEnd()]);
    expect(s.shell.history).toEqual([]);
  });

  it('decodes escape sequences split across chunks, and UTF-8 split across byte chunks', async () => {
    const s = session();
    await s.type('echo ab');
    await s.type('\x1b');
    await s.type('[D');
    await s.type('X\r');
    expect(s.screen()).toContain('aXb');
    await s.type('echo ');
    await s.type(new Uint8Array([0xc3]));
    await s.type(new Uint8Array([0xa9]));
    await s.type('\r');
    expect(s.screen()).toContain('é');
  });

  it('runs pasted lines in order, CRLF counting once', async () => {
    const s = session();
    await s.type('echo a\r\necho b\r\n');
    expect(s.screen()).toEqual([`${PROMPT}echo a`, 'a', `${PROMPT}echo b`, 'b', PROMPT.trimEnd()]);
  });

  it('edits a line wider than the terminal across its rows', async () => {
    const s = session(20); // the prompt takes 13 of 20 columns
    await s.type('echo abcdefghijklmnop');
    expect(s.screen()).toEqual(['root@dom0:~# echo ab', 'cdefghijklmnop']);
    await s.type(`${LEFT.repeat(12)}XY`); // insert on the second row
    expect(s.screen()).toEqual(['root@dom0:~# echo ab', 'cdXYefghijklmnop']);
    expect(s.cursor()).toEqual([1, 4]);
    await s.type(`${LEFT.repeat(6)}-`); // back across the wrap onto the first row
    expect(s.screen()).toEqual(['root@dom0:~# echo -a', 'bcdXYefghijklmnop']);
    expect(s.cursor()).toEqual([0, 19]);
    await s.type('\r');
    expect(s.screen()).toEqual(['root@dom0:~# echo -a', 'bcdXYefghijklmnop', '-abcdXYefghijklmnop', 'root@dom0:~#']);
  });

  it('handles a line that ends exactly at the right margin', async () => {
    const s = session(20);
    await s.type('echo 1234567890123456789012'); // 13 + 27 = 40 columns: two full rows
    expect(s.screen()).toEqual(['root@dom0:~# echo 12', '34567890123456789012']);
    expect(s.cursor()).toEqual([2, 0]); // on the next row, not held at the margin
    await s.type('\x7f');
    expect(s.screen()).toEqual(['root@dom0:~# echo 12', '3456789012345678901']);
    expect(s.cursor()).toEqual([1, 19]);
    await s.type('2\r');
    expect(s.screen()).toEqual(['root@dom0:~# echo 12', '34567890123456789012', '12345678901234567890', '12', 'root@dom0:~#']);
  });

  it('rings the bell when the line is full', async () => {
    const s = session();
    await s.type('x'.repeat(MAX_LINE_CHARS + 10));
    expect(s.term.bells).toBe(1);
  });

  it('clears the screen with clear and Ctrl-L', async () => {
    const s = session();
    await s.type('echo a\rclear\r');
    expect(s.term.lines()).toEqual([PROMPT.trimEnd()]);
    await s.type('echo b\x0c');
    expect(s.term.lines()).toEqual([`${PROMPT}echo b`]);
  });
});

describe('dom0 shell: history', () => {
  it('browses with up and down, keeping the line being typed', async () => {
    const s = session();
    await s.type('echo 1\recho 2\recho 2\rec');
    expect(s.shell.history).toEqual(['echo 1', 'echo 2']);
    await s.type(UP);
    expect(s.term.current()).toBe(`${PROMPT}echo 2`);
    await s.type(UP);
    expect(s.term.current()).toBe(`${PROMPT}echo 1`);
    await s.type(UP);
    expect(s.term.bells).toBe(1);
    await s.type(DOWN);
    expect(s.term.current()).toBe(`${PROMPT}echo 2`);
    await s.type(DOWN);
    expect(s.term.current()).toBe(`${PROMPT}ec`);
    await s.type(`${UP}${UP}\r`);
    expect(s.shell.history).toEqual(['echo 1', 'echo 2', 'echo 1']);
  });

  it('starts from a saved history and lists it', async () => {
    const s = session(80, ['virsh list --all']);
    await s.type(UP);
    expect(s.term.current()).toBe(`${PROMPT}virsh list --all`);
    await s.type('\x15history\r');
    expect(s.screen()).toContain('    1  virsh list --all');
    expect(s.screen()).toContain('    2  history');
  });
});

describe('dom0 shell: Tab completion', () => {
  it('completes command names; a second Tab lists the choices', async () => {
    const s = session();
    await s.type('virs\t');
    expect(s.term.current()).toBe(`${PROMPT}virsh `);
    await s.type('\x15vir\t');
    expect(s.term.bells).toBe(1);
    await s.type('\t');
    expect(s.screen()).toEqual([`${PROMPT}vir`, 'virsh         virt-install', `${PROMPT}vir`]); // columns as wide as the longest + 2
  });

  it('completes subcommands, options, domain names and images', async () => {
    const s = session();
    s.host.add(cfg('chef'));
    s.host.add(cfg('web'), 'running');
    await s.type('virsh li\t--a\t');
    expect(s.term.current()).toBe(`${PROMPT}virsh list --all `);
    await s.type('\x15virsh start \t');
    expect(s.term.current()).toBe(`${PROMPT}virsh start chef `); // only the shut-off one
    await s.type('\x15virsh shutdown \t');
    expect(s.term.current()).toBe(`${PROMPT}virsh shutdown web `);
    await s.type('\x15xl cr\t');
    expect(s.term.current()).toBe(`${PROMPT}xl create `);
    await s.type('\x15xl pause \t');
    expect(s.term.current()).toBe(`${PROMPT}xl pause web `);
    await s.type('\x15virt-install --ima\tl\t');
    expect(s.term.current()).toBe(`${PROMPT}virt-install --image linux `);
  });

  it('completes paths, also after a redirection and in relative form', async () => {
    const s = session();
    s.fs.writeFile('/etc/xen/my chef', 'x');
    await s.type('cat /etc/x\t');
    expect(s.term.current()).toBe(`${PROMPT}cat /etc/xen/`);
    await s.type('my\t');
    expect(s.term.current()).toBe(`${PROMPT}cat /etc/xen/my\\ chef `);
    await s.type('\x15echo hi > /v\t');
    expect(s.term.current()).toBe(`${PROMPT}echo hi > /vm/`);
    await s.type('\x15cd /etc\rxl create xen/xl\t');
    expect(s.term.current()).toBe('root@dom0:/etc# xl create xen/xlexample.linux ');
  });
});

describe('dom0 shell: here-documents, typed input, pipes, redirections', () => {
  
  it('runs the seed’s story: write /etc/xen/chef, create, list, pause, resume, shut down', async () => {
    const s = session();
    await s.type(`cat > /etc/xen/chef << EOF\r${CHEF.replace(/\n/g, '\r')}EOF\r`);
    expect(s.fs.readFile('/etc/xen/chef')).toBe(CHEF);
    expect(s.screen()[1]).toBe('> name = "chef"');
    await s.type('xl create /etc/xen/chef\r');
    await s.type('virsh list --all\r');
    await s.type('virsh suspend chef\r');
    await s.type('virsh domstate chef\r');
    await s.type('virsh resume chef\r');
    await s.type('virsh shutdown chef\r');
    await s.type('virsh list --all\r');
    const out = s.screen().join('\n');
    expect(out).toContain([
      `${PROMPT}xl create /etc/xen/chef`,
      'Parsing config from /etc/xen/chef',
      'WARNING: line 6: bootloader: not used by the lab (kept as written)',
      'WARNING: line 10: vfb: not used by the lab (kept as written)',
      `${PROMPT}virsh list --all`,
      ' Id   Name   State',
      '----------------------',
      ' 1    chef   running',
      '',
      `${PROMPT}virsh suspend chef`,
      "Domain 'chef' suspended",
      '',
      `${PROMPT}virsh domstate chef`,
      'paused',
      '',
      `${PROMPT}virsh resume chef`,
      "Domain 'chef' resumed",
      '',
      `${PROMPT}virsh shutdown chef`,
      "Domain 'chef' is being shutdown",
      '',
      `${PROMPT}virsh list --all`,
      ' Id   Name   State',
      '-----------------------',
      ' -    chef   shut off',
    ].join('\n'));
  });

  it('strips leading tabs with <<-, and warns when Ctrl-D ends a here-document', async () => {
    const s = session();
    await s.type("cat <<- 'END' > /root/a\r\tone\r\t\ttwo\r\tEND\r");
    expect(s.fs.readFile('/root/a')).toBe('one\ntwo\n');
    await s.type('cat << EOF > /root/b\rpartial\r\x04');
    expect(s.screen()).toContain("bash: warning: here-document delimited by end-of-file (wanted `EOF')");
    expect(s.fs.readFile('/root/b')).toBe('partial\n');
  });

  it('reads what is typed for cat > FILE until Ctrl-D; Ctrl-C cancels', async () => {
    const s = session();
    await s.type('cat > /root/notes\rline 1\rline 2\r\x04');
    expect(s.fs.readFile('/root/notes')).toBe('line 1\nline 2\n');
    expect(s.term.current()).toBe(PROMPT);
    await s.type('cat > /root/other\rnever\x03');
    expect(s.fs.stat('/root/other')).toBeUndefined();
    await s.type('tee /root/t\rhi\r\x04');
    expect(s.fs.readFile('/root/t')).toBe('hi\n');
    expect(s.screen().slice(-2)).toEqual(['hi', PROMPT.trimEnd()]);
  });

  it('pipes, redirects stdout and stderr, and reads files with <', async () => {
    const s = session();
    await s.type('echo hello | tee /root/a /root/b\r');
    expect([s.fs.readFile('/root/a'), s.fs.readFile('/root/b')]).toEqual(['hello\n', 'hello\n']);
    await s.type('echo one > /root/f\recho two >> /root/f\rcat < /root/f\r');
    expect(s.screen().slice(-3)).toEqual(['one', 'two', PROMPT.trimEnd()]);
    await s.type('virsh start nosuch 2> /root/err\r');
    expect(s.fs.readFile('/root/err')).toBe("error: failed to get domain 'nosuch'\n");
    await s.type('cat /nosuch 2>&1 | tee /root/x > /root/y\r');
    expect(s.fs.readFile('/root/x')).toBe('cat: /nosuch: No such file or directory\n');
    await s.type('virsh list --all > /etc/xen/list\r> /root/empty\r');
    expect(s.fs.readFile('/etc/xen/list')).toBe(' Id   Name   State\n--------------------\n\n');
    expect(s.fs.readFile('/root/empty')).toBe('');
    await s.type('echo x > /nodir/f\rcat < /nope\r');
    expect(s.screen().slice(-4)).toEqual(['bash: /nodir/f: No such file or directory', `${PROMPT}cat < /nope`, 'bash: /nope: No such file or directory', PROMPT.trimEnd()]);
  });

  it('runs ; && || lists, continues open quotes and pipes, and reports syntax errors', async () => {
    const s = session();
    await s.type('cat /nosuch && echo yes || echo no; echo end\r');
    expect(s.screen().slice(1, 4)).toEqual(['cat: /nosuch: No such file or directory', 'no', 'end']);
    await s.type('echo "a\r');
    expect(s.term.current()).toBe('> ');
    await s.type('b"\recho x |\rcat\r');
    expect(s.screen()).toContain('a');
    expect(s.screen()).toContain('b');
    expect(s.screen().slice(-2)).toEqual(['x', PROMPT.trimEnd()]);
    await s.type('| x\rfoo bar\recho a &\r');
    expect(s.screen().slice(-7, -1)).toEqual([
      `${PROMPT}| x`, "bash: syntax error near unexpected token `|'",
      `${PROMPT}foo bar`, 'bash: foo: command not found',
      `${PROMPT}echo a &`, 'bash: background jobs (&) are not supported in this shell',
    ]);
  });

  it('bounds here-documents', async () => {
    const s = session();
    await s.type('cat << EOF\r');
    for (let i = 0; i * 1000 <= MAX_INPUT_CHARS; i++) s.shell.feed('y'.repeat(999) + '\r');
    await s.shell.idle();
    expect(s.screen()).toContain(`bash: input longer than ${MAX_INPUT_CHARS} characters; cancelled`);
    expect(s.term.current()).toBe(PROMPT);
  });
});

describe('dom0 shell: commands that take time', () => {
  it('keeps keys typed while a command runs and handles them after it', async () => {
    const s = session();
    s.host.add(cfg('web'));
    let open!: () => void;
    s.host.startGate = new Promise((r) => { open = r; });
    s.shell.feed('virsh start web\r');
    s.shell.feed('echo queued\r');
    open();
    await s.shell.idle();
    expect(s.screen()).toEqual([`${PROMPT}virsh start web`, "Domain 'web' started", '', `${PROMPT}echo queued`, 'queued', PROMPT.trimEnd()]);
  });

  it('Ctrl-C stops waiting for a command; what it prints later is dropped', async () => {
    const s = session();
    s.host.add(cfg('web'));
    let open!: () => void;
    s.host.startGate = new Promise((r) => { open = r; });
    s.shell.feed('virsh start web\r');
    await s.type('\x03');
    await s.type('echo after\r');
    open();
    await new Promise((r) => setTimeout(r, 0));
    expect(s.screen()).toEqual([`${PROMPT}virsh start web`, '^C', `${PROMPT}echo after`, 'after', PROMPT.trimEnd()]);
    expect(s.host.recs.get('web')!.state).toBe('running'); // the operation itself went on
  });
});

describe('dom0 shell: cd, pwd and help', () => {
  it('changes directory and shows it in the prompt', async () => {
    const s = session();
    await s.type('cd /etc/xen\rpwd\r');
    expect(s.screen().slice(-2)).toEqual(['/etc/xen', 'root@dom0:/etc/xen#']);
    await s.type('cd nosuch\rcd\r');
    expect(s.screen().slice(-4)).toEqual(['root@dom0:/etc/xen# cd nosuch', 'bash: cd: nosuch: No such file or directory', 'root@dom0:/etc/xen# cd', PROMPT.trimEnd()]);
  });

  it('lists the commands', async () => {
    const s = session();
    await s.type('help\r');
    const out = s.screen().join('\n');
    for (const c of ['virsh', 'xl', 'virt-install', 'ls', 'cat', 'tee', 'rm', 'mkdir', 'cp', 'mv', 'echo', 'clear']) expect(out).toMatch(new RegExp(`^  ${c} +\\S`, 'm'));
  });
});
