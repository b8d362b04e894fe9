package natsbridge

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/switchyard/switchyard/queue"
)

// NATS message headers (ADR-4, "NATS Message Headers"): a block at the
// start of an HPUB/HMSG payload,
//
//	NATS/1.0[ status[ description]]\r\n
//	Key: Value\r\n ...
//	\r\n
//
// A key may repeat. Across the bridge to the messaging model, a NATS
// header becomes an entry of the AMQP headers table (a repeated key an
// array of strings), except the Amqp-* names below, which carry the AMQP
// basic properties so that they survive a round trip through NATS; and
// the other way round. See docs/nats.md.

// hdrLine is the first line of a header block without a status.
const hdrLine = "NATS/1.0\r\n"

// noRespondersHdr is the whole header block of a no-responders reply.
const noRespondersHdr = "NATS/1.0 503\r\n\r\n"

// Headers that carry AMQP basic properties (spec 1.8.2) across NATS.
const (
	hdrContentType     = "Amqp-Content-Type"
	hdrContentEncoding = "Amqp-Content-Encoding"
	hdrDeliveryMode    = "Amqp-Delivery-Mode"
	hdrPriority        = "Amqp-Priority"
	hdrCorrelationID   = "Amqp-Correlation-Id"
	hdrExpiration      = "Amqp-Expiration"
	hdrMessageID       = "Amqp-Message-Id"
	hdrTimestamp       = "Amqp-Timestamp"
	hdrType            = "Amqp-Type"
	hdrUserID          = "Amqp-User-Id"
	hdrAppID           = "Amqp-App-Id"
)

// parseHeaderBlock calls fn for every key and value of a NATS header
// block, in order. The status line is skipped. Malformed lines are
// ignored: the block came from a client and only its well-formed part is
// carried.
func parseHeaderBlock(hdr []byte, fn func(key, value string)) {
	line, rest, ok := bytes.Cut(hdr, []byte("\r\n"))
	if !ok || !bytes.HasPrefix(line, []byte("NATS/")) {
		return
	}
	for len(rest) > 0 {
		line, rest, _ = bytes.Cut(rest, []byte("\r\n"))
		if len(line) == 0 {
			return
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		key := strings.TrimSpace(string(k))
		if key == "" {
			continue
		}
		fn(key, strings.TrimSpace(string(v)))
	}
}

// applyHeaders fills m's properties and headers table from a NATS header
// block.
func applyHeaders(m *queue.Message, hdr []byte) {
	parseHeaderBlock(hdr, func(key, value string) { applyHeader(&m.Props, key, value) })
}

// applyHeader maps one NATS header onto AMQP properties: an Amqp-* name
// sets its property, any other name adds to the headers table (a repeated
// name becomes an array of strings).
func applyHeader(p *queue.Properties, key, value string) {
	switch {
	case strings.EqualFold(key, hdrContentType):
		p.ContentType = value
	case strings.EqualFold(key, hdrContentEncoding):
		p.ContentEncoding = value
	case strings.EqualFold(key, hdrDeliveryMode):
		if n, err := strconv.Atoi(value); err == nil && (n == 1 || n == 2) {
			p.DeliveryMode = uint8(n)
		}
	case strings.EqualFold(key, hdrPriority):
		if n, err := strconv.Atoi(value); err == nil && n >= 0 && n <= 255 {
			p.Priority = uint8(n)
		}
	case strings.EqualFold(key, hdrCorrelationID):
		p.CorrelationID = value
	case strings.EqualFold(key, hdrExpiration):
		if n, err := strconv.ParseInt(value, 10, 64); err == nil && n >= 0 {
			p.Expiration = value
		}
	case strings.EqualFold(key, hdrMessageID):
		p.MessageID = value
	case strings.EqualFold(key, hdrTimestamp):
		if n, err := strconv.ParseInt(value, 10, 64); err == nil {
			p.Timestamp = n
		}
	case strings.EqualFold(key, hdrType):
		p.Type = value
	case strings.EqualFold(key, hdrUserID):
		p.UserID = value
	case strings.EqualFold(key, hdrAppID):
		p.AppID = value
	default:
		if p.Headers == nil {
			p.Headers = queue.Table{}
		}
		switch old := p.Headers[key].(type) {
		case nil:
			p.Headers[key] = value
		case string:
			p.Headers[key] = []any{old, value}
		case []any:
			p.Headers[key] = append(old, value)
		}
	}
}

// headerBlock returns the NATS header block for a message of the
// messaging model: its headers table, then its properties as Amqp-*
// headers. It returns nil when there is nothing to carry.
func headerBlock(m *queue.Message) []byte {
	p := &m.Props
	type kv struct{ k, v string }
	var props []kv
	add := func(k, v string) {
		if v != "" {
			props = append(props, kv{k, v})
		}
	}
	num := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	add(hdrContentType, p.ContentType)
	add(hdrContentEncoding, p.ContentEncoding)
	add(hdrDeliveryMode, num(int64(p.DeliveryMode)))
	add(hdrPriority, num(int64(p.Priority)))
	add(hdrCorrelationID, p.CorrelationID)
	add(hdrExpiration, p.Expiration)
	add(hdrMessageID, p.MessageID)
	add(hdrTimestamp, num(p.Timestamp))
	add(hdrType, p.Type)
	add(hdrUserID, p.UserID)
	add(hdrAppID, p.AppID)
	if len(props) == 0 && len(p.Headers) == 0 {
		return nil
	}
	b := []byte(hdrLine)
	keys := make([]string, 0, len(p.Headers))
	for k := range p.Headers {
		if validHeaderKey(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if vs, ok := p.Headers[k].([]any); ok {
			for _, v := range vs {
				b = appendHeader(b, k, headerValue(v))
			}
			continue
		}
		b = appendHeader(b, k, headerValue(p.Headers[k]))
	}
	for _, h := range props {
		b = appendHeader(b, h.k, h.v)
	}
	return append(b, "\r\n"...)
}

func appendHeader(b []byte, k, v string) []byte {
	b = append(b, k...)
	b = append(b, ": "...)
	for i := 0; i < len(v); i++ { // a value cannot hold a line break
		if c := v[i]; c == '\r' || c == '\n' {
			b = append(b, ' ')
		} else {
			b = append(b, c)
		}
	}
	return append(b, "\r\n"...)
}

// validHeaderKey reports whether k can be a NATS header name: printable
// ASCII without ':' or spaces.
func validHeaderKey(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; c <= ' ' || c >= 0x7f || c == ':' {
			return false
		}
	}
	return true
}

// headerValue formats an AMQP field value as header text.
func headerValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return strconv.FormatInt(x.Unix(), 10)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 32)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}
