//! `redis-py-ssl-cert-reqs`: a Django target (django-redis, over redis-py) whose `rediss://`
//! URL spells `ssl_cert_reqs` as Celery's docs do, `CERT_REQUIRED`. redis-py reads the
//! parameter from the URL as a string and knows `none`, `optional` and `required` only: any
//! other raises "Invalid SSL Certificate Requirements Flag: CERT_REQUIRED" (SSLConnection in
//! redis/connection.py) at the first cache access. Celery maps `required` and `CERT_REQUIRED`
//! alike (celery/backends/redis.py), so `required` serves a Django project and its Celery
//! worker from one URL.

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::Framework;
use crate::plan::{Facts, TargetPlan};

/// The values redis-py accepts for `ssl_cert_reqs` in a URL.
const ACCEPTED: &[&str] = &["none", "optional", "required"];

pub(super) fn run(facts: &Facts<'_>, _: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    let Some((url, field)) = super::tls_url_of(facts, Framework::Django) else {
        return;
    };
    let Some((_, query)) = url.split_once('?') else {
        return;
    };
    let Some(value) = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("ssl_cert_reqs="))
    else {
        return;
    };
    if ACCEPTED.contains(&value) {
        return;
    }
    // The value is a setting, never a secret, but only the known spellings are echoed.
    let lower = value.to_ascii_lowercase();
    let fix = ACCEPTED
        .iter()
        .find(|a| lower == **a || lower == format!("cert_{a}"))
        .copied()
        .unwrap_or("required");
    let shown = if lower.starts_with("cert_") || ACCEPTED.contains(&lower.as_str()) {
        format!("`{value}`")
    } else {
        "a value it does not know".to_owned()
    };
    out.push(
        Diagnostic::new(
            Code::RedisPySslCertReqs,
            format!(
                "Django target `{}` gets a `rediss://` URL whose `ssl_cert_reqs` is {shown}: redis-py (under django-redis) accepts only `none`, `optional` or `required`",
                facts.target.name
            ),
        )
        .at(facts.source, field.span.clone())
        .help(format!(
            "write `ssl_cert_reqs={fix}` in the URL: Celery reads it too (it maps `{fix}` and `CERT_{}` alike)",
            fix.to_ascii_uppercase()
        )),
    );
}
