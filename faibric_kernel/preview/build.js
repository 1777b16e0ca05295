// Faibric's bundler: esbuild's JS API, driven from Python.
// Reads one JSON request on stdin, prints one JSON answer on stdout.
// Request: {nodeModules, projectDir, entry, minify}
// Answer:  {ok, outputs: [{path, text}], errors: [...], warnings: [...]}
"use strict";

const fs = require("fs");
const path = require("path");

function message(m) {
  const loc = m.location || {};
  // esbuild's hint about marking paths external does not apply to generated sites
  const notes = (m.notes || []).filter((n) => n.text && !n.text.startsWith("You can mark the path"));
  return {
    file: loc.file || null,
    line: loc.line || null,
    column: loc.column == null ? null : loc.column + 1,
    lineText: loc.lineText || null,
    text: m.text + (notes.length ? " (" + notes.map((n) => n.text.replace(/:$/, "")).join("; ") + ")" : ""),
  };
}

function reply(answer) {
  process.stdout.write(JSON.stringify(answer));
}

const request = JSON.parse(fs.readFileSync(0, "utf8"));
let esbuild;
try {
  esbuild = require(path.join(request.nodeModules, "esbuild"));
} catch (err) {
  reply({ ok: false, environment: "cannot load esbuild from " + request.nodeModules + ": " + err.message });
  process.exit(0);
}

const assetLoaders = {};
for (const ext of [".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico", ".woff", ".woff2", ".ttf"]) {
  assetLoaders[ext] = "dataurl";
}

esbuild
  .build({
    absWorkingDir: request.projectDir,
    entryPoints: [request.entry],
    outdir: "assets",
    entryNames: "index",
    bundle: true,
    write: false,
    format: "iife",
    platform: "browser",
    target: ["es2020", "chrome100", "firefox100", "safari15"],
    jsx: "automatic",
    loader: { ".js": "jsx", ".jsx": "jsx", ".css": "css", ".json": "json", ...assetLoaders },
    nodePaths: [request.nodeModules],
    minify: !!request.minify,
    legalComments: "none",
    charset: "utf8",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  })
  .then((result) => {
    reply({
      ok: true,
      outputs: result.outputFiles.map((f) => ({ path: path.relative(request.projectDir, f.path), text: f.text })),
      errors: [],
      warnings: result.warnings.map(message),
    });
  })
  .catch((err) => {
    if (err && Array.isArray(err.errors)) {
      reply({ ok: false, outputs: [], errors: err.errors.map(message), warnings: (err.warnings || []).map(message) });
    } else {
      reply({ ok: false, environment: String((err && err.stack) || err) });
    }
  });
