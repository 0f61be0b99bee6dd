//! Which endpoint a client sends to, as Google's own clients choose it: the universe domain
//! (`GOOGLE_CLOUD_UNIVERSE_DOMAIN`) moves every `googleapis.com` endpoint of a crate, and
//! `GOOGLE_API_USE_MTLS_ENDPOINT` (`always`, `never`, `auto`: when a client certificate is configured)
//! picks the mTLS one. An explicit base URL wins over both.

use reqwest::Url;

use crate::error::ConfigErrorKind;
use crate::{Error, Result};

/// The universe of Google's public cloud.
pub const DEFAULT_UNIVERSE_DOMAIN: &str = "googleapis.com";

/// Names the universe domain when the app sets none.
pub const UNIVERSE_DOMAIN_ENV: &str = "GOOGLE_CLOUD_UNIVERSE_DOMAIN";

/// `always`, `never` or `auto` (the default): whether to use the mTLS endpoint.
pub const USE_MTLS_ENDPOINT_ENV: &str = "GOOGLE_API_USE_MTLS_ENDPOINT";

/// What the builder was told about endpoints.
#[derive(Clone, Copy)]
pub(crate) struct Choice<'a> {
    /// The crate's default endpoint (`Client::DEFAULT_BASE_URL`).
    pub(crate) default: &'a str,
    /// A regional endpoint of the crate, moved to the universe like the default.
    pub(crate) regional: Option<&'a str>,
    /// An explicit base URL: used as given.
    pub(crate) explicit: Option<&'a str>,
    /// The universe domain set on the builder.
    pub(crate) universe_domain: Option<&'a str>,
    /// Whether the client presents a certificate.
    pub(crate) client_certificate: bool,
}

/// The chosen base URL and the client's universe domain.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Chosen {
    pub(crate) base_url: String,
    pub(crate) universe_domain: String,
}

impl Choice<'_> {
    /// Chooses, reading the environment through `env`.
    pub(crate) fn resolve(&self, env: impl Fn(&str) -> Option<String>) -> Result<Chosen> {
        let universe_domain = match self.universe_domain {
            Some(domain) => domain.trim().to_owned(),
            None => env(UNIVERSE_DOMAIN_ENV)
                .map(|d| d.trim().to_owned())
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| DEFAULT_UNIVERSE_DOMAIN.to_owned()),
        };
        if universe_domain.is_empty() || universe_domain.contains(['/', ':', '@']) {
            return Err(Error::config(
                ConfigErrorKind::Endpoint,
                format!("invalid universe domain {universe_domain:?}"),
            ));
        }
        if let Some(explicit) = self.explicit {
            return Ok(Chosen {
                base_url: explicit.to_owned(),
                universe_domain,
            });
        }
        let mut url = self.regional.unwrap_or(self.default).to_owned();
        if self.use_mtls(&env)? {
            if universe_domain != DEFAULT_UNIVERSE_DOMAIN {
                return Err(Error::config(ConfigErrorKind::Endpoint, format!(
                    "mTLS endpoints exist only in the {DEFAULT_UNIVERSE_DOMAIN} universe, not in {universe_domain:?}"
                )));
            }
            url = mtls(&url);
        }
        Ok(Chosen {
            base_url: in_universe(&url, &universe_domain),
            universe_domain,
        })
    }

    fn use_mtls(&self, env: &impl Fn(&str) -> Option<String>) -> Result<bool> {
        let setting = env(USE_MTLS_ENDPOINT_ENV).unwrap_or_default();
        match setting.trim().to_ascii_lowercase().as_str() {
            "always" => Ok(true),
            "never" => Ok(false),
            "auto" | "" => Ok(self.client_certificate),
            _ => Err(Error::config(
                ConfigErrorKind::Endpoint,
                format!(
                    "{USE_MTLS_ENDPOINT_ENV} must be `always`, `never` or `auto`, not {setting:?}"
                ),
            )),
        }
    }
}

/// `url` with its host's `googleapis.com` suffix replaced by `universe_domain`; any other URL as it is.
pub fn in_universe(url: &str, universe_domain: &str) -> String {
    rewrite_host(url, |host| {
        let name = host.strip_suffix(DEFAULT_UNIVERSE_DOMAIN)?;
        (name.is_empty() || name.ends_with('.')).then(|| format!("{name}{universe_domain}"))
    })
}

/// The mTLS endpoint of a Google endpoint, as Google's clients derive it: `name.googleapis.com` →
/// `name.mtls.googleapis.com` (and `name.sandbox.googleapis.com` → `name.mtls.sandbox.googleapis.com`);
/// any other URL (already mTLS, regional, not Google's) as it is.
pub fn mtls(url: &str) -> String {
    rewrite_host(url, |host| {
        let (name, domain) = host.split_once('.')?;
        matches!(domain, "googleapis.com" | "sandbox.googleapis.com")
            .then(|| format!("{name}.mtls.{domain}"))
    })
}

fn rewrite_host(url: &str, new_host: impl Fn(&str) -> Option<String>) -> String {
    let Ok(mut parsed) = Url::parse(url) else {
        return url.to_owned();
    };
    let Some(host) = parsed.host_str().and_then(new_host) else {
        return url.to_owned();
    };
    match parsed.set_host(Some(&host)) {
        Ok(()) => parsed.into(),
        Err(_) => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choose(
        choice: &Choice<'_>,
        universe_env: Option<&str>,
        mtls_env: Option<&str>,
    ) -> Result<String> {
        let env = |name: &str| match name {
            UNIVERSE_DOMAIN_ENV => universe_env.map(str::to_owned),
            USE_MTLS_ENDPOINT_ENV => mtls_env.map(str::to_owned),
            _ => None,
        };
        choice.resolve(env).map(|c| c.base_url)
    }

    #[test]
    fn the_environment_chooses_the_universe_and_mtls() {
        let default = Choice {
            default: "https://dialogflow.googleapis.com/",
            regional: None,
            explicit: None,
            universe_domain: None,
            client_certificate: false,
        };
        let ok = |choice: &Choice<'_>, universe, mtls| choose(choice, universe, mtls).unwrap();
        assert_eq!(
            ok(&default, None, None),
            "https://dialogflow.googleapis.com/"
        );
        assert_eq!(
            ok(&default, Some("u.example"), None),
            "https://dialogflow.u.example/"
        );
        assert_eq!(
            ok(&default, Some(""), None),
            "https://dialogflow.googleapis.com/"
        );
        let set = Choice {
            universe_domain: Some("set.example"),
            ..default
        };
        assert_eq!(
            ok(&set, Some("u.example"), None),
            "https://dialogflow.set.example/"
        );
        let explicit = Choice {
            explicit: Some("http://127.0.0.1:9/"),
            ..set
        };
        assert_eq!(ok(&explicit, None, Some("always")), "http://127.0.0.1:9/");

        let mtls = "https://dialogflow.mtls.googleapis.com/";
        let certified = Choice {
            client_certificate: true,
            ..default
        };
        for (choice, setting, want) in [
            (&default, Some("always"), mtls),
            (&default, Some("auto"), "https://dialogflow.googleapis.com/"),
            (&certified, None, mtls),
            (&certified, Some("AUTO"), mtls),
            (
                &certified,
                Some("never"),
                "https://dialogflow.googleapis.com/",
            ),
        ] {
            assert_eq!(ok(choice, None, setting), want, "{setting:?}");
        }
        for (universe, setting) in [
            (None, Some("sometimes")),
            (Some("u.example"), Some("always")),
        ] {
            let err = choose(&default, universe, setting).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{err:?}");
        }
        let bad = Choice {
            universe_domain: Some("evil.example/x"),
            ..default
        };
        assert!(matches!(choose(&bad, None, None), Err(Error::Config(_))));
    }

    #[test]
    fn hosts_move_to_the_universe_and_to_mtls() {
        let moved = in_universe("https://dialogflow.googleapis.com/v2/", "example.com");
        assert_eq!(moved, "https://dialogflow.example.com/v2/");
        for unchanged in [
            "https://dialogflow.notgoogleapis.com/",
            "http://127.0.0.1:8080/",
            "not a url",
        ] {
            assert_eq!(in_universe(unchanged, "example.com"), unchanged);
        }
        assert_eq!(
            mtls("https://www.googleapis.com/compute/v1/"),
            "https://www.mtls.googleapis.com/compute/v1/"
        );
        assert_eq!(
            mtls("https://pubsub.sandbox.googleapis.com/"),
            "https://pubsub.mtls.sandbox.googleapis.com/"
        );
        for unchanged in [
            "https://dialogflow.mtls.googleapis.com/",
            "https://dialogflow.us.rep.googleapis.com/",
            "https://europe-west1-dialogflow.example.com/",
        ] {
            assert_eq!(mtls(unchanged), unchanged);
        }
    }
}
