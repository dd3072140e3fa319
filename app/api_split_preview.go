package app

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"b24pay/robots"
)

// splitBody is the «Разделить счёт» form of the deal tab.
type splitBody struct {
	InvoiceID int64       `json:"invoice_id"`
	Parts     json.Number `json:"parts"`
	Period    string      `json:"period"`
	First     string      `json:"first"`
	Shares    string      `json:"shares"`
	Stage     string      `json:"stage"`
	Remind    *bool       `json:"remind"`
	Key       string      `json:"key"`
}

func (b splitBody) form() robots.Form {
	f := robots.Form{Parts: b.Parts.String(), Period: b.Period, FirstDate: b.First, Shares: b.Shares, Stage: b.Stage,
		InvoiceID: strconv.FormatInt(b.InvoiceID, 10), Remind: "Y"}
	if b.Remind != nil && !*b.Remind {
		f.Remind = "N"
	}
	return f
}

// readSplit decodes the form and checks the tab belongs to a deal (splitting is offered on deals).
func readSplit(c *gin.Context) (splitBody, bool) {
	var b splitBody
	if claimsOf(c).OwnerType != "deal" {
		jsonError(c, http.StatusNotFound, "not_found", "Разделить счёт можно только в сделке")
		return b, false
	}
	return b, decodeForm(c, 1<<16, &b)
}

// splitError maps the robots domain's errors; the rest go through apiError.
func splitError(c *gin.Context, err error) {
	var ue *robots.UserError
	switch {
	case errors.As(err, &ue):
		jsonError(c, http.StatusUnprocessableEntity, "split_invalid", ue.Text)
	case errors.Is(err, robots.ErrNotFound):
		jsonError(c, http.StatusNotFound, "not_found", "Счёт не найден в этой сделке")
	default:
		apiError(c, err)
	}
}

// apiSplitInvoices lists the deal's invoices that can be split.
func (a *App) apiSplitInvoices(c *gin.Context) {
	cl := claimsOf(c)
	if cl.OwnerType != "deal" {
		c.JSON(http.StatusOK, gin.H{"invoices": []robots.InvoiceSummary{}})
		return
	}
	list, err := a.robots.DealInvoices(c.Request.Context(), cl.MemberID, cl.OwnerID)
	if err != nil {
		splitError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"invoices": list})
}

// apiSplitPreview shows the parts a split would make; nothing is written.
func (a *App) apiSplitPreview(c *gin.Context) {
	b, ok := readSplit(c)
	if !ok {
		return
	}
	cl := claimsOf(c)
	preview, err := a.robots.TabPreview(c.Request.Context(), cl.MemberID, cl.OwnerID, b.form())
	if err != nil {
		splitError(c, err)
		return
	}
	c.JSON(http.StatusOK, preview)
}
