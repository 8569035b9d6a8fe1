#!/usr/bin/env node
// Writes public/images/index.json from images/images.json (the hand-written metadata) and the
// published files: for each file, the sha256 and size of its DECOMPRESSED content (what the
// emulator loads) and the size of the .gz it downloads. Build versions come from
// images/work/out/<name>/versions.json when a build just ran, else from the previous index.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const imagesDir = dirname(fileURLToPath(import.meta.url));
const publicDir = process.env.VIRTLAB_IMAGES_PUBLIC || join(imagesDir, '..', 'public', 'images');
const workDir = process.env.VIRTLAB_IMAGES_WORK || join(imagesDir, 'work');
const indexPath = join(publicDir, 'index.json');
const meta = JSON.parse(readFileSync(join(imagesDir, 'images.json'), 'utf8'));
const previous = existsSync(indexPath) ? JSON.parse(readFileSync(indexPath, 'utf8')) : { images: [] };

const images = [];
for (const m of meta.images) {
  const files = {};
  let complete = true;
  for (const [role, path] of Object.entries(m.files)) {
    const full = join(publicDir, path);
    if (!existsSync(full)) {
      console.error(`[images] ${m.name}: ${path} missing, image left out of the index`);
      complete = false;
      break;
    }
    const gz = readFileSync(full);
    const raw = gunzipSync(gz);
    files[role] = {
      path,
      sha256: createHash('sha256').update(raw).digest('hex'),
      size: raw.length,
      compressedSize: gz.length,
    };
  }
  if (!complete) continue;
  const versionsPath = join(workDir, 'out', m.name, 'versions.json');
  const versions = existsSync(versionsPath)
    ? JSON.parse(readFileSync(versionsPath, 'utf8'))
    : previous.images.find((p) => p.name === m.name)?.versions;
  images.push({
    name: m.name,
    description: m.description,
    kind: m.kind,
    memoryMiB: m.memoryMiB,
    cmdline: m.cmdline,
    files,
    ...(versions ? { versions } : {}),
  });
}

const text = JSON.stringify({ version: 1, images }, null, 2) + '\n';
const tmp = indexPath + '.tmp';
writeFileSync(tmp, text);
renameSync(tmp, indexPath);
console.error(`[images] wrote ${indexPath} (${images.map((i) => i.name).join(', ')})`);
