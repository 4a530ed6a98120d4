//! `upwire init`.

use super::*;

pub(super) fn init(cli: &Cli, kinds: &[Kind], force: bool) -> Result<u8, Error> {
    let path = &cli.config;
    if let Some(kind) = crate::init::repeated_kind(kinds) {
        return Err(Error::Usage(format!(
            "`--kind {}` is given twice: each kind makes one target; give it once",
            kind.as_str()
        )));
    }
    if path.exists() && !force {
        return Err(Error::Exists { path: path.clone() });
    }
    let project = std::env::current_dir()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .map(|n| {
            n.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect::<String>()
                .trim_matches('-')
                .to_owned()
        })
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "app".to_owned());
    let text = crate::init::render_init(&project, kinds);
    crate::write::write_atomic(path, text.as_bytes(), None)?;
    #[derive(serde::Serialize)]
    struct Written {
        written: Vec<String>,
    }
    Report::new(Written {
        written: vec![path.display().to_string()],
    })
    .print(cli.format, || {
        say!(
            "wrote {}: fill in the variables, then run `upwire lint`",
            path.display()
        );
    });
    Ok(0)
}
