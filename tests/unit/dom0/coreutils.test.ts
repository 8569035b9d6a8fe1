import { describe, expect, it } from 'vitest';
import { parseLine, shellQuote, tokenize } from '../../../src/hypervisor/dom0/cmdline.ts';
import { makeEnv, run, T0 } from './run.ts';

describe('file commands', () => {
  it('ls lists names, -a adds dot entries, -l the long format', async () => {
    const env = makeEnv();
    env.fs.writeFile('/etc/xen/chef', 'name = "chef"\n');
    env.fs.writeFile('/etc/xen/.hidden', '');
    expect(await run(env, 'ls /etc/xen')).toEqual({ out: 'chef  xlexample.linux\n', err: '', status: 0 });
    expect((await run(env, 'ls -a /etc/xen')).out).toBe('.  ..  .hidden  chef  xlexample.linux\n');
    expect((await run(env, 'ls -1 /')).out).toBe('etc\nroot\nvm\n');
    const d = new Date(T0);
    const date = `${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()]} ${String(d.getDate()).padStart(2)} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    const size = env.fs.stat('/etc/xen/xlexample.linux')!.size;
    expect((await run(env, 'ls -l /etc/xen')).out).toBe(
      'total 8\n' +
      `-rw-r--r-- 1 root root ${String(14).padStart(String(size).length)} ${date} chef\n` +
      `-rw-r--r-- 1 root root ${size} ${date} xlexample.linux\n`,
    );
    expect((await run(env, 'ls -l /')).out).toContain(`drwxr-xr-x 3 root root 4096 ${date} etc\n`);
  });

  it('ls of several operands: files first, then each directory under a heading', async () => {
    const env = makeEnv();
    env.cwdValue = '/etc';
    expect((await run(env, 'ls xen/xlexample.linux /vm xen')).out).toBe('xen/xlexample.linux\n\n/vm:\n\nxen:\nxlexample.linux\n');
    expect(await run(env, 'ls /nope -z')).toEqual({ out: '', err: "ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n", status: 2 });
    expect(await run(env, 'ls /nope')).toEqual({ out: '', err: "ls: cannot access '/nope': No such file or directory\n", status: 2 });
  });

  it('cat prints files and stdin; errors per file', async () => {
    const env = makeEnv();
    env.fs.writeFile('/root/a', 'A\n');
    expect(await run(env, 'cat a - /etc a', 'IN\n')).toEqual({ out: 'A\nIN\nA\n', err: 'cat: /etc: Is a directory\n', status: 1 });
    expect(await run(env, 'cat', 'typed\n')).toEqual({ out: 'typed\n', err: '', status: 0 });
  });

  it('echo with -n and -e', async () => {
    const env = makeEnv();
    expect((await run(env, 'echo -n a b')).out).toBe('a b');
    expect((await run(env, "echo -e 'x\\ty\\n'")).out).toBe('x\ty\n\n');
    expect((await run(env, 'echo -x')).out).toBe('-x\n');
  });

  it('tee writes and appends', async () => {
    const env = makeEnv();
    await run(env, 'tee /root/t', 'one\n');
    expect(await run(env, 'tee -a /root/t /nodir/t', 'two\n')).toEqual({ out: 'two\n', err: 'tee: /nodir/t: No such file or directory\n', status: 1 });
    expect(env.fs.readFile('/root/t')).toBe('one\ntwo\n');
  });

  it('mkdir, touch, rm with coreutils’ messages', async () => {
    const env = makeEnv();
    expect((await run(env, 'mkdir /vm')).err).toBe("mkdir: cannot create directory '/vm': File exists\n");
    expect((await run(env, 'mkdir /a/b')).err).toBe("mkdir: cannot create directory '/a/b': No such file or directory\n");
    expect((await run(env, 'mkdir -p /a/b')).status).toBe(0);
    expect((await run(env, 'mkdir')).err).toBe("mkdir: missing operand\nTry 'mkdir --help' for more information.\n");
    await run(env, 'touch /a/b/f');
    expect((await run(env, 'rm /a')).err).toBe("rm: cannot remove '/a': Is a directory\n");
    expect((await run(env, 'rm /zz')).err).toBe("rm: cannot remove '/zz': No such file or directory\n");
    expect(await run(env, 'rm -f /zz')).toEqual({ out: '', err: '', status: 0 });
    expect((await run(env, 'rm -rf /')).err).toBe("rm: it is dangerous to operate recursively on '/'\n");
    expect((await run(env, 'rm -r /a')).status).toBe(0);
    expect(env.fs.stat('/a')).toBeUndefined();
    expect((await run(env, 'touch /no/f')).err).toBe("touch: cannot touch '/no/f': No such file or directory\n");
  });

  it('cp and mv: into directories, renames, -r for trees', async () => {
    const env = makeEnv();
    env.fs.writeFile('/etc/xen/chef', 'x');
    await run(env, 'cp /etc/xen/chef /etc/xen/chef2');
    await run(env, 'cp /etc/xen/chef /vm');
    expect([env.fs.readFile('/etc/xen/chef2'), env.fs.readFile('/vm/chef')]).toEqual(['x', 'x']);
    expect((await run(env, 'cp /etc /vm')).err).toBe("cp: -r not specified; omitting directory '/etc'\n");
    await run(env, 'cp -r /etc /root/etc-copy');
    expect(env.fs.readFile('/root/etc-copy/xen/chef')).toBe('x');
    await run(env, 'mv /etc/xen/chef2 /etc/xen/web');
    expect(env.fs.readdir('/etc/xen')).toEqual(['chef', 'web', 'xlexample.linux']);
    expect((await run(env, 'mv /etc/xen/chef /etc/xen/web /root/nodir')).err).toBe("mv: target '/root/nodir' is not a directory\n");
    expect((await run(env, 'mv /nope /vm')).err).toBe("mv: cannot stat '/nope': No such file or directory\n");
    expect((await run(env, 'cp /etc/xen/chef')).err).toBe("cp: missing destination file operand after '/etc/xen/chef'\nTry 'cp --help' for more information.\n");
  });
});

describe('command-line grammar', () => {
  it('splits words with quotes and escapes', () => {
    const words = tokenize(`a 'b c' "d \\"e\\" $f" g\\ h # comment`)!.map((t) => (t.t === 'word' ? t.word.text : t.op));
    expect(words).toEqual(['a', 'b c', 'd "e" $f', 'g h']);
  });

  it('parses lists, pipelines and redirections', () => {
    expect(parseLine('cat < in | tee -a out >> log 2>&1 && echo ok; ls')).toEqual({
      kind: 'ok',
      items: [
        { pipeline: [{ argv: ['cat'], redirects: [{ op: '<', target: 'in' }] }, { argv: ['tee', '-a', 'out'], redirects: [{ op: '>>', target: 'log' }, { op: '2>&1' }] }] },
        { pipeline: [{ argv: ['echo', 'ok'], redirects: [] }], after: '&&' },
        { pipeline: [{ argv: ['ls'], redirects: [] }], after: ';' },
      ],
    });
    expect(parseLine("cat <<- 'EOF' > f")).toMatchObject({ kind: 'ok', items: [{ pipeline: [{ argv: ['cat'], redirects: [{ op: '<<', delimiter: 'EOF', stripTabs: true }, { op: '>', target: 'f' }] }] }] });
    expect(parseLine('echo a2>b')).toMatchObject({ items: [{ pipeline: [{ argv: ['echo', 'a2'], redirects: [{ op: '>', target: 'b' }] }] }] });
  });

  it('knows incomplete lines and syntax errors', () => {
    for (const l of ['echo "a', "echo 'a", 'echo a\\', 'a |', 'a &&', 'a ||']) expect(parseLine(l).kind).toBe('incomplete');
    expect(parseLine('a ;')).toMatchObject({ kind: 'ok' });
    expect(parseLine('; a')).toEqual({ kind: 'error', message: "syntax error near unexpected token `;'" });
    expect(parseLine('echo >')).toEqual({ kind: 'error', message: "syntax error near unexpected token `newline'" });
    expect(parseLine('echo > | x')).toEqual({ kind: 'error', message: "syntax error near unexpected token `|'" });
    expect(parseLine('  # only a comment')).toEqual({ kind: 'ok', items: [] });
  });

  it('quotes words for the shell', () => {
    expect(['plain', 'two words', "it's", ''].map(shellQuote)).toEqual(['plain', "'two words'", "'it'\\''s'", "''"]);
  });
});
