//! File safety under faults: `upwire generate` into a read-only directory, onto a
//! full disk, and killed mid-write. A good file is never replaced by a half-written one, no temp
//! file outlives the next run, an existing `.env` keeps every unmanaged byte, and each failure
//! is a clear error with exit code 2.
//!
//! The tests run as root, which ignores permission bits, so "read-only" means an immutable
//! directory (`chattr +i`) or a read-only bind mount, and "full disk" a small tmpfs, each when
//! the machine allows it; a parent that is a regular file and the fault hook of debug builds
//! (`UPWIRE_TEST_FAULT`, see `src/write.rs`) work everywhere.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use crate::support::tier;
use crate::support::{code, file_bytes_below, file_names_below, transcript, upwire};

/// One server target with docker files, one Cloudflare edge target, each in its directory.
const DESCRIPTOR: &str = r#"[database.main]
redis_url = "${UPSTASH_REDIS_URL}"
rest_url = "https://eu1-tidy-cat-12345.upstash.io"
rest_token = "${UPSTASH_REDIS_REST_TOKEN}"

[target.api]
kind = "server"
platform = "docker"
dir = "api"

[target.edge]
kind = "edge"
platform = "cloudflare"
dir = "edge"
"#;

/// Fake credentials: the first generation, and a rotation.
const OLD: (&str, &str) = ("AXoldPassw0rdForFileSafety", "AXoldT0kenForFileSafety");
const NEW: (&str, &str) = ("AXnewPassw0rdForFileSafety", "AXnewT0kenForFileSafety");

/// An `.env` with everything a merge must keep: CRLF line ends, comments, `export ` prefixes,
/// single- and double-quoted values with escapes, a value across two lines, an empty value,
/// no final line end — and the managed `REDIS_URL`, exported and commented.
fn user_env(password: &str) -> String {
    format!(
        "# local settings\r\n\
         export NODE_ENV=development\r\n\
         export REDIS_URL=rediss://default:{password}@eu1-tidy-cat-12345.upstash.io:6379 # rotated by upwire\r\n\
         DATABASE_URL='postgres://app:pw@localhost/app # not a comment'\r\n\
         GREETING=\"tab\\there \\\"quoted\\\"\"\r\n\
         CERT=\"-----BEGIN-----\r\nabc\r\n-----END-----\"\r\n\
         EMPTY=\r\n\
         \r\n\
         \x20 # indented comment\r\n\
         LAST=no-final-newline"
    )
}

/// A project: the descriptor, an env file with the secrets outside the output directories,
/// and a user's `.env` in `api/`.
struct Project {
    root: PathBuf,
    secrets: PathBuf,
}

impl Project {
    fn new(root: &Path, secrets_dir: &Path) -> Project {
        fs::create_dir_all(root.join("api")).unwrap();
        fs::write(root.join("upwire.toml"), DESCRIPTOR).unwrap();
        fs::write(root.join("api/.env"), user_env(OLD.0)).unwrap();
        let project = Project {
            root: root.to_path_buf(),
            secrets: secrets_dir.join("secrets.env"),
        };
        project.set_secrets(OLD);
        project
    }

    fn set_secrets(&self, (password, token): (&str, &str)) {
        fs::write(
            &self.secrets,
            format!(
                "UPSTASH_REDIS_URL=rediss://default:{password}@eu1-tidy-cat-12345.upstash.io:6379\nUPSTASH_REDIS_REST_TOKEN={token}\n"
            ),
        )
        .unwrap();
    }

    fn command(&self) -> Command {
        let mut cmd = upwire();
        cmd.arg("-c")
            .arg(self.root.join("upwire.toml"))
            .arg("--env-file")
            .arg(&self.secrets)
            .arg("generate")
            .env_remove("UPWIRE_TEST_FAULT");
        cmd
    }

    fn generate(&self) -> Output {
        self.command().output().expect("upwire runs")
    }

    fn generate_with_fault(&self, fault: &str) -> Output {
        self.command()
            .env("UPWIRE_TEST_FAULT", fault)
            .output()
            .expect("upwire runs")
    }

    /// Every file below the root with its bytes.
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        file_bytes_below(&self.root)
    }
}

/// upwire's temp files (`.<name>.upwire-<pid>.tmp`) below `root`.
fn temp_files(root: &Path) -> Vec<String> {
    file_names_below(root)
        .into_iter()
        .filter(|f| f.contains(".upwire-") && f.ends_with(".tmp"))
        .collect()
}

fn ok(output: &Output, root: &Path) {
    assert_eq!(code(output), 0, "{}", transcript(output, root));
}

/// Exit code 2 and a one-line `error: cannot write …` naming `path`.
fn write_error(output: &Output, root: &Path, path: &str, reason: &str) {
    let shown = transcript(output, root);
    assert_eq!(code(output), 2, "{shown}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("error: cannot write `")
                && l.contains(path)
                && l.contains(reason)),
        "expected `cannot write …{path}…: {reason}` in:\n{shown}"
    );
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The `.env` after a merge: only the value of `REDIS_URL` differs from [`user_env`].
fn merged_env(password: &str) -> String {
    user_env(password)
}

fn run_ok(cmd: &mut Command) -> bool {
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

// ---------------------------------------------------------------------------------------------
// Read-only directories

/// Makes a directory read-only for root too, until dropped: immutable (`chattr +i`) when the
/// file system supports it, else a read-only bind mount.
struct ReadOnly {
    dir: PathBuf,
    how: &'static str,
}

impl ReadOnly {
    fn apply(dir: &Path) -> Option<ReadOnly> {
        if run_ok(Command::new("chattr").arg("+i").arg(dir)) {
            return Some(ReadOnly {
                dir: dir.to_path_buf(),
                how: "chattr",
            });
        }
        if run_ok(Command::new("mount").arg("--bind").arg(dir).arg(dir)) {
            if run_ok(
                Command::new("mount")
                    .args(["-o", "remount,bind,ro"])
                    .arg(dir),
            ) {
                return Some(ReadOnly {
                    dir: dir.to_path_buf(),
                    how: "mount",
                });
            }
            run_ok(Command::new("umount").arg(dir));
        }
        None
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        match self.how {
            "chattr" => run_ok(Command::new("chattr").arg("-i").arg(&self.dir)),
            _ => run_ok(Command::new("umount").arg(&self.dir)),
        };
    }
}

#[test]
fn a_read_only_directory_fails_clearly_and_keeps_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let project = Project::new(&tmp.path().join("p"), tmp.path());
    ok(&project.generate(), &project.root);
    let before = project.files();

    // A directory whose parent is a regular file cannot be created, even by root.
    fs::write(project.root.join("blocked"), "a regular file\n").unwrap();
    fs::write(
        project.root.join("upwire.toml"),
        DESCRIPTOR.replace("dir = \"edge\"", "dir = \"blocked/edge\""),
    )
    .unwrap();
    let output = project.generate();
    write_error(&output, &project.root, "blocked/edge/", "Not a directory");
    assert_eq!(
        fs::read(project.root.join("blocked")).unwrap(),
        b"a regular file\n"
    );
    assert_eq!(temp_files(&project.root), Vec::<String>::new());
    fs::remove_file(project.root.join("blocked")).unwrap();
    fs::write(project.root.join("upwire.toml"), DESCRIPTOR).unwrap();

    // A read-only directory, with new secrets to write into it.
    project.set_secrets(NEW);
    let Some(read_only) = ReadOnly::apply(&project.root.join("api")) else {
        tier::partly_run(
            "generate into a read-only folder",
            "neither chattr +i nor a read-only bind mount works here; only a regular file as the parent was tried",
        );
        return;
    };
    let output = project.generate();
    let reason = match read_only.how {
        "chattr" => "Operation not permitted",
        _ => "Read-only file system",
    };
    write_error(&output, &project.root, "api/", reason);
    drop(read_only);
    assert_eq!(project.files(), before, "a failed generate changed files");
    assert_eq!(temp_files(&project.root), Vec::<String>::new());

    // Writable again: the next run writes the new values, and the user's lines are intact.
    ok(&project.generate(), &project.root);
    assert_eq!(
        fs::read_to_string(project.root.join("api/.env")).unwrap(),
        merged_env(NEW.0)
    );
}

// ---------------------------------------------------------------------------------------------
// Full disk

/// A small tmpfs mounted on a temp directory, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        run_ok(
            Command::new("mount")
                .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
                .arg(dir.path()),
        )
        .then_some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file until the file system refuses another byte.
    fn fill(&self) -> PathBuf {
        let filler = self.path().join("filler");
        let mut file = fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 4096];
        while file.write_all(&chunk).is_ok() {}
        while file.write_all(&[0]).is_ok() {}
        let _ = file.sync_all();
        filler
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        if !run_ok(Command::new("umount").arg(self.dir.path())) {
            run_ok(Command::new("umount").arg("-l").arg(self.dir.path()));
        }
    }
}

#[test]
fn a_full_disk_fails_clearly_and_keeps_every_file() {
    // An injected ENOSPC halfway through the temp file of each secret file in turn (debug
    // builds only: release builds have no fault hook).
    if cfg!(debug_assertions) {
        let tmp = tempfile::tempdir().unwrap();
        // What every file looks like after a complete rotation to the new secrets.
        fs::create_dir(tmp.path().join("ref-secrets")).unwrap();
        let reference = Project::new(&tmp.path().join("ref"), &tmp.path().join("ref-secrets"));
        reference.set_secrets(NEW);
        ok(&reference.generate(), &reference.root);
        let rotated = reference.files();

        let project = Project::new(&tmp.path().join("p"), tmp.path());
        ok(&project.generate(), &project.root);
        let before = project.files();
        project.set_secrets(NEW);
        for file in [".env", "docker.env", ".dev.vars"] {
            let output = project.generate_with_fault(&format!("enospc:{file}"));
            write_error(
                &output,
                &project.root,
                file,
                "No space left on device (os error 28)",
            );
            assert_eq!(
                temp_files(&project.root),
                Vec::<String>::new(),
                "after a failed {file}"
            );
            // Every file is its old or its new version; the one that failed (and any of that
            // name not reached yet) is the old one.
            let mut failed = 0;
            for (name, bytes) in project.files() {
                assert!(
                    bytes == before[&name] || bytes == rotated[&name],
                    "after a failed {file}: {name} is neither its old nor its new version"
                );
                if bytes != rotated[&name] && Path::new(&name).file_name().unwrap() == file {
                    failed += 1;
                }
            }
            assert!(failed >= 1, "after a failed {file}, every {file} is new");
        }
        ok(&project.generate(), &project.root);
        assert_eq!(project.files(), rotated);
    }

    // A real full disk, when this machine lets the test mount a tmpfs.
    let Some(disk) = Tmpfs::mount("512k") else {
        tier::partly_run(
            "generate on a full disk",
            "no tmpfs can be mounted here; only the injected ENOSPC was tried",
        );
        return;
    };
    let secrets = tempfile::tempdir().unwrap();
    let project = Project::new(&disk.path().join("p"), secrets.path());
    ok(&project.generate(), &project.root);
    let before = project.files();
    let filler = disk.fill();
    project.set_secrets(NEW);
    let output = project.generate();
    write_error(
        &output,
        &project.root,
        "",
        "No space left on device (os error 28)",
    );
    assert_eq!(
        project.files(),
        before,
        "a generate on a full disk changed files"
    );
    assert_eq!(temp_files(&project.root), Vec::<String>::new());

    // Space again: the next run completes.
    fs::remove_file(filler).unwrap();
    ok(&project.generate(), &project.root);
    assert_eq!(
        fs::read_to_string(project.root.join("api/.env")).unwrap(),
        merged_env(NEW.0)
    );
    assert_eq!(temp_files(&project.root), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------------
// Killed mid-write

/// With the fault hook, which only debug builds have.
#[cfg(debug_assertions)]
#[test]
fn a_process_killed_mid_write_never_leaves_a_half_written_file() {
    let tmp = tempfile::tempdir().unwrap();
    let project = Project::new(&tmp.path().join("p"), tmp.path());
    ok(&project.generate(), &project.root);
    let before = project.files();
    project.set_secrets(NEW);
    for fault in [
        "abort:.env",
        "abort-before-rename:.env",
        "abort:docker.env",
        "abort-before-rename:.dev.vars",
    ] {
        let output = project.generate_with_fault(fault);
        assert_eq!(
            output.status.code(),
            None,
            "{fault}: the hook did not abort:\n{}",
            transcript(&output, &project.root)
        );
        let target = fault.split_once(':').unwrap().1;
        // The file being written is the old one, byte for byte.
        for (name, bytes) in project.files() {
            if name.ends_with(target) && !name.contains(".upwire-") {
                assert_eq!(bytes, before[&name], "{fault}: {name} changed");
            }
        }
        // What the killed run left is a hidden temp file, readable only by the owner (it holds
        // secrets), named so that nothing takes it for the real file.
        let temps = temp_files(&project.root);
        assert_eq!(temps.len(), 1, "{fault}: {temps:?}");
        let temp = project.root.join(&temps[0]);
        let name = temp.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with(&format!(".{target}.upwire-")) && name.ends_with(".tmp"),
            "{name}"
        );
        assert_eq!(mode(&temp), 0o600, "{name}");

        // The next run removes it and writes the new values; the user's lines are intact.
        ok(&project.generate(), &project.root);
        assert_eq!(temp_files(&project.root), Vec::<String>::new(), "{fault}");
        assert_eq!(
            fs::read_to_string(project.root.join("api/.env")).unwrap(),
            merged_env(NEW.0)
        );
        // Back to the old state for the next fault.
        project.set_secrets(OLD);
        ok(&project.generate(), &project.root);
        assert_eq!(project.files(), before, "{fault}: rotating back");
        project.set_secrets(NEW);
    }
}

/// Without any hook: SIGKILL at several points of a generate over many targets. Every file is
/// then either its old or its new version, never anything in between, and the next run
/// finishes the job.
#[test]
fn sigkill_during_a_large_generate_leaves_only_old_or_new_files() {
    const TARGETS: usize = 60;
    let mut descriptor = String::from(
        "[database.main]\nredis_url = \"${UPSTASH_REDIS_URL}\"\nrest_url = \"https://eu1-tidy-cat-12345.upstash.io\"\nrest_token = \"${UPSTASH_REDIS_REST_TOKEN}\"\n",
    );
    let platforms = ["docker", "kubernetes", "fly", "generic"];
    for i in 0..TARGETS {
        descriptor.push_str(&format!(
            "\n[target.t{i}]\nkind = \"server\"\nplatform = \"{}\"\ndir = \"t{i}\"\n",
            platforms[i % platforms.len()]
        ));
    }
    let tmp = tempfile::tempdir().unwrap();
    let setup = |name: &str, secrets: (&str, &str)| {
        let project = Project::new(&tmp.path().join(name), &tmp.path().join(name));
        fs::write(project.root.join("upwire.toml"), &descriptor).unwrap();
        project.set_secrets(secrets);
        project
    };
    // The old and the new state of every file.
    let old = setup("old", OLD);
    ok(&old.generate(), &old.root);
    // The time a rotation (old → new) takes, to kill the next ones part of the way through.
    let new = setup("new", OLD);
    ok(&new.generate(), &new.root);
    new.set_secrets(NEW);
    let started = Instant::now();
    ok(&new.generate(), &new.root);
    let full_run = started.elapsed();
    let old_files = old.files();
    let new_files = new.files();

    let mut cut_short = 0;
    for (round, percent) in [5u32, 25, 50, 75].into_iter().enumerate() {
        let work = setup(&format!("work{round}"), OLD);
        ok(&work.generate(), &work.root);
        assert_eq!(work.files(), old_files);
        work.set_secrets(NEW);
        let mut child = work
            .command()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(full_run * percent / 100);
        let _ = child.kill();
        let _ = child.wait();
        let (mut done, mut pending) = (0, 0);
        for (name, bytes) in work.files() {
            if name.contains(".upwire-") {
                continue;
            }
            if old_files.get(&name) != new_files.get(&name) {
                if Some(&bytes) == new_files.get(&name) {
                    done += 1;
                } else {
                    pending += 1;
                }
            }
            let (Some(o), Some(n)) = (old_files.get(&name), new_files.get(&name)) else {
                panic!("killed at {percent}%: unexpected file {name}");
            };
            assert!(
                bytes == *o || bytes == *n,
                "killed at {percent}%: {name} is neither its old nor its new version:\n{}",
                String::from_utf8_lossy(&bytes)
            );
        }
        eprintln!(
            "killed at {percent}% of {full_run:?}: {done} files new, {pending} old, temps {:?}",
            temp_files(&work.root)
        );
        if done > 0 && pending > 0 {
            cut_short += 1;
        }
        ok(&work.generate(), &work.root);
        assert_eq!(
            work.files(),
            new_files,
            "the run after the kill at {percent}%"
        );
    }
    assert!(
        cut_short > 0,
        "no kill landed in the middle of a run ({full_run:?}): the test proved nothing"
    );
}

// ---------------------------------------------------------------------------------------------
// The existing `.env`

/// A `.env` that opens a quote and never closes it cannot be merged safely: generate says so,
/// with the line, exits 2 and leaves the file alone.
#[test]
fn an_env_with_an_unclosed_quote_is_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let project = Project::new(&tmp.path().join("p"), tmp.path());
    let broken = "A=1\r\nSESSION=\"abc\r\nB=2\r\n";
    fs::write(project.root.join("api/.env"), broken).unwrap();
    let output = project.generate();
    let shown = transcript(&output, &project.root);
    assert_eq!(code(&output), 2, "{shown}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains(
            "/api/.env`: line 2 opens a quote that is never closed; close it or remove the line, then run generate again (the file was not changed)"
        ),
        "{shown}"
    );
    assert_eq!(
        fs::read(project.root.join("api/.env")).unwrap(),
        broken.as_bytes()
    );
    assert_eq!(temp_files(&project.root), Vec::<String>::new());
}

/// A merge that could overwrite or misplace a value is refused, the file left as it was: a
/// managed key set twice with different values (tools disagree on which counts: the last one
/// for wrangler, Node's dotenv and Docker), and a quoted value only some tools read across
/// lines (Fly's `"""`), under which a managed key would be inside that value.
#[test]
fn an_env_file_a_merge_would_damage_is_left_alone() {
    let cases = [
        (
            "edge/.dev.vars",
            "# mine\nUPSTASH_REDIS_REST_TOKEN=OLDSTALE\nUPSTASH_REDIS_REST_TOKEN=current\n",
            "line 3 sets `UPSTASH_REDIS_REST_TOKEN` again, to another value than line 2 does",
        ),
        (
            "api/.env",
            "SESSION_KEY=\"\"\"\nREDIS_URL=inside\n\"\"\"\n",
            "line 1 has a quoted value that dotenv tools read in different ways",
        ),
    ];
    for (file, text, why) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let project = Project::new(&tmp.path().join("p"), tmp.path());
        fs::create_dir_all(project.root.join(file).parent().unwrap()).unwrap();
        fs::write(project.root.join(file), text).unwrap();
        let output = project.generate();
        let shown = transcript(&output, &project.root);
        assert_eq!(code(&output), 2, "{shown}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(why), "{shown}");
        assert!(stderr.contains("(the file was not changed)"), "{shown}");
        assert_eq!(fs::read_to_string(project.root.join(file)).unwrap(), text);
        assert_eq!(temp_files(&project.root), Vec::<String>::new());
    }
    // The same value twice is no conflict: both lines get the new one.
    let tmp = tempfile::tempdir().unwrap();
    let project = Project::new(&tmp.path().join("p"), tmp.path());
    fs::create_dir_all(project.root.join("edge")).unwrap();
    fs::write(
        project.root.join("edge/.dev.vars"),
        "UPSTASH_REDIS_REST_TOKEN=same\nUPSTASH_REDIS_REST_TOKEN=same\n",
    )
    .unwrap();
    ok(&project.generate(), &project.root);
}

/// Files with secrets are 0600 after every run, also when their contents did not change.
#[test]
fn secret_files_are_owner_only_even_when_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let project = Project::new(&tmp.path().join("p"), tmp.path());
    ok(&project.generate(), &project.root);
    // A Worker's values go into `.dev.vars` alone (`wrangler dev` reads no `.env` beside it).
    let secret_files = ["api/.env", "api/docker.env", "edge/.dev.vars"];
    for file in secret_files {
        assert_eq!(mode(&project.root.join(file)), 0o600, "{file}");
        fs::set_permissions(
            project.root.join(file),
            std::os::unix::fs::PermissionsExt::from_mode(0o644),
        )
        .unwrap();
    }
    let output = project.generate();
    ok(&output, &project.root);
    let stdout = String::from_utf8_lossy(&output.stdout);
    for file in secret_files {
        assert!(
            stdout.contains(&format!("unchanged {}", project.root.join(file).display())),
            "{stdout}"
        );
        assert_eq!(mode(&project.root.join(file)), 0o600, "{file}");
    }
    assert_eq!(mode(&project.root.join("api/.env.example")), 0o644);
    assert_eq!(
        fs::read_to_string(project.root.join("api/.env")).unwrap(),
        merged_env(OLD.0)
    );
}
