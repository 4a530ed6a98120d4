//! The GitHub Action (`action.yml` and its scripts in .github/action/): its metadata is a valid
//! composite action whose inputs are all declared and all used, the examples use it at the
//! crate's version with declared inputs only, and the install script, run as the runner runs
//! it against a loopback stand-in for the release downloads, installs the archive the release
//! workflow makes, and refuses one whose checksum does not match. The serve step is run by
//! `ci_examples` with the example's inputs.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::tier::{self, Group};
use crate::support::{all_output, code, root, run_bounded};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The keys of the top-level block `block:` (`inputs`, `outputs`) of action.yml.
fn top_level_keys(action: &str, block: &str) -> BTreeSet<String> {
    action
        .lines()
        .skip_while(|l| *l != format!("{block}:"))
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' ') || l.starts_with('#'))
        .filter_map(|l| {
            let key = l.strip_prefix("  ")?.strip_suffix(':')?;
            (!key.starts_with([' ', '#'])).then(|| key.to_owned())
        })
        .collect()
}

/// The names after each `prefix` in `text` (`inputs.` → `lint`, `serve-redis`, ...).
fn names_after(text: &str, prefix: &str, name_char: fn(char) -> bool) -> BTreeSet<String> {
    text.match_indices(prefix)
        .map(|(i, _)| {
            text[i + prefix.len()..]
                .chars()
                .take_while(|c| name_char(*c))
                .collect::<String>()
        })
        .filter(|n| !n.is_empty())
        .collect()
}

/// The `with:` of the step that uses upwire's action in `workflow`, and the ref after `@`.
pub fn action_step(workflow: &str) -> (String, BTreeMap<String, String>) {
    let lines: Vec<&str> = workflow.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with("- uses: upwire/upwire@"))
        .expect("a step that uses upwire/upwire");
    let reference = lines[at].trim().rsplit('@').next().unwrap().to_owned();
    let indent = lines[at].len() - lines[at].trim_start().len() + 2;
    let mut with = BTreeMap::new();
    let mut in_with = false;
    for line in &lines[at + 1..] {
        let depth = line.len() - line.trim_start().len();
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if depth < indent || (depth == indent && line.trim_start().starts_with("- ")) {
            break;
        }
        if depth == indent {
            in_with = line.trim() == "with:";
        } else if in_with {
            let (key, value) = line.trim().split_once(':').expect("key: value");
            with.insert(key.to_owned(), value.trim().to_owned());
        }
    }
    (reference, with)
}

#[test]
fn action_yml_is_a_composite_action_whose_inputs_are_declared_and_used() {
    if !tier::require(Group::Schemas) {
        return;
    }
    // The GitHub Actions metadata schema that check-jsonschema vendors (from SchemaStore).
    let out = crate::support::run_tool(
        "check-jsonschema",
        &["--builtin-schema", "vendor.github-actions", "action.yml"],
        &root(),
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok"));

    let action = read("action.yml");
    assert!(
        action.contains("\n  using: composite\n"),
        "a composite action"
    );
    let declared = top_level_keys(&action, "inputs");
    let used = names_after(&action, "inputs.", |c| {
        c.is_ascii_alphanumeric() || c == '-'
    });
    assert_eq!(used, declared, "every input used is declared, and used");
    let outputs = top_level_keys(&action, "outputs");
    assert!(
        outputs.contains("path") && outputs.contains("rest-url"),
        "{outputs:?}"
    );

    // The scripts the steps run exist, and every UPWIRE_* variable they read is set by a step.
    let scripts = names_after(&action, "$GITHUB_ACTION_PATH/", |c| c != '"');
    assert_eq!(scripts.len(), 3, "{scripts:?}");
    for script in scripts {
        let text = read(&script);
        let reads: BTreeSet<String> =
            names_after(&text, "$UPWIRE_", |c| c.is_ascii_uppercase() || c == '_')
                .into_iter()
                .chain(names_after(&text, "${UPWIRE_", |c| {
                    c.is_ascii_uppercase() || c == '_'
                }))
                .collect();
        for name in reads {
            assert!(
                action.contains(&format!("UPWIRE_{name}: ${{{{")),
                "{script} reads UPWIRE_{name}, which no step sets"
            );
        }
    }

    // The examples use the action at this version, with declared inputs only.
    for example in [
        "examples/ci/github-actions.yml",
        "examples/github/upwire-lint.yml",
    ] {
        let (reference, with) = action_step(&read(example));
        assert_eq!(reference, format!("v{VERSION}"), "{example}");
        for key in with.keys() {
            assert!(declared.contains(key), "{example}: {key} is not an input");
        }
    }
}

/// A loopback stand-in for the release downloads: answers GET `path` with `files[path]`,
/// 404 otherwise, and records every path asked for.
struct Downloads {
    url: String,
    asked: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl Downloads {
    fn serve(files: BTreeMap<String, Vec<u8>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let asked = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (log, done) = (Arc::clone(&asked), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                let Ok((mut stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                stream.set_nonblocking(false).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .unwrap();
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head);
                let path = head.split(' ').nth(1).unwrap_or_default().to_owned();
                log.lock().unwrap().push(path.clone());
                let (status, body) = match files.get(&path) {
                    Some(body) => ("200 OK", body.as_slice()),
                    None => ("404 Not Found", b"not found".as_slice()),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(body);
            }
        });
        Self { url, asked, stop }
    }

    fn asked(&self) -> Vec<String> {
        std::mem::take(&mut self.asked.lock().unwrap())
    }
}

impl Drop for Downloads {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// install.sh as a Linux x64 runner runs it, with a fresh RUNNER_TEMP below `dir`.
fn install(dir: &Path, server: &str, version: &str, action_ref: &str) -> (Output, String, String) {
    let temp = dir.join("runner-temp");
    let _ = std::fs::remove_dir_all(&temp);
    std::fs::create_dir_all(&temp).unwrap();
    let (path_file, output_file) = (dir.join("github-path"), dir.join("github-output"));
    std::fs::write(&path_file, "").unwrap();
    std::fs::write(&output_file, "").unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(root().join(".github/action/install.sh"))
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TEMP", &temp)
        .env("GITHUB_SERVER_URL", server)
        .env("GITHUB_PATH", &path_file)
        .env("GITHUB_OUTPUT", &output_file)
        .env("UPWIRE_REPOSITORY", "upwire/upwire")
        .env("UPWIRE_VERSION", version)
        .env("UPWIRE_ACTION_REF", action_ref);
    let output = run_bounded(cmd, Duration::from_secs(120));
    (
        output,
        std::fs::read_to_string(path_file).unwrap(),
        std::fs::read_to_string(output_file).unwrap(),
    )
}

#[test]
fn install_script_installs_the_release_archive_only_when_its_checksum_matches() {
    if !tier::require(Group::Curl) {
        return;
    }
    let release = read(".github/workflows/release.yml");
    let script = read(".github/action/install.sh");
    // Every runner the script knows has a release build.
    for (i, _) in script.match_indices(") target=") {
        let target: String = script[i + ") target=".len()..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ';')
            .collect();
        assert!(
            release.contains(&format!("- target: {target}\n")),
            "release.yml builds {target}"
        );
    }
    // The archive as release.yml makes it: `upwire` at the root of a .tar.gz, and its .sha256.
    for line in [
        "asset=\"upwire-${{ matrix.target }}.tar.gz\"",
        "tar -czf \"dist/$asset\" -C \"$dir\" upwire",
    ] {
        assert!(release.contains(line), "release.yml: {line}");
    }
    let dir = tempfile::tempdir().unwrap();
    let asset = "upwire-x86_64-unknown-linux-musl.tar.gz";
    let binary = Path::new(env!("CARGO_BIN_EXE_upwire"));
    let tar = Command::new("tar")
        .arg("-czf")
        .arg(dir.path().join(asset))
        .arg("-C")
        .arg(binary.parent().unwrap())
        .arg("upwire")
        .output()
        .unwrap();
    assert!(tar.status.success(), "{}", all_output(&tar));
    let archive = std::fs::read(dir.path().join(asset)).unwrap();
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &archive);
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    let base = format!("/upwire/upwire/releases/download/v{VERSION}");
    let files = |checksum: &str| {
        BTreeMap::from([
            (format!("{base}/{asset}"), archive.clone()),
            (
                format!("{base}/{asset}.sha256"),
                format!("{checksum}  {asset}\n").into_bytes(),
            ),
        ])
    };

    // The tag the action is used at, when no version is given.
    let downloads = Downloads::serve(files(&hex));
    let (output, path, outputs) = install(dir.path(), &downloads.url, "", &format!("v{VERSION}"));
    assert_eq!(code(&output), 0, "{}", all_output(&output));
    assert_eq!(
        downloads.asked(),
        [format!("{base}/{asset}"), format!("{base}/{asset}.sha256")]
    );
    let bin = dir.path().join("runner-temp/upwire-install/bin");
    assert_eq!(path.trim(), bin.display().to_string());
    assert!(
        outputs.contains(&format!("version={VERSION}\n")),
        "{outputs}"
    );
    assert!(
        outputs.contains(&format!("path={}\n", bin.join("upwire").display())),
        "{outputs}"
    );
    let version = Command::new(bin.join("upwire"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("upwire {VERSION}")
    );

    // A checksum that does not match: nothing installed, nothing on PATH.
    let other = format!("{}0", &hex[..63]);
    let other = if other == hex {
        format!("{}1", &hex[..63])
    } else {
        other
    };
    let downloads = Downloads::serve(files(&other));
    let (output, path, outputs) = install(dir.path(), &downloads.url, VERSION, "main");
    let text = all_output(&output);
    assert_eq!(code(&output), 1, "{text}");
    assert!(
        text.contains(&format!("checksum mismatch for {asset}")),
        "{text}"
    );
    assert!(text.contains("nothing was installed"), "{text}");
    assert!(path.is_empty() && outputs.is_empty(), "{path}{outputs}");
    assert!(!bin.join("upwire").exists());

    // A release that is not there: the words say which.
    let (output, path, _) = install(dir.path(), &downloads.url, "latest", "");
    let text = all_output(&output);
    assert_eq!(code(&output), 1, "{text}");
    assert!(
        text.contains("/upwire/upwire/releases/latest/download/")
            && text.contains("is latest a release of upwire/upwire?"),
        "{text}"
    );
    assert!(path.is_empty());
}

/// lint.sh as the runner runs it in a checkout: the committed env files are found (`*.example`
/// only as lint pairs them), the exit code is an output, and with SARIF the log is a file for
/// the upload step, secrets masked.
#[test]
fn lint_script_lints_the_committed_env_files_and_reports_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    std::fs::write(
        repo.join(".env"),
        "UPSTASH_REDIS_REST_URL=redis://default:AXsecretpart@eu1-fun-cat-1234.upstash.io:6379\n",
    )
    .unwrap();
    std::fs::write(repo.join("not-committed.env"), "REDIS_URL=http://x\n").unwrap();
    crate::support::run_tool("git", &["init", "-q"], &repo);
    crate::support::run_tool("git", &["add", ".env"], &repo);
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_upwire")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let lint = |sarif: &str, files: &str| {
        let outputs = dir.path().join("github-output");
        std::fs::write(&outputs, "").unwrap();
        let mut cmd = Command::new("bash");
        cmd.arg(root().join(".github/action/lint.sh"))
            .current_dir(&repo)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("RUNNER_TEMP", dir.path())
            .env("GITHUB_OUTPUT", &outputs)
            .env("UPWIRE_SARIF", sarif)
            .env("UPWIRE_LINT_FILES", files)
            .env("UPWIRE_LINT_ARGS", "");
        let output = run_bounded(cmd, Duration::from_secs(60));
        assert_eq!(
            code(&output),
            0,
            "the step itself succeeds: {}",
            all_output(&output)
        );
        (
            all_output(&output),
            std::fs::read_to_string(outputs).unwrap(),
        )
    };

    let (text, outputs) = lint("false", "");
    assert!(text.contains("error[redis-url-in-rest-url]"), "{text}");
    assert!(text.contains(" --> .env:1:24"), "{text}");
    assert!(
        !text.contains("not-committed.env") && !text.contains("AXsecretpart"),
        "{text}"
    );
    assert_eq!(outputs, "exit-code=1\n");

    let (text, outputs) = lint("true", "");
    let sarif = dir.path().join("upwire.sarif");
    assert_eq!(
        outputs,
        format!("sarif={}\nexit-code=1\n", sarif.display()),
        "{text}"
    );
    let log = std::fs::read_to_string(&sarif).unwrap();
    assert!(!log.contains("AXsecretpart"));
    let log: serde_json::Value = serde_json::from_str(&log).expect("one JSON document");
    assert_eq!(
        log["runs"][0]["results"][0]["ruleId"],
        "redis-url-in-rest-url"
    );

    // A file that is not there: exit 2, and no SARIF for the upload.
    let (text, outputs) = lint("true", "missing.env");
    assert!(text.contains("`missing.env` does not exist"), "{text}");
    assert_eq!(outputs, "exit-code=2\n");
}
