#!/usr/bin/env node
"use strict";
// The `upwire` command of the npm package: runs the native binary from the platform package
// npm installed beside this one (an optional dependency whose os/cpu/libc match this
// machine), with the same arguments, standard streams and exit status. No install script and
// no download: the binary came with the platform package.

const { spawn } = require("node:child_process");
const os = require("node:os");
const { PLATFORMS, packageName, hostLibc, candidates, installedBinary } = require("../lib/platform.js");
const { version } = require("../package.json");

const CARGO = "cargo install upwire";
const RELEASES = "https://github.com/upwire/upwire/releases";

function fail(lines) {
  process.stderr.write(`upwire: ${lines.join("\n")}\n`);
  process.exit(1);
}

function findBinary() {
  // A binary of your own (a `cargo install` build, a release download) instead of the package's.
  if (process.env.UPWIRE_BINARY) return process.env.UPWIRE_BINARY;
  const libc = hostLibc();
  const here = `${process.platform} ${process.arch}${libc ? ` (${libc})` : ""}`;
  const fits = candidates(process.platform, process.arch, libc);
  if (fits.length === 0) {
    fail([
      `there is no prebuilt binary for ${here}; the npm packages cover ` +
        PLATFORMS.map((p) => p.name).join(", ") + ".",
      `Install upwire from source instead: ${CARGO}`,
    ]);
  }
  for (const entry of fits) {
    const binary = installedBinary(entry);
    if (binary) return binary;
  }
  const wanted = `${packageName(fits[0])}@${version}`;
  fail([
    `the binary for ${here} is in the npm package ${wanted}, which is not installed.`,
    "npm installs it with `upwire` unless optional dependencies were left out (--omit=optional,",
    "--no-optional, or a lockfile written on another platform). Install it with one of:",
    "  npm install --include=optional",
    `  npm install --save-dev ${wanted}`,
    `or without npm: ${CARGO}, or a release binary from ${RELEASES}`,
  ]);
}

const binary = findBinary();
const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });

// A signal sent to this process (a process manager's SIGTERM, `kill`) goes on to the binary,
// which decides what it means (serve finishes its requests); this process then ends as the
// binary did. Ctrl-C reaches both already, and a second SIGINT is harmless.
const forwarded = ["SIGINT", "SIGTERM", "SIGHUP"];
const relay = (signal) => child.kill(signal);
for (const signal of forwarded) process.on(signal, relay);

child.on("error", (error) => {
  fail([`could not run ${binary}: ${error.message}`, `Reinstall the package, or: ${CARGO}`]);
});

child.on("exit", (code, signal) => {
  for (const s of forwarded) process.off(s, relay);
  if (signal) {
    // End the same way, so that whoever started `upwire` sees the signal; 128+n if it
    // cannot be raised here.
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128 + (os.constants.signals[signal] || 0)), 200);
    return;
  }
  process.exit(code);
});
