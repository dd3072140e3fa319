package sbp_test

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"b24pay/billing/sbp"
)

// Real links published by the bank and by unrelated integrations; each carries a valid crc.
var realLinks = []struct {
	name, link string
	want       sbp.Link
}{
	{"RaiffeisenStaticNoSum", "https://qr.nspk.ru/AS100001ORTF4GAF80KPJ53K186D9A3G?type=01&bank=100000000007&crc=0C8A",
		sbp.Link{Host: sbp.HostPayment, QRCID: "AS100001ORTF4GAF80KPJ53K186D9A3G", Type: sbp.LinkStatic, Bank: "100000000007", CRC: "0C8A"}},
	{"RaiffeisenDynamicOneKopeck", "https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?type=02&bank=100000000007&sum=1&cur=RUB&crc=AB75",
		sbp.Link{Host: sbp.HostPayment, QRCID: "AD100004BAL7227F9BNP6KNE007J9B3K", Type: sbp.LinkDynamic, Bank: "100000000007", Sum: 1, HasSum: true, Currency: "RUB", CRC: "AB75"}},
	{"ReferenceRegisterAnswer", "https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?type=02&bank=100000000007&sum=150050&cur=RUB&crc=B631",
		sbp.Link{Host: sbp.HostPayment, QRCID: "AD100004BAL7227F9BNP6KNE007J9B3K", Type: sbp.LinkDynamic, Bank: "100000000007", Sum: 150050, HasSum: true, Currency: "RUB", CRC: "B631"}},
	{"DynamicLargeSum", "https://qr.nspk.ru/AD10006PTORDPC5D98HPT12HV37MMQ6G?type=02&bank=100000000284&sum=15590000&cur=RUB&crc=4C8A",
		sbp.Link{Host: sbp.HostPayment, QRCID: "AD10006PTORDPC5D98HPT12HV37MMQ6G", Type: sbp.LinkDynamic, Bank: "100000000284", Sum: 15590000, HasSum: true, Currency: "RUB", CRC: "4C8A"}},
	{"DynamicBDPrefix", "https://qr.nspk.ru/BD10006LQ6LNI7R88AJBQP5AE5GEBSNT?type=02&bank=100000000015&sum=10000&cur=RUB&crc=B4F7",
		sbp.Link{Host: sbp.HostPayment, QRCID: "BD10006LQ6LNI7R88AJBQP5AE5GEBSNT", Type: sbp.LinkDynamic, Bank: "100000000015", Sum: 10000, HasSum: true, Currency: "RUB", CRC: "B4F7"}},
	{"StaticWithSum", "https://qr.nspk.ru/AS10003P3RH0LJ2A9ROO038L6NT5RU1M?type=01&bank=000000000001&sum=10000&cur=RUB&crc=F3D0",
		sbp.Link{Host: sbp.HostPayment, QRCID: "AS10003P3RH0LJ2A9ROO038L6NT5RU1M", Type: sbp.LinkStatic, Bank: "000000000001", Sum: 10000, HasSum: true, Currency: "RUB", CRC: "F3D0"}},
	{"SubscriptionWithoutQuery", "https://sub.nspk.ru/BD100028ULC1S2R999G8I68UESGG5EAQ",
		sbp.Link{Host: sbp.HostSubscription, QRCID: "BD100028ULC1S2R999G8I68UESGG5EAQ"}},
}

func TestParseLinkReadsRealLinks(t *testing.T) {
	t.Parallel()
	for _, tt := range realLinks {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := sbp.ParseLink(tt.link)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestLinkCRC(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"StandardCheckValue", "123456789", "29B1"}, // CRC-16/CCITT-FALSE check value
		{"Empty", "", "FFFF"},
		{"StaticLink", "https://qr.nspk.ru/AS100001ORTF4GAF80KPJ53K186D9A3G?type=01&bank=100000000007", "0C8A"},
		{"DynamicLink", "https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?type=02&bank=100000000007&sum=1&cur=RUB", "AB75"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, sbp.LinkCRC(tt.in))
		})
	}
}

func TestParseLinkRejects(t *testing.T) {
	t.Parallel()
	const good = "https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?type=02&bank=100000000007&sum=1&cur=RUB"
	withCRC := func(s string) string { return s + "&crc=" + sbp.LinkCRC(s) }
	tests := []struct {
		name, link string
		wantErr    error
	}{
		{"DocsPlaceholderChecksum", "https://qr.nspk.ru/AD1F2CD7212E48FA919AB52EF0AEFB33?type=02&bank=10000001&sum=111000&cur=RUB&crc=C08B", sbp.ErrMalformedLink},
		{"SumEditedAfterIssue", strings.Replace(good, "sum=1&", "sum=100&", 1) + "&crc=AB75", sbp.ErrLinkChecksum},
		{"LowerCaseChecksum", good + "&crc=ab75", sbp.ErrMalformedLink},
		{"NoChecksum", good, sbp.ErrMalformedLink},
		{"ChecksumNotLast", "https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?crc=AB75&type=02", sbp.ErrMalformedLink},
		{"PlainHTTP", "http" + strings.TrimPrefix(withCRC(good), "https"), sbp.ErrMalformedLink},
		{"ForeignHost", strings.Replace(withCRC(good), "qr.nspk.ru", "qr.evil.ru", 1), sbp.ErrMalformedLink},
		{"ShortQRCID", withCRC("https://qr.nspk.ru/AD100004?type=02&bank=100000000007&sum=1&cur=RUB"), sbp.ErrMalformedLink},
		{"LowerCaseQRCID", withCRC(strings.Replace(good, "AD100004BAL", "ad100004bal", 1)), sbp.ErrMalformedLink},
		{"UnknownType", withCRC(strings.Replace(good, "type=02", "type=07", 1)), sbp.ErrMalformedLink},
		{"ShortBank", withCRC(strings.Replace(good, "100000000007", "10000001", 1)), sbp.ErrMalformedLink},
		{"DynamicWithoutSum", withCRC("https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?type=02&bank=100000000007"), sbp.ErrMalformedLink},
		{"SumWithoutCurrency", withCRC("https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?type=02&bank=100000000007&sum=1"), sbp.ErrMalformedLink},
		{"NegativeSum", withCRC(strings.Replace(good, "sum=1", "sum=-1", 1)), sbp.ErrMalformedLink},
		{"FractionalSum", withCRC(strings.Replace(good, "sum=1", "sum=1.5", 1)), sbp.ErrMalformedLink},
		{"HugeSum", withCRC(strings.Replace(good, "sum=1", "sum=99999999999999999999", 1)), sbp.ErrMalformedLink},
		{"RepeatedParameter", withCRC(good + "&sum=2"), sbp.ErrMalformedLink},
		{"Empty", "", sbp.ErrMalformedLink},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := sbp.ParseLink(tt.link)
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func TestCheckPayload(t *testing.T) {
	t.Parallel()
	const link = "https://qr.nspk.ru/AD100004BAL7227F9BNP6KNE007J9B3K?type=02&bank=100000000007&sum=150050&cur=RUB&crc=B631"
	tests := []struct {
		name, qrID, amount string
		wantErr            error
	}{
		{"Matches", "AD100004BAL7227F9BNP6KNE007J9B3K", "1500.50", nil},
		{"OtherAmount", "AD100004BAL7227F9BNP6KNE007J9B3K", "1500.51", sbp.ErrWrongAmount},
		{"OtherQR", "AD100004BAL7227F9BNP6KNE007J9B3X", "1500.50", sbp.ErrMalformedLink},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := sbp.CheckPayload(link, tt.qrID, decimal.RequireFromString(tt.amount))
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func FuzzParseLink(f *testing.F) {
	for _, l := range realLinks {
		f.Add(l.link)
	}
	f.Add("https://qr.nspk.ru/AD1F2CD7212E48FA919AB52EF0AEFB33?type=02&bank=10000001&sum=111000&cur=RUB&crc=C08B")
	f.Add("https://qr.nspk.ru/?&crc=")
	f.Fuzz(func(t *testing.T, link string) {
		l, err := sbp.ParseLink(link)
		if err != nil {
			require.True(t, errorsIsAny(err, sbp.ErrMalformedLink, sbp.ErrLinkChecksum))
			return
		}
		require.Len(t, l.QRCID, 32)
		if l.CRC != "" {
			require.Equal(t, l.CRC, sbp.LinkCRC(strings.TrimSuffix(link, "&crc="+l.CRC)))
		}
		if l.HasSum {
			require.GreaterOrEqual(t, l.Sum, int64(0))
		}
	})
}
