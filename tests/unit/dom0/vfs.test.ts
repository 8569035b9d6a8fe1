import { describe, expect, it } from 'vitest';
import { MAX_FILE_CHARS, MAX_NODES, MAX_TOTAL_CHARS, Vfs, VfsError, type VfsErrorCode } from '../../../src/hypervisor/dom0/vfs.ts';

function code(f: () => unknown): VfsErrorCode {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VfsError);
    return (e as VfsError).code;
  }
  throw new Error('no error');
}

describe('Vfs', () => {
  it('starts with /etc/xen, /vm and root’s home, and an example config', () => {
    const fs = Vfs.withDefaults();
    expect(fs.readdir('/')).toEqual(['etc', 'root', 'vm']);
    expect(fs.readdir('/etc/xen')).toEqual(['xlexample.linux']);
    expect(fs.readFile('/etc/xen/xlexample.linux')).toContain('image = "linux"');
  });

  it('resolves paths: relative to a directory, ~, . and ..', () => {
    const fs = new Vfs();
    expect(fs.resolve('chef', '/etc/xen')).toBe('/etc/xen/chef');
    expect(fs.resolve('../vm/./a.img', '/etc')).toBe('/vm/a.img');
    expect(fs.resolve('~')).toBe('/root');
    expect(fs.resolve('~/notes')).toBe('/root/notes');
    expect(fs.resolve('/../..//x/')).toBe('/x');
    expect(code(() => fs.resolve('x'.repeat(256)))).toBe('ENAMETOOLONG');
    expect(code(() => fs.resolve('/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q'))).toBe('ENAMETOOLONG');
    expect(code(() => fs.resolve('a\0b'))).toBe('EINVAL');
  });

  it('writes, appends, reads and lists', () => {
    const fs = Vfs.withDefaults({ now: () => 1000 });
    fs.writeFile('/etc/xen/chef', 'name = "chef"\n');
    fs.writeFile('/etc/xen/chef', 'memory = 1024\n', { append: true });
    expect(fs.readFile('/etc/xen/chef')).toBe('name = "chef"\nmemory = 1024\n');
    expect(fs.stat('/etc/xen/chef')).toEqual({ kind: 'file', size: 28, mtime: 1000 });
    expect(fs.readdir('/etc/xen')).toEqual(['chef', 'xlexample.linux']);
  });

  it('reports errors as the kernel would', () => {
    const fs = Vfs.withDefaults();
    fs.writeFile('/root/f', 'x');
    expect(code(() => fs.readFile('/nope'))).toBe('ENOENT');
    expect(code(() => fs.readFile('/etc'))).toBe('EISDIR');
    expect(code(() => fs.readdir('/root/f'))).toBe('ENOTDIR');
    expect(code(() => fs.readFile('/root/f/g'))).toBe('ENOTDIR');
    expect(code(() => fs.writeFile('/no/such/dir/f', 'x'))).toBe('ENOENT');
    expect(code(() => fs.writeFile('/etc/xen', 'x'))).toBe('EISDIR');
    expect(code(() => fs.mkdir('/etc'))).toBe('EEXIST');
    expect(code(() => fs.mkdir('/a/b'))).toBe('ENOENT');
    expect(code(() => fs.remove('/etc'))).toBe('ENOTEMPTY');
    expect(code(() => fs.remove('/'))).toBe('EPERM');
    expect(code(() => fs.rename('/etc', '/etc/xen/etc'))).toBe('EINVAL');
    expect(code(() => fs.rename('/root/f', '/vm'))).toBe('EISDIR');
  });

  it('makes parents, removes trees and moves directories with their contents', () => {
    const fs = Vfs.withDefaults();
    fs.mkdir('/srv/a/b', { parents: true });
    fs.mkdir('/srv/a/b', { parents: true }); // no error with -p
    fs.writeFile('/srv/a/b/f', 'data');
    fs.rename('/srv/a', '/srv/z');
    expect(fs.readFile('/srv/z/b/f')).toBe('data');
    expect(fs.stat('/srv/a')).toBeUndefined();
    fs.copyFile('/srv/z/b/f', '/root/copy');
    fs.remove('/srv', { recursive: true });
    expect(fs.readdir('/')).toEqual(['etc', 'root', 'vm']);
    expect(fs.readFile('/root/copy')).toBe('data');
  });

  it('bounds file size, total size and entry count', () => {
    const fs = new Vfs();
    expect(code(() => fs.writeFile('/big', 'x'.repeat(MAX_FILE_CHARS + 1)))).toBe('EFBIG');
    fs.writeFile('/big', 'x'.repeat(MAX_FILE_CHARS));
    fs.writeFile('/big', 'y', { append: false });
    let i = 0;
    try {
      for (; i < 100; i++) fs.writeFile(`/f${i}`, 'x'.repeat(MAX_FILE_CHARS));
    } catch (e) {
      expect((e as VfsError).code).toBe('ENOSPC');
    }
    expect(i).toBe(Math.floor((MAX_TOTAL_CHARS - 1) / MAX_FILE_CHARS));
    const many = new Vfs();
    expect(code(() => { for (let n = 0; n < MAX_NODES + 1; n++) many.mkdir(`/d${n}`); })).toBe('ENOSPC');
  });

  it('tells listeners about changes', () => {
    const fs = new Vfs();
    let n = 0;
    const sub = fs.onChange(() => n++);
    fs.mkdir('/a');
    fs.writeFile('/a/f', 'x');
    fs.rename('/a/f', '/a/g');
    fs.remove('/a/g');
    sub.dispose();
    fs.touch('/a/h');
    expect(n).toBe(4);
  });

  it('round-trips through JSON', () => {
    const fs = Vfs.withDefaults({ now: () => 5 });
    fs.writeFile('/etc/xen/chef', 'name = "chef"\n');
    fs.mkdir('/vm/empty');
    const json = JSON.parse(JSON.stringify(fs.toJSON()));
    expect(json.dirs).toEqual(['/etc', '/etc/xen', '/root', '/vm', '/vm/empty']);
    const back = Vfs.fromJSON(json);
    expect(back.toJSON()).toEqual(fs.toJSON());
    expect(back.stat('/etc/xen/chef')?.mtime).toBe(5);
  });

  it.each([
    [null, 'saved file system: not an object'],
    [{ version: 2, dirs: [], files: [] }, 'saved file system: version 2 is not supported (expected 1)'],
    [{ version: 1, dirs: {}, files: [] }, 'saved file system: "dirs" and "files" must be lists'],
    [{ version: 1, dirs: ['etc'], files: [] }, 'saved file system: "etc" is not an absolute path'],
    [{ version: 1, dirs: ['/etc/../x'], files: [] }, 'saved file system: "/etc/../x" is not a normal path (expected "/x")'],
    [{ version: 1, dirs: [], files: [{ path: '/f', text: 3 }] }, 'saved file system: /f: text must be a string'],
    [{ version: 1, dirs: [], files: [{ path: '/f', text: 'x'.repeat(MAX_FILE_CHARS + 1) }] }, 'saved file system: File too large'],
    [{ version: 1, dirs: Array.from({ length: MAX_NODES + 1 }, (_, i) => `/d${i}`), files: [] }, `saved file system: more than ${MAX_NODES} entries`],
    [{ version: 1, dirs: [], files: [{ path: '/f', text: '' }, { path: '/f/g', text: '' }] }, 'saved file system: Not a directory'],
  ])('refuses a bad saved tree: %#', (json, message) => {
    expect(() => Vfs.fromJSON(json)).toThrow(message);
  });
});
