package broker

// Kind is the type of a stored value, as TYPE reports it.
type Kind uint8

// The value kinds. Their String forms are TYPE's replies.
const (
	KindString Kind = iota + 1
	KindList
	KindHash
	KindSet
	KindZSet
)

// String returns the name TYPE replies with.
func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindList:
		return "list"
	case KindHash:
		return "hash"
	case KindSet:
		return "set"
	case KindZSet:
		return "zset"
	}
	return "none"
}

// Object is one stored value. Exactly one of the typed fields is in use,
// chosen by Kind. ExpireAt is the absolute expiry in Unix milliseconds, 0 for
// none; it is owned by the DB (use DB.SetExpire), not written directly.
type Object struct {
	Kind     Kind
	Str      []byte
	List     *List
	Hash     *Hash
	Set      *Set
	ZSet     *ZSet
	expireAt int64
}

// NewString returns a string object holding b (not copied).
func NewString(b []byte) *Object { return &Object{Kind: KindString, Str: b} }

// NewListObject returns an empty list object.
func NewListObject() *Object { return &Object{Kind: KindList, List: NewList()} }

// ExpireAt returns the expiry time in Unix ms, 0 when the key does not expire.
func (o *Object) ExpireAt() int64 { return o.expireAt }
