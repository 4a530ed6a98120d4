//! The npm packages, as a JavaScript project gets them: `npm/build.mjs` packs the launcher and
//! this machine's platform package around the test build of the binary, `npm install` puts the
//! two tarballs into a scratch project with no registry (offline, and the registry set to a
//! closed loopback port), and `npx upwire` runs the binary: `--version`, a failing `lint`, a
//! forwarded SIGTERM, and the launcher's words when the platform package is missing. They need
//! node and npm, so they run in the full tier (`support::tier`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::http::raw;
use crate::support::redis::RedisServer;
use crate::support::serve::{ServeOptions, ServeProcess};
use crate::support::tier::{self, Group};
use crate::support::{all_output, code, root, run_bounded};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// npm/upwire/platforms.json: the one list of platform packages.
fn platforms() -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("npm/upwire/platforms.json")).unwrap();
    serde_json::from_str(&text).expect("platforms.json is a JSON array")
}

fn field<'a>(entry: &'a Value, name: &str) -> &'a str {
    entry[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {entry}"))
}

/// `program args` in `dir` with npm kept off the network: its own cache, offline, and the
/// registry a closed loopback port, so that any fetch fails at once instead of reaching out.
fn npm_cmd(program: &str, args: &[&str], dir: &Path, cache: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .current_dir(dir)
        .env("npm_config_cache", cache)
        .env("npm_config_offline", "true")
        .env("npm_config_registry", "http://127.0.0.1:9/")
        .env("npm_config_yes", "false")
        .env("npm_config_update_notifier", "false")
        .env("npm_config_audit", "false")
        .env("npm_config_fund", "false")
        .env("NO_COLOR", "1");
    cmd
}

fn succeeds(output: &Output, what: &str) -> String {
    assert_eq!(code(output), 0, "{what}:\n{}", all_output(output));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `package/package.json` of a packed tarball.
fn manifest(tarball: &Path) -> Value {
    let output = Command::new("tar")
        .arg("-xzOf")
        .arg(tarball)
        .arg("package/package.json")
        .output()
        .expect("tar runs");
    serde_json::from_str(&succeeds(&output, "tar")).expect("package.json is JSON")
}

/// The tarball printed by build.mjs that is a platform package's (`upwire-cli-*`) or not.
fn tarball(printed: &str, platform: bool) -> PathBuf {
    printed
        .lines()
        .map(PathBuf::from)
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("upwire-cli-") == platform)
        })
        .unwrap_or_else(|| panic!("the tarball (platform: {platform}) in {printed}"))
}

#[test]
fn npm_packages_install_offline_and_run_the_binary() {
    if !tier::require(Group::NpmPackages) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (out, cache, app) = (
        tmp.path().join("out"),
        tmp.path().join("cache"),
        tmp.path().join("app"),
    );

    // Pack the launcher and this machine's platform package around the test build.
    let mut build = npm_cmd("node", &[], &root(), &cache);
    build
        .arg(root().join("npm/build.mjs"))
        .arg("--out")
        .arg(&out)
        .arg("--binary")
        .arg(format!("host={}", env!("CARGO_BIN_EXE_upwire")));
    let printed = succeeds(
        &run_bounded(build, Duration::from_secs(300)),
        "npm/build.mjs",
    );
    let launcher = tarball(&printed, false);
    let platform = tarball(&printed, true);
    assert_eq!(printed.lines().count(), 2, "{printed}");

    // The launcher: Cargo.toml's version, every platform package at exactly that version, a
    // bin, and nothing that runs at install time.
    let package = manifest(&launcher);
    assert_eq!(package["name"], "upwire");
    assert_eq!(package["version"], VERSION, "the crate's version");
    assert_eq!(package["bin"]["upwire"], "bin/upwire.js");
    assert!(
        package.get("scripts").is_none(),
        "no install scripts: {package}"
    );
    let optional = package["optionalDependencies"].as_object().unwrap();
    let entries = platforms();
    assert_eq!(optional.len(), entries.len(), "{optional:?}");
    for entry in &entries {
        let name = format!("@upwire/cli-{}", field(entry, "name"));
        assert_eq!(
            optional[&name], VERSION,
            "{name} pinned to the crate's version"
        );
    }
    // The platform package: the same version, and npm's os/cpu/libc fields from the table.
    let host = manifest(&platform);
    assert_eq!(host["version"], VERSION);
    let name = host["name"].as_str().unwrap();
    let entry = entries
        .iter()
        .find(|e| format!("@upwire/cli-{}", field(e, "name")) == name)
        .unwrap_or_else(|| panic!("{name} in platforms.json"));
    assert_eq!(host["os"][0], entry["os"]);
    assert_eq!(host["cpu"][0], entry["cpu"]);
    match entry.get("libc") {
        Some(libc) => assert_eq!(&host["libc"][0], libc),
        None => assert!(host.get("libc").is_none(), "{host}"),
    }
    assert!(host.get("scripts").is_none(), "{host}");

    // A scratch project installs the two tarballs with no registry: npm passes over the
    // other platforms' packages, which it cannot fetch, as optional dependencies it may skip.
    std::fs::create_dir(&app).unwrap();
    std::fs::write(
        app.join("package.json"),
        r#"{"name":"scratch","private":true}"#,
    )
    .unwrap();
    let mut install = npm_cmd("npm", &["install"], &app, &cache);
    install.arg(&launcher).arg(&platform);
    succeeds(
        &run_bounded(install, Duration::from_secs(300)),
        "npm install",
    );
    let scoped: Vec<String> = std::fs::read_dir(app.join("node_modules/@upwire"))
        .unwrap()
        .map(|e| format!("@upwire/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    assert_eq!(scoped, [name], "only this machine's platform package");

    let npx = |args: &[&str]| {
        let mut all = vec!["--no", "--", "upwire"];
        all.extend_from_slice(args);
        run_bounded(npm_cmd("npx", &all, &app, &cache), Duration::from_secs(60))
    };
    let version = npx(&["--version"]);
    assert_eq!(
        succeeds(&version, "npx upwire --version").trim(),
        format!("upwire {VERSION}")
    );

    // A broken .env: the diagnostic, exit 1, the secret masked.
    std::fs::write(
        app.join(".env"),
        "UPSTASH_REDIS_REST_URL=redis://default:AXsecretpart@eu1-fun-cat-1234.upstash.io:6379\n",
    )
    .unwrap();
    let lint = npx(&["lint", ".env"]);
    let text = all_output(&lint);
    assert_eq!(code(&lint), 1, "{text}");
    assert!(text.contains("error[redis-url-in-rest-url]"), "{text}");
    assert!(text.contains(" --> .env:1:24"), "{text}");
    assert!(!text.contains("AXsecretpart"), "{text}");

    // A signal to the launcher reaches the binary: serve finishes and both exit 0.
    launcher_forwards_sigterm(&app);

    // On a platform no package covers (Node told it is FreeBSD): the words, and cargo.
    let preload = tmp.path().join("freebsd.cjs");
    std::fs::write(
        &preload,
        "Object.defineProperty(process, 'platform', { value: 'freebsd' });\n",
    )
    .unwrap();
    let mut cmd = npm_cmd("node", &["--require"], &app, &cache);
    cmd.arg(&preload)
        .arg("node_modules/.bin/upwire")
        .arg("--version");
    let other = run_bounded(cmd, Duration::from_secs(60));
    let text = all_output(&other);
    assert_eq!(code(&other), 1, "{text}");
    assert!(
        text.contains("there is no prebuilt binary for freebsd ")
            && text.contains("linux-x64-gnu, linux-x64-musl")
            && text.contains("cargo install upwire"),
        "{text}"
    );

    // Without the platform package: which one, how to install it, or cargo.
    std::fs::remove_dir_all(app.join("node_modules").join(name)).unwrap();
    let missing = npx(&["--version"]);
    let text = all_output(&missing);
    assert_eq!(code(&missing), 1, "{text}");
    for words in [
        format!("is in the npm package {name}@{VERSION}, which is not installed"),
        "npm install --include=optional".to_owned(),
        format!("npm install --save-dev {name}@{VERSION}"),
        "cargo install upwire".to_owned(),
        format!("{}/releases", env!("CARGO_PKG_REPOSITORY")),
    ] {
        assert!(text.contains(&words), "{words:?} in:\n{text}");
    }
}

/// `node_modules/.bin/upwire serve` over a real Redis, then SIGTERM to the launcher (node):
/// serve logs that it got the signal and the launcher exits with serve's status, 0.
fn launcher_forwards_sigterm(app: &Path) {
    let redis = RedisServer::plain();
    let mut cmd = Command::new("node");
    cmd.arg(app.join("node_modules/.bin/upwire"))
        .args(["serve", "--listen", "127.0.0.1:0", "--redis"])
        .arg(redis.url(None, None));
    let token = "0123456789abcdef0123456789abcdef";
    let options = ServeOptions::default().token(token);
    let mut serve = ServeProcess::spawn(cmd, &options);
    // Once it answers, its accept loop (and with it its signal handling) runs: serve prints
    // where it listens a moment before, and a SIGTERM in that moment ends it unhandled.
    let ping = raw(
        serve.addr,
        format!(
            "GET /ping HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\
             Connection: close\r\n\r\n",
            serve.addr
        )
        .as_bytes(),
    );
    assert_eq!(ping.status, 200, "{}", ping.text());
    serve.signal("-TERM");
    // Not `stop()`: if the signal were not forwarded, serve would live on holding stderr.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !serve.log().contains("signal received") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        serve.log().contains("signal received"),
        "serve got the launcher's SIGTERM:\n{}",
        serve.log()
    );
    assert_eq!(
        serve.wait(Duration::from_secs(10)),
        Some(0),
        "{}",
        serve.log()
    );
}

/// The launcher's choice (npm/upwire/lib/platform.js) on the platforms this machine is not:
/// os and cpu as Node names them, the libc's own package first, a static one after.
#[test]
fn launcher_picks_the_package_by_os_cpu_and_libc() {
    if !tier::require(Group::NpmPackages) {
        return;
    }
    let cases = [
        ("linux", "x64", "glibc", "linux-x64-gnu linux-x64-musl"),
        ("linux", "x64", "musl", "linux-x64-musl"),
        ("linux", "arm64", "glibc", "linux-arm64"),
        ("linux", "arm64", "musl", "linux-arm64"),
        ("darwin", "x64", "", "darwin-x64"),
        ("darwin", "arm64", "", "darwin-arm64"),
        ("win32", "x64", "", "win32-x64"),
        ("win32", "arm64", "", ""),
        ("freebsd", "x64", "", ""),
    ];
    let script = format!(
        "const {{ candidates }} = require({:?});\n\
         for (const [os, cpu, libc] of {}) \
         console.log(candidates(os, cpu, libc || null).map((p) => p.name).join(' '));",
        root().join("npm/upwire/lib/platform.js"),
        serde_json::json!(cases.map(|(os, cpu, libc, _)| [os, cpu, libc]))
    );
    let output = Command::new("node").args(["-e", &script]).output().unwrap();
    let picked = succeeds(&output, "node -e");
    let expected: Vec<&str> = cases.iter().map(|c| c.3).collect();
    assert_eq!(picked.lines().collect::<Vec<_>>(), expected);
}

/// Every platform package has a release build, and its binary is where the package expects it.
#[test]
fn every_npm_platform_is_built_by_the_release_workflow() {
    let release = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    for entry in platforms() {
        let target = field(&entry, "target");
        let name = field(&entry, "name");
        let matrix = format!("- target: {target}");
        assert!(
            release.lines().any(|l| l.trim() == matrix),
            "release.yml builds {target} for {name}"
        );
        let binary = field(&entry, "binary");
        let expected = if field(&entry, "os") == "win32" {
            "upwire.exe"
        } else {
            "upwire"
        };
        assert_eq!(binary, expected, "{name}");
        assert!(
            release.contains(&format!("--binary \"{name}=")),
            "release.yml packs {name}"
        );
    }
}
