vcl 4.1;
# Citewell behind Varnish 7 (Debian 12: apt-get install varnish varnish-modules).
#
#   varnishd -F -a :6081 -f /path/to/deploy/varnish/citewell.vcl -s malloc,256m
#
# Then start the app servers with SHARED_CACHE_PURGE_URLS=http://<varnish host>:6081
# (comma-separated, one per Varnish server) and TRUSTED_PROXIES=1 (Varnish adds the
# reader's address to X-Forwarded-For, which the rate limits read).
#
# What it does:
# - keeps what the app marks for shared caches (Cache-Control: public with s-maxage or
#   max-age), for s-maxage, and serves it stale for stale-while-revalidate (Varnish
#   reads both itself) while it fetches the new copy in the background;
# - indexes each stored page by the dependency keys of its `xkey` response header
#   (vmod xkey, from varnish-modules) and drops them from what readers receive;
# - answers the app's `PURGE /` with an `xkey-purge: <keys>` header by dropping every
#   page carrying any of those keys (a hard purge: the next request is a miss), with
#   200 and the count; only from the addresses in the `purgers` ACL below;
# - passes /admin/ and any request carrying the session cookie to the app untouched,
#   and removes every other cookie from GET and HEAD so anonymous readers share copies;
# - stores a page's Brotli, gzip and plain copies apart, each fetched as readers take it;
# - says on each response whether it was served from here: X-Shared-Cache: hit, miss
#   or pass (never stored).
#
# The app server: the backend below (gunicorn's default address in
# scripts/start-production). The tests and the benchmark render this file with their
# own port by replacing `.port = "8000";`. Several app servers: declare one backend
# each and pick among them with vmod directors (round_robin) in vcl_init/vcl_recv.

import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may PURGE: the app servers. Add each app server's address (or its network),
# one line each, e.g. "10.0.0.12"; or "10.0.0.0"/24;
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header naming the keys"));
        }
        set req.http.xkey-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.xkey-purged));
    }
    if (req.url ~ "^/admin(/|$)" || req.http.Cookie ~ "(^|;)\s*sessionid=") {
        return (pass);
    }
    if (req.method == "GET" || req.method == "HEAD") {
        unset req.http.Cookie;
        # The app keeps each page plain, gzipped and in Brotli (Vary: Accept-Encoding): each
        # coding is stored here apart (vcl_hash) and fetched as the reader takes it, rather
        # than as gzip only, which Varnish would unzip for every reader who does not take it.
        if (req.http.Accept-Encoding ~ "(?i)\bbr\b") {
            set req.http.X-Citewell-Encoding = "br";
        } elsif (req.http.Accept-Encoding ~ "(?i)\bgzip\b") {
            set req.http.X-Citewell-Encoding = "gzip";
        } else {
            set req.http.X-Citewell-Encoding = "identity";
        }
    }
    # The built-in rules follow: other methods pass, unknown ones are piped.
}

sub vcl_hash {
    if (req.http.X-Citewell-Encoding) {
        hash_data(req.http.X-Citewell-Encoding);
    }
    # The built-in rule follows: the URL and the host.
}

sub vcl_backend_fetch {
    if (bereq.http.X-Citewell-Encoding) {
        set bereq.http.Accept-Encoding = bereq.http.X-Citewell-Encoding;
        unset bereq.http.X-Citewell-Encoding;
    }
}

sub vcl_backend_response {
    # Only what the app marks for shared caches is kept; nothing it leaves unmarked is
    # stored for Varnish's default TTL.
    if (!bereq.uncacheable
        && beresp.http.Cache-Control !~ "(?i)(^|,)\s*(public|s-maxage=\d+)\s*(,|$)") {
        set beresp.ttl = 10s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Kept past its grace for a conditional request: the app answers 304 (its ETag)
    # when the page has not changed. A purge drops it all the same.
    set beresp.keep = 1h;
    # The built-in rules follow: Set-Cookie, private, no-cache and no-store are not kept.
}

sub vcl_deliver {
    unset resp.http.xkey;
    if (obj.uncacheable) {
        set resp.http.X-Shared-Cache = "pass";
    } elsif (obj.hits > 0) {
        set resp.http.X-Shared-Cache = "hit";
    } else {
        set resp.http.X-Shared-Cache = "miss";
    }
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = resp.reason + {"
"};
        return (deliver);
    }
}
