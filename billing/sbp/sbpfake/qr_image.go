package sbpfake

import (
	"net/http"

	qrcode "github.com/skip2/go-qrcode"
)

// qrImage serves the PNG that qrUrl points at (no auth: the bank serves it for web pages).
func (b *Bank) qrImage(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	q, found := b.qrs[r.PathValue("qrId")]
	var payload string
	if found {
		payload = b.payload(q)
	}
	b.mu.Unlock()
	if !found {
		http.NotFound(w, r)
		return
	}
	png, err := qrcode.Encode(payload, qrcode.Medium, 256)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	_, _ = w.Write(png)
}
