// ps-parse.mjs: parse PowerShell files with the tree-sitter PowerShell
// grammar (npm tree-sitter-powershell, loaded as WebAssembly by
// web-tree-sitter) and fail on any ERROR or MISSING node.
//
//   node .ci/psgrammar/ps-parse.mjs FILE_OR_DIR...
//
// A directory stands for the *.ps1 files in it. Files may be UTF-8 (with
// or without a BOM) or UTF-16 LE with a BOM, as Windows PowerShell writes
// them. Each problem is printed as FILE:LINE:COLUMN; the exit status is 1
// when there is one, 2 on a usage or read error.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Parser, Language } from 'web-tree-sitter';

const require = createRequire(import.meta.url);

function decode(buf) {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  return buf.toString('utf8');
}

function files(args) {
  const out = [];
  for (const a of args) {
    if (statSync(a).isDirectory()) {
      for (const f of readdirSync(a).sort()) if (f.toLowerCase().endsWith('.ps1')) out.push(join(a, f));
    } else {
      out.push(a);
    }
  }
  return out;
}

// problems walks the tree and returns its ERROR and MISSING nodes.
function problems(root) {
  const found = [];
  const cursor = root.walk();
  let more = true;
  while (more) {
    const n = cursor.currentNode;
    if (n.isError || n.isMissing) found.push(n);
    if (n.hasError && cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) { more = false; break; }
    }
  }
  return found;
}

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: node ps-parse.mjs FILE_OR_DIR...');
  process.exit(2);
}
await Parser.init();
const lang = await Language.load(require.resolve('tree-sitter-powershell/tree-sitter-powershell.wasm'));
const parser = new Parser();
parser.setLanguage(lang);
let bad = 0;
let list;
try {
  list = files(args);
} catch (e) {
  console.error(`ps-parse: ${e.message}`);
  process.exit(2);
}
if (list.length === 0) {
  console.error(`ps-parse: no .ps1 files in ${args.join(' ')}`);
  process.exit(2);
}
for (const f of list) {
  let src;
  try {
    src = decode(readFileSync(f));
  } catch (e) {
    console.error(`ps-parse: ${e.message}`);
    process.exit(2);
  }
  const tree = parser.parse(src);
  const ps = problems(tree.rootNode);
  for (const n of ps) {
    const kind = n.isMissing ? `MISSING ${n.type}` : 'ERROR';
    const text = JSON.stringify(n.text.slice(0, 60));
    console.log(`${f}:${n.startPosition.row + 1}:${n.startPosition.column + 1}: ${kind} near ${text}`);
  }
  bad += ps.length;
  console.log(`${f}: ${ps.length === 0 ? 'ok' : ps.length + ' problem(s)'}`);
}
process.exit(bad > 0 ? 1 : 0);
