//! The closed value sets of the descriptor: kinds, platforms, needs, transports, access.

use std::fmt;

use serde::Serialize;

macro_rules! value_enum {
    ($(#[$meta:meta])* $name:ident { $( $variant:ident = $text:literal ),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        pub enum $name {
            $( #[doc = $text] #[serde(rename = $text)] $variant, )*
        }

        impl $name {
            /// Every value, in the order the contract lists them.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )* ];
            /// Every accepted spelling.
            pub const NAMES: &'static [&'static str] = &[ $( $text, )* ];

            /// The spelling used in the descriptor and in output.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text, )* }
            }

            /// Parses the descriptor spelling.
            #[must_use]
            pub fn parse(text: &str) -> Option<Self> {
                match text { $( $text => Some($name::$variant), )* _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

value_enum! {
    /// What kind of runtime a target is.
    Kind { Server = "server", Container = "container", Lambda = "lambda", Edge = "edge", Mobile = "mobile" }
}

value_enum! {
    /// Where a target is deployed; decides the platform files `generate` writes.
    Platform {
        Generic = "generic", Docker = "docker", Kubernetes = "kubernetes", Fly = "fly",
        AwsLambda = "aws-lambda", Vercel = "vercel", Netlify = "netlify",
        Cloudflare = "cloudflare", Expo = "expo", Railway = "railway", Render = "render",
        DenoDeploy = "deno-deploy", Supabase = "supabase",
    }
}

value_enum! {
    /// The code a target is: its framework or library, which says which env files are read,
    /// where a starter belongs and how it reads its variables (`src/framework.rs`).
    Framework {
        NextJs = "nextjs", SvelteKit = "sveltekit", Nuxt = "nuxt", Remix = "remix",
        Astro = "astro", Hono = "hono", Expo = "expo", Express = "express", Node = "node", BullMq = "bullmq",
        Python = "python", Django = "django", Celery = "celery", Rails = "rails", Sidekiq = "sidekiq",
        Axum = "axum", ActixWeb = "actix-web", LambdaRuntime = "lambda-runtime",
        WorkersRs = "workers-rs", Workers = "workers",
    }
}

value_enum! {
    /// A Redis capability the target's code relies on.
    Need { Blocking = "blocking", Watch = "watch", Pubsub = "pubsub" }
}

value_enum! {
    /// How the target talks to Redis.
    Transport { Tcp = "tcp", Rest = "rest" }
}

value_enum! {
    /// What the target may do.
    Access { ReadWrite = "read-write", ReadOnly = "read-only" }
}

/// Every target field with a closed value set, and its values.
pub(crate) const TARGET_VALUES: [(&str, &[&str]); 6] = [
    ("kind", Kind::NAMES),
    ("platform", Platform::NAMES),
    ("framework", Framework::NAMES),
    ("needs", Need::NAMES),
    ("transport", Transport::NAMES),
    ("access", Access::NAMES),
];

/// Every field with a closed value set and its values, as `explain unknown-value` lists them.
pub(crate) fn value_table() -> String {
    TARGET_VALUES
        .iter()
        .map(|(field, values)| format!("  {field:<11}{}", values.join(" | ")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `name` is a valid target or database name: `[a-z0-9][a-z0-9-]*`.
#[must_use]
pub(crate) fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The closest candidate to `input`, when it is close enough to be a likely typo.
#[must_use]
pub(crate) fn did_you_mean<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(input, c), *c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(*k));
        }
        assert_eq!(Platform::parse("aws-lambda"), Some(Platform::AwsLambda));
        assert_eq!(Kind::parse("lamda"), None);
    }

    #[test]
    fn suggestions_catch_typos_only() {
        assert_eq!(did_you_mean("lamda", Kind::NAMES), Some("lambda"));
        assert_eq!(
            did_you_mean("trasport", &["transport", "access"]),
            Some("transport")
        );
        assert_eq!(did_you_mean("zzz", Kind::NAMES), None);
    }

    #[test]
    fn valid_names() {
        assert!(is_valid_name("api-2"));
        assert!(!is_valid_name("-api"));
        assert!(!is_valid_name("Api"));
        assert!(!is_valid_name(""));
    }
}
