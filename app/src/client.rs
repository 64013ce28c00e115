//! Who is at the other end of a request (server only): the socket's address, or the one a
//! proxy named in the settings forwarded (rate limits count per client address), and the
//! cookies it sent.

use axum::http::HeaderMap;
use ipnet::IpNet;
use leptos::prelude::use_context;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The value of cookie `name` in a `Cookie` request header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value)
}

/// The value of cookie `name` sent with this request (in a server function or a page's render).
pub fn request_cookie(name: &str) -> Option<String> {
    let parts = use_context::<axum::http::request::Parts>()?;
    let header = parts
        .headers
        .get(axum::http::header::COOKIE)?
        .to_str()
        .ok()?;
    cookie_value(header, name).map(str::to_owned)
}

/// The address a request came from, as the server decided it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    /// The client address of a request that reached the server from `peer`. `X-Forwarded-For`
    /// is believed only from a trusted proxy, and read from the right: the first address that
    /// is not itself a trusted proxy is the client (anything left of it is the client's word).
    pub fn of_request(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpNet]) -> Self {
        let trusted = |ip: &IpAddr| trusted_proxies.iter().any(|net| net.contains(ip));
        if !trusted(&peer) {
            return ClientAddress(peer);
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map_while(|hop| hop.trim().parse().ok())
            .collect();
        let client = forwarded
            .iter()
            .rev()
            .find(|ip| !trusted(ip))
            .or(forwarded.first())
            .copied()
            .unwrap_or(peer);
        ClientAddress(client)
    }

    /// The subject rate limits count under. An IPv6 client holds a whole /64 network, so it
    /// is counted as one.
    pub fn subject(&self) -> String {
        match self.0 {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = ip.segments();
                    format!("{}/64", Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
                }
            },
        }
    }
}

/// The client address of the current request. A request without one (never on the real
/// server) shares one counter with every other such request: the safe side.
pub fn client_address() -> ClientAddress {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<ClientAddress>().copied())
        .unwrap_or(ClientAddress(IpAddr::V4(Ipv4Addr::UNSPECIFIED)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let proxies: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let headers = forwarded("203.0.113.9");
        assert_eq!(
            ClientAddress::of_request(ip("198.51.100.7"), &headers, &proxies).0,
            ip("198.51.100.7"),
            "a client cannot claim another address"
        );
        assert_eq!(
            ClientAddress::of_request(ip("10.1.2.3"), &headers, &proxies).0,
            ip("203.0.113.9")
        );
        assert_eq!(
            ClientAddress::of_request(ip("10.1.2.3"), &HeaderMap::new(), &proxies).0,
            ip("10.1.2.3")
        );
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let proxies: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        // The client wrote the first entry itself; the proxy appended what it saw.
        let headers = forwarded("1.2.3.4, 203.0.113.9, 10.0.0.2");
        assert_eq!(
            ClientAddress::of_request(ip("10.0.0.1"), &headers, &proxies).0,
            ip("203.0.113.9")
        );
        let garbage = forwarded("not-an-ip");
        assert_eq!(
            ClientAddress::of_request(ip("10.0.0.1"), &garbage, &proxies).0,
            ip("10.0.0.1")
        );
    }

    #[test]
    fn ipv6_clients_are_counted_by_network() {
        let a = ClientAddress(ip("2001:db8:1:2:aaaa::1"));
        let b = ClientAddress(ip("2001:db8:1:2:bbbb::9"));
        assert_eq!(a.subject(), b.subject());
        assert_eq!(a.subject(), "2001:db8:1:2::/64");
        assert_eq!(ClientAddress(ip("::ffff:192.0.2.1")).subject(), "192.0.2.1");
        assert_eq!(ClientAddress(ip("192.0.2.1")).subject(), "192.0.2.1");
    }
}
