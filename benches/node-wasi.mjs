// Runs a wasm32-wasi command module under node (V8) through node:wasi:
//   node benches/node-wasi.mjs PROGRAM.wasm [ARGS...]
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";
import process, { argv } from "node:process";

const wasi = new WASI({ version: "preview1", args: argv.slice(2), env: {}, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(argv[2]));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
// process.exit() right after a large memory was used segfaults node 20 here: let it end by itself.
process.exitCode = wasi.start(instance) ?? 0;
