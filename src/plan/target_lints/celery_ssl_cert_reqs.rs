//! `celery-ssl-cert-reqs`: a Celery target over TLS (`rediss://`) whose URL has no
//! `ssl_cert_reqs`. Celery refuses it at start-up ("A rediss:// URL must have parameter
//! ssl_cert_reqs and this must be set to CERT_REQUIRED, CERT_OPTIONAL, or CERT_NONE", the
//! message `E_REDIS_SSL_CERT_REQS_MISSING_INVALID` in celery/backends/redis.py), while
//! django-redis and redis-py take the same URL as it is. The fix names the spelling both read:
//! Celery maps `required` and `CERT_REQUIRED` alike (the same file), redis-py's SSLConnection
//! only `none`, `optional` and `required` ("Invalid SSL Certificate Requirements Flag:
//! CERT_REQUIRED", redis/connection.py).

use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::model::Framework;
use crate::plan::{Facts, TargetPlan};

pub(super) fn run(facts: &Facts<'_>, _: &mut TargetPlan, out: &mut Vec<Diagnostic>) {
    let t = facts.target;
    let Some((url, field)) = super::tls_url_of(facts, Framework::Celery) else {
        return;
    };
    if !url.contains("ssl_cert_reqs=") {
        out.push(
            Diagnostic::new(
                Code::CelerySslCertReqs,
                format!(
                    "Celery target `{}` gets a `rediss://` URL without `ssl_cert_reqs`, which Celery refuses at start-up",
                    t.name
                ),
            )
            .at(facts.source, field.span.clone())
            .help("end the URL with `?ssl_cert_reqs=required` (Upstash's certificates are from a public CA, so verification works; Celery reads `required` and `CERT_REQUIRED` alike, redis-py under django-redis only `required`), or set `broker_use_ssl` and `redis_backend_use_ssl` to `{\"ssl_cert_reqs\": ssl.CERT_REQUIRED}` in Celery's settings"),
        );
    }
}
