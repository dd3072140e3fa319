package sbp

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// LinkType is the `type` of an NSPK link.
type LinkType string

const (
	LinkStatic       LinkType = "01" // multi-use QR (sticker)
	LinkDynamic      LinkType = "02" // one payment, amount fixed at registration
	LinkSubscription LinkType = "03" // account binding (sub.nspk.ru)
)

// NSPK hosts.
const (
	HostPayment      = "qr.nspk.ru"
	HostSubscription = "sub.nspk.ru"
)

// Link is a parsed NSPK payment link, e.g.
// https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?type=02&bank=100000000007&sum=1&cur=RUB&crc=AB75
type Link struct {
	Host     string
	QRCID    string   // 32 upper-case alphanumerics
	Type     LinkType // empty only on a link without a query
	Bank     string   // 12-digit SBP id of the merchant's bank; empty if absent
	Sum      int64    // kopecks; meaningful only if HasSum
	HasSum   bool
	Currency string
	CRC      string // 4 upper-case hex digits; empty only on a link without a query
}

// Amount returns the link's sum in rubles, and whether it has one.
func (l Link) Amount() (decimal.Decimal, bool) { return FromKopecks(l.Sum), l.HasSum }

// LinkCRC is CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of s, as 4 upper-case hex digits.
// For a link, s is the text up to but excluding "&crc=".
func LinkCRC(s string) string {
	crc := uint16(0xFFFF)
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return fmt.Sprintf("%04X", crc)
}

// ParseLink reads and checks an NSPK link: host, QRC ID, parameters and checksum.
func ParseLink(link string) (Link, error) {
	rest, ok := strings.CutPrefix(link, "https://")
	if !ok {
		return Link{}, linkErr("must start with https://")
	}
	hostPath, query, hasQuery := strings.Cut(rest, "?")
	host, id, ok := strings.Cut(hostPath, "/")
	if !ok || (host != HostPayment && host != HostSubscription) {
		return Link{}, linkErr("host must be " + HostPayment + " or " + HostSubscription)
	}
	if !qrcID(id) {
		return Link{}, linkErr("QRC ID must be 32 upper-case letters or digits")
	}
	l := Link{Host: host, QRCID: id}
	if !hasQuery {
		return l, nil
	}
	if err := l.readQuery(query); err != nil {
		return Link{}, err
	}
	if want := LinkCRC(link[:len(link)-len("&crc=")-len(l.CRC)]); want != l.CRC {
		return Link{}, fmt.Errorf("%w: crc %s, computed %s", ErrLinkChecksum, l.CRC, want)
	}
	return l, nil
}

func (l *Link) readQuery(query string) error {
	params := strings.Split(query, "&")
	last := params[len(params)-1]
	crc, ok := strings.CutPrefix(last, "crc=")
	if !ok || len(params) < 2 || !upperHex4(crc) {
		return linkErr("must end with &crc= and 4 upper-case hex digits")
	}
	l.CRC = crc
	seen := map[string]bool{}
	for _, p := range params[:len(params)-1] {
		k, v, _ := strings.Cut(p, "=")
		if seen[k] {
			return linkErr("parameter " + k + " repeated")
		}
		seen[k] = true
		if err := l.setParam(k, v); err != nil {
			return err
		}
	}
	return l.checkParams()
}

func (l *Link) setParam(k, v string) error {
	switch k {
	case "type":
		l.Type = LinkType(v)
	case "bank":
		l.Bank = v
	case "sum":
		return l.setSum(v)
	case "cur":
		l.Currency = v
	}
	// Unknown parameters are kept out of Link but covered by the checksum.
	return nil
}

func (l *Link) setSum(v string) error {
	if v == "" || len(v) > 15 || strings.TrimLeft(v, "0123456789") != "" {
		return linkErr("sum must be a whole number of kopecks")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return linkErr("sum must be a whole number of kopecks")
	}
	l.Sum, l.HasSum = n, true
	return nil
}

func (l *Link) checkParams() error {
	switch {
	case l.Type != LinkStatic && l.Type != LinkDynamic && l.Type != LinkSubscription:
		return linkErr("type must be 01, 02 or 03")
	case l.Bank != "" && (len(l.Bank) != 12 || strings.TrimLeft(l.Bank, "0123456789") != ""):
		return linkErr("bank must be 12 digits")
	case l.Type == LinkDynamic && !l.HasSum:
		return linkErr("a dynamic link must carry sum")
	case l.HasSum != (l.Currency != ""):
		return linkErr("sum and cur go together")
	}
	return nil
}

func qrcID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'A' && s[i] <= 'Z' || s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return true
}

func upperHex4(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'A' && s[i] <= 'F' || s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return true
}

func linkErr(why string) error { return fmt.Errorf("%w: %s", ErrMalformedLink, why) }

// CheckPayload verifies that a payload returned by the bank is a dynamic link for qrID with
// the given amount; a mismatch means the bank answered about something else.
func CheckPayload(payload, qrID string, amount decimal.Decimal) error {
	l, err := ParseLink(payload)
	if err != nil {
		return err
	}
	if l.QRCID != qrID {
		return fmt.Errorf("%w: link is for QR %s, not %s", ErrMalformedLink, l.QRCID, qrID)
	}
	if got, ok := l.Amount(); !ok || !got.Equal(amount) {
		return fmt.Errorf("%w: link sum %s, expected %s", ErrWrongAmount, got, amount)
	}
	return nil
}
