package app

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// SecurityConfig limits who may read /metrics and whose forwarding headers name the client.
type SecurityConfig struct {
	MetricsToken string         // B24PAY_METRICS_TOKEN: when set, /metrics wants "Authorization: Bearer <token>"
	MetricsAllow []netip.Prefix // B24PAY_METRICS_ALLOW: addresses or CIDRs allowed to read /metrics (comma-separated)
	// B24PAY_TRUSTED_PROXIES: the reverse proxies whose X-Forwarded-For names the client (addresses
	// or CIDRs). Empty: the client is the TCP peer, so nobody can claim an allow-listed address.
	TrustedProxies []netip.Prefix
}

// loadSecurity reads the B24PAY_METRICS_* and B24PAY_TRUSTED_PROXIES variables.
func loadSecurity(get func(name, def string) string, dst *SecurityConfig) error {
	dst.MetricsToken = get("B24PAY_METRICS_TOKEN", "")
	if t := dst.MetricsToken; t != "" && (len(t) < 16 || strings.ContainsAny(t, " \t")) {
		return &ConfigError{"B24PAY_METRICS_TOKEN", "must be at least 16 characters without spaces (openssl rand -hex 24)"}
	}
	var err error
	if dst.MetricsAllow, err = prefixList(get, "B24PAY_METRICS_ALLOW"); err != nil {
		return err
	}
	dst.TrustedProxies, err = prefixList(get, "B24PAY_TRUSTED_PROXIES")
	return err
}

// prefixList reads a comma-separated list of addresses or CIDRs.
func prefixList(get func(name, def string) string, name string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(get(name, ""), ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			a, aerr := netip.ParseAddr(part)
			if aerr != nil {
				return nil, &ConfigError{name, fmt.Sprintf("%q is not an IP address or CIDR (e.g. 10.0.0.0/8)", part)}
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// trustedProxies is the list gin takes: nil trusts no forwarding header at all.
func (s SecurityConfig) trustedProxies() []string {
	var out []string
	for _, p := range s.TrustedProxies {
		out = append(out, p.String())
	}
	return out
}

// checkProviderHosts refuses provider API URLs that are not https or that name a private,
// loopback, link-local or unspecified address, unless B24PAY_ALLOW_PRIVATE_PROVIDER_HOSTS is set
// (tests and the sandbox run their provider fakes on loopback).
func (b *BillingConfig) checkProviderHosts() error {
	if b.AllowPrivateHosts {
		return nil
	}
	check := map[string]string{}
	if b.InvoiceboxEnabled() {
		check["B24PAY_INVOICEBOX_API_URL"] = b.InvoiceboxURL
	}
	if b.SBPEnabled() {
		check["B24PAY_SBP_API_URL"] = b.SBPURL
	}
	for name, raw := range check {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" {
			return &ConfigError{name, "must use https"}
		}
		if privateHost(u.Hostname()) {
			return &ConfigError{name, "must not name a private or loopback address (B24PAY_ALLOW_PRIVATE_PROVIDER_HOSTS=true allows it for tests)"}
		}
	}
	return nil
}

// privateHost tells whether host is localhost or an IP literal that does not leave the network.
func privateHost(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && privateAddr(a)
}

func privateAddr(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsUnspecified() || a.IsMulticast() || netip.MustParsePrefix("100.64.0.0/10").Contains(a)
}

// resolvesPrivate looks host up and tells whether any of its addresses is private (the settings
// form checks this before a secret is sent to an admin-entered host).
func resolvesPrivate(ctx context.Context, host string) bool {
	if privateHost(host) {
		return true
	}
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return false // an unresolvable host fails at the provider's own check
	}
	for _, a := range addrs {
		if privateAddr(a) {
			return true
		}
	}
	return false
}
