// Package mail renders the client e-mails of recurring payments (receipt, failed payment, dunning
// reminder, upcoming charge, subscription cancelled) from embedded Russian templates, HTML with a
// plain-text part, and sends them through the outbox: Enqueue stores the message in the caller's
// transaction under a dedup key, and the outbox worker hands it to Sender.Deliver, which talks
// SMTP (github.com/wneessen/go-mail) or, with no SMTP configured, writes an .eml file into a local
// mailbox directory. The Message-ID is derived from the dedup key, so a redelivery after a crash
// between sending and bookkeeping carries the same id and receiving servers can drop it.
package mail
