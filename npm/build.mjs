#!/usr/bin/env node
// Builds upwire's npm packages and packs them: `upwire` (the launcher: bin/upwire.js, no
// install script) and one `@upwire/cli-<platform>` per binary given or built. The version is
// Cargo.toml's; the platforms are npm/upwire/platforms.json's.
//
//   node npm/build.mjs [--out DIR] [--binary NAME=PATH]... [--no-pack]
//
// NAME is a platforms.json name (linux-x64-gnu, ...) or `host`, the package this machine's
// launcher would pick. Without --binary, cargo builds a release binary for each platform this
// machine can build: its own os and cpu, with the Rust target installed (rustup cannot fetch
// one here, so none is added) and, for musl, musl-gcc on PATH. Packages go to DIR/packages/,
// tarballs to DIR (default target/npm); the tarballs' paths are printed, one a line.

import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const launcherSource = path.join(here, "upwire");
const require = createRequire(import.meta.url);
const { PLATFORMS, packageName, candidates } = require("./upwire/lib/platform.js");
const windows = process.platform === "win32";

function die(message) {
  console.error(`npm/build.mjs: ${message}`);
  process.exit(2);
}

function parseArgs(argv) {
  const args = { out: path.join(root, "target", "npm"), binaries: new Map(), pack: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i] ?? die(`${arg} needs a value`);
    if (arg === "--out") args.out = path.resolve(value());
    else if (arg === "--no-pack") args.pack = false;
    else if (arg === "--binary") {
      const spec = value();
      const eq = spec.indexOf("=");
      if (eq < 1) die(`--binary takes NAME=PATH, not ${spec}`);
      let name = spec.slice(0, eq);
      if (name === "host") {
        name = candidates()[0]?.name ?? die(`no package fits ${process.platform} ${process.arch}`);
      }
      if (!PLATFORMS.some((p) => p.name === name)) {
        die(`unknown platform ${name}; known: ${PLATFORMS.map((p) => p.name).join(", ")}`);
      }
      args.binaries.set(name, path.resolve(spec.slice(eq + 1)));
    } else die(`unknown argument ${arg}`);
  }
  return args;
}

/** The `[package]` fields of Cargo.toml the packages repeat: the one source of the version. */
function crate() {
  const toml = fs.readFileSync(path.join(root, "Cargo.toml"), "utf8");
  const section = toml.split(/^\[package\]\s*$/m)[1]?.split(/^\[/m)[0] ?? "";
  const field = (name) =>
    section.match(new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m"))?.[1] ?? die(`no ${name} in Cargo.toml`);
  return {
    version: field("version"),
    description: field("description"),
    license: field("license"),
    repository: field("repository"),
  };
}

function run(program, args, options = {}) {
  return execFileSync(program, args, { encoding: "utf8", shell: windows, ...options });
}

function onPath(tool) {
  try {
    run(windows ? "where" : "sh", windows ? [tool] : ["-c", `command -v ${tool}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Builds the release binary of each platform this machine can build; name → path. */
function buildHere() {
  let installed;
  try {
    installed = run("rustup", ["target", "list", "--installed"]).split(/\s+/);
  } catch {
    installed = [run("rustc", ["-vV"]).match(/^host: (\S+)/m)[1]];
  }
  const buildable = PLATFORMS.filter((entry) => {
    const why =
      entry.os !== process.platform || entry.cpu !== process.arch
        ? "another os or cpu"
        : !installed.includes(entry.target)
          ? `the Rust target ${entry.target} is not installed`
          : entry.target.includes("musl") && !onPath("musl-gcc")
            ? "musl-gcc is not on PATH (apt-get install musl-tools)"
            : null;
    if (why) console.error(`skipped ${packageName(entry)}: ${why}`);
    return !why;
  });
  const built = new Map();
  for (const entry of buildable) {
    console.error(`building ${entry.target} (cargo build --release)`);
    try {
      run("cargo", ["build", "--release", "--locked", "--bin", "upwire", "--target", entry.target], {
        cwd: root,
        stdio: "inherit",
      });
    } catch {
      die(`cargo build for ${entry.target} failed (its output is above)`);
    }
    built.set(entry.name, path.join(root, "target", entry.target, "release", entry.binary));
  }
  if (built.size === 0) die("this machine can build none of the platforms; pass --binary NAME=PATH");
  return built;
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

function common(info) {
  return {
    version: info.version,
    license: info.license,
    repository: { type: "git", url: `git+${info.repository}.git` },
    homepage: info.repository,
  };
}

function platformPackage(dir, entry, binary, info) {
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, entry.binary);
  fs.copyFileSync(binary, target);
  fs.chmodSync(target, 0o755);
  const label = `${entry.os} ${entry.cpu}${entry.libc ? ` ${entry.libc}` : ""}`;
  writeJson(path.join(dir, "package.json"), {
    name: packageName(entry),
    ...common(info),
    description: `The upwire binary for ${label} (${entry.target}); installed by the \`upwire\` package.`,
    os: [entry.os],
    cpu: [entry.cpu],
    ...(entry.libc ? { libc: [entry.libc] } : {}),
    files: [entry.binary],
    preferUnplugged: true,
  });
  fs.writeFileSync(
    path.join(dir, "README.md"),
    `# ${packageName(entry)}\n\nThe \`upwire\` binary for ${label}. Install \`upwire\` instead: ` +
      "it picks this package on this platform.\n",
  );
}

function launcherPackage(dir, info) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(launcherSource, dir, {
    recursive: true,
    filter: (src) => path.basename(src) !== "node_modules",
  });
  fs.chmodSync(path.join(dir, "bin", "upwire.js"), 0o755);
  for (const license of ["LICENSE-MIT", "LICENSE-APACHE"]) {
    fs.copyFileSync(path.join(root, license), path.join(dir, license));
  }
  writeJson(path.join(dir, "package.json"), {
    name: "upwire",
    ...common(info),
    description: info.description,
    keywords: ["redis", "upstash", "env", "lint", "cli"],
    bin: { upwire: "bin/upwire.js" },
    files: ["bin", "lib", "platforms.json"],
    engines: { node: ">=18" },
    // Every platform at this exact version: npm installs the one whose os/cpu/libc match.
    optionalDependencies: Object.fromEntries(PLATFORMS.map((p) => [packageName(p), info.version])),
  });
}

const args = parseArgs(process.argv.slice(2));
const info = crate();
const binaries = args.binaries.size > 0 ? args.binaries : buildHere();
for (const [name, binary] of binaries) {
  if (!fs.statSync(binary, { throwIfNoEntry: false })?.isFile()) die(`${name}: no file at ${binary}`);
}
const packages = path.join(args.out, "packages");
fs.rmSync(packages, { recursive: true, force: true });
const dirs = [];
for (const entry of PLATFORMS) {
  if (!binaries.has(entry.name)) continue;
  const dir = path.join(packages, `cli-${entry.name}`);
  platformPackage(dir, entry, binaries.get(entry.name), info);
  dirs.push(dir);
}
const launcher = path.join(packages, "upwire");
launcherPackage(launcher, info);
dirs.push(launcher);

if (args.pack) {
  for (const dir of dirs) {
    const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", args.out], { cwd: dir }));
    console.log(path.join(args.out, packed.filename));
  }
} else {
  for (const dir of dirs) console.log(dir);
}
