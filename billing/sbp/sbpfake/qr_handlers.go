package sbpfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

type registerRequest struct {
	QRType           string          `json:"qrType"`
	SBPMerchantID    string          `json:"sbpMerchantId"`
	Order            string          `json:"order"`
	Amount           json.RawMessage `json:"amount"`
	Currency         string          `json:"currency"`
	PaymentDetails   string          `json:"paymentDetails"`
	AdditionalInfo   string          `json:"additionalInfo"`
	Account          string          `json:"account"`
	QRExpirationDate string          `json:"qrExpirationDate"`
	Subscription     *bindingOffer   `json:"subscription"`
}

// bindingOffer is the `subscription` object of a pay-and-bind QR (sbp_subscriptions.yml, QRDynamic).
type bindingOffer struct {
	ID      string `json:"id"`
	Purpose string `json:"purpose"`
}

type qrAnswer struct {
	Code             string `json:"code,omitempty"`
	QRID             string `json:"qrId"`
	QRStatus         string `json:"qrStatus,omitempty"`
	QRExpirationDate string `json:"qrExpirationDate,omitempty"`
	Payload          string `json:"payload"`
	QRURL            string `json:"qrUrl"`
}

// wireTime is the bank's date format for dates without fractions.
const wireTime = "2006-01-02T15:04:05-07:00"

var moscow = time.FixedZone("MSK", 3*60*60)

// defaultLifetime is the bank's default for a dynamic QR without qrExpirationDate.
const defaultLifetime = 72 * time.Hour

func (b *Bank) registerQR(r *http.Request) answer {
	var req registerRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return refuse(codeInvalidRequest, "Некорректный запрос")
	}
	amount, refusal := b.checkRegister(req)
	if refusal != nil {
		return *refusal
	}
	expires, refusal := b.expiry(req.QRExpirationDate)
	if refusal != nil {
		return *refusal
	}
	if refusal := b.checkOffer(req.Subscription); refusal != nil {
		return *refusal
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.orderPaid(req.Order) {
		return refuse(codeOrderAlreadyRegistered, fmt.Sprintf(
			"QR-код с номером заказа %s, партнера %s и успешными платежами уже зарегистрирован", req.Order, req.SBPMerchantID))
	}
	q := &qr{id: b.newQRID(), order: req.Order, amount: amount, purpose: req.PaymentDetails,
		additionalInfo: req.AdditionalInfo, created: b.now(), expires: expires}
	if req.Subscription != nil {
		q.binding = b.offerBinding(req.Subscription.ID, req.Subscription.Purpose, q)
	}
	b.qrs[q.id] = q
	b.orders[q.order] = append(b.orders[q.order], q)
	b.registrations[q.order]++
	return ok(qrAnswer{Code: codeSuccess, QRID: q.id, Payload: b.payload(q), QRURL: imageURL(r, q.id)})
}

// checkRegister validates a registration the way the bank documents it.
func (b *Bank) checkRegister(req registerRequest) (decimal.Decimal, *answer) {
	fail := func(code, msg string) (decimal.Decimal, *answer) { a := refuse(code, msg); return decimal.Zero, &a }
	switch {
	case req.SBPMerchantID == "":
		return fail(codeSBPMerchantIDMissing, "SbpMerchantId партнера не указан")
	case req.SBPMerchantID != b.cfg.SBPMerchantID:
		return fail(codeMerchantNotRegistered, "Партнер с ID "+req.SBPMerchantID+" не зарегистрирован")
	case req.QRType != "QRDynamic":
		return fail(codeInvalidRequest, "Фейк поддерживает только QRDynamic")
	case !validOrder(req.Order):
		return fail(codeInvalidOrder, "В номере заказа поддерживаются A-z09_-.")
	case len(req.Amount) == 0 || string(req.Amount) == "null":
		return fail(codeDynamicQRWithoutAmount, "Не передана сумма для динамического QR-кода")
	case req.Currency != "RUB":
		return fail(codeInvalidRequest, "Не передан обязательный параметр")
	case utf8.RuneCountInString(req.PaymentDetails) > 185 || utf8.RuneCountInString(req.AdditionalInfo) > 140:
		return fail(codeInvalidRequest, "Превышена длина параметра")
	case req.Account != "" && !digits(req.Account, 20):
		return fail(codeAccountNotRegistered, "Указан неверный счет. Проверьте его или удалите. Параметр является необязательным")
	}
	amount, err := decimal.NewFromString(string(bytes.Trim(req.Amount, `"`)))
	if err != nil || !amount.IsPositive() || !amount.Equal(amount.Round(2)) {
		return fail(codeInvalidRequest, "Передана некорректная сумма платежа")
	}
	return amount, nil
}

func (b *Bank) expiry(s string) (time.Time, *answer) {
	if s == "" {
		return b.now().Add(defaultLifetime), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || !t.After(b.now()) {
		a := refuse(codeExpirationDateNotValid, "Неверная дата истечения QR-кода")
		return time.Time{}, &a
	}
	return t, nil
}

func (b *Bank) qrState(r *http.Request) answer {
	b.mu.Lock()
	defer b.mu.Unlock()
	q, found := b.qrs[r.PathValue("qrId")]
	if !found {
		return refuse(codeNotFound, "QR-код не найден у данного партнера")
	}
	return ok(qrAnswer{QRID: q.id, QRStatus: b.status(q), QRExpirationDate: q.expires.In(moscow).Format(wireTime),
		Payload: b.payload(q), QRURL: imageURL(r, q.id)})
}

func (b *Bank) cancelQR(r *http.Request) answer {
	b.mu.Lock()
	defer b.mu.Unlock()
	q, found := b.qrs[r.PathValue("qrId")]
	if !found {
		return refuse(codeNotFound, "QR-код не найден у данного партнера")
	}
	switch b.status(q) {
	case "PAID", "IN_PROGRESS":
		return refuse(codeInvalidRequest, "QR-код оплачивается или уже оплачен")
	}
	q.cancelled = true
	return answer{status: http.StatusOK}
}

// status is the QR's state at the bank's current time. Caller holds b.mu.
func (b *Bank) status(q *qr) string {
	switch {
	case q.payment != nil && q.payment.status == "SUCCESS":
		return "PAID"
	case q.payment != nil && q.payment.status == "IN_PROGRESS":
		return "IN_PROGRESS"
	case q.cancelled:
		return "CANCELLED"
	case !b.now().Before(q.expires):
		return "EXPIRED"
	}
	return "NEW"
}

// orderPaid reports whether any QR of the order has a successful payment. Caller holds b.mu.
func (b *Bank) orderPaid(order string) bool {
	for _, q := range b.orders[order] {
		if q.payment != nil && q.payment.status == "SUCCESS" {
			return true
		}
	}
	return false
}

// newQRID issues a 32-character QRC ID. Caller holds b.mu.
func (b *Bank) newQRID() string {
	b.seq++
	n := strings.ToUpper(fmt.Sprintf("%x", b.seq))
	return "AD" + strings.Repeat("0", 30-len(n)) + n
}

// payload builds the NSPK link with its CRC-16/CCITT-FALSE checksum.
func (b *Bank) payload(q *qr) string {
	link := fmt.Sprintf("https://qr.nspk.ru/%s?type=02&bank=%s&sum=%s&cur=RUB", q.id, b.cfg.BankID, q.amount.Shift(2).String())
	return link + "&crc=" + crc16(link)
}

func crc16(s string) string {
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

func imageURL(r *http.Request, id string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/api/sbp/v1/qr/" + id + "/image"
}

func validOrder(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
