"use strict";
// Which of upwire's platform packages (platforms.json, the one list) fits this machine, and
// where its binary is. Read by bin/upwire.js and by npm/build.mjs (`--binary host=PATH`).

const path = require("node:path");

const PLATFORMS = require("../platforms.json");
const SCOPE = "@upwire/cli-";

/** The npm package name of a platforms.json entry. */
function packageName(entry) {
  return SCOPE + entry.name;
}

/**
 * "glibc" or "musl" on Linux, null elsewhere. Node's diagnostic report names the glibc it runs
 * on (header.glibcVersionRuntime) and has no such field under musl, as biome's and esbuild's
 * launchers rely on (nodejs.org/api/report.html). The network part of the report is left out
 * where Node allows it: it can take seconds on a machine with slow reverse DNS.
 */
function hostLibc() {
  if (process.platform !== "linux") return null;
  try {
    if (process.report && "excludeNetwork" in process.report) {
      process.report.excludeNetwork = true;
    }
    const header = process.report.getReport().header;
    return header.glibcVersionRuntime ? "glibc" : "musl";
  } catch {
    return "glibc";
  }
}

/**
 * The entries that run here, best first: same os and cpu, and the same libc (an entry without
 * one is a static binary for any libc). A static musl binary also runs on glibc, after the
 * glibc one.
 */
function candidates(platform = process.platform, arch = process.arch, libc = hostLibc()) {
  const here = PLATFORMS.filter((p) => p.os === platform && p.cpu === arch);
  const exact = here.filter((p) => !p.libc || p.libc === libc);
  const fallback = here.filter((p) => p.static && p.libc && p.libc !== libc);
  return exact.concat(fallback);
}

/** Where an installed entry's binary is, or null when its package is not installed. */
function installedBinary(entry) {
  let manifest;
  try {
    manifest = require.resolve(`${packageName(entry)}/package.json`);
  } catch {
    return null;
  }
  return path.join(path.dirname(manifest), entry.binary);
}

module.exports = { PLATFORMS, packageName, hostLibc, candidates, installedBinary };
