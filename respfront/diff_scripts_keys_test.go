package respfront_test

// More scripts of the differential test: keys, SCAN, transactions, errors,
// server and pub/sub commands (diff_scripts_test.go has the data types).

const diffKeys = `
MSET a 1 b 2 c 3
RPUSH l x y
EXISTS a b missing a
EXISTS missing
DEL a missing
DEL a
UNLINK b missing
TOUCH l c missing
DEL ""
EXISTS ""
TYPE l
TYPE c
TYPE missing
DBSIZE
# EXPIRE and its options
SET e v
TTL e
PTTL e
TTL missing
PTTL missing
EXPIRETIME e
EXPIRETIME missing
EXPIRE e 100 XX
EXPIRE e 100 GT
EXPIRE e 100 LT
TTL e
PERSIST e
EXPIRE e 100 NX
EXPIRE e 200 NX
EXPIRE e 200 XX
TTL e
EXPIRE e 50 GT
EXPIRE e 300 GT
TTL e
EXPIRE e 500 LT
EXPIRE e 60 LT
TTL e
EXPIRE e 60 lt
EXPIRE e 100 NX XX
EXPIRE e 100 GT LT
EXPIRE e 100 NX GT
EXPIRE e 100 XX GT
TTL e
EXPIRE e 100 FOO
EXPIRE e abc
EXPIRE e 1.5
EXPIRE e 9223372036854775807
EXPIRE e -9223372036854775808
EXPIRE e 9223372036854776
EXPIRE missing 100
PEXPIRE e 100000
%1500 PTTL e
PEXPIRE e 9223372036854775807
PEXPIRE e 50000 GT
PEXPIRE e 200000 GT
TTL e
EXPIREAT e {now+1000}
TTL e
EXPIRETIME e
EXPIREAT e {now+10} GT
EXPIREAT e abc
PEXPIREAT e {nowms+2000000}
TTL e
PEXPIRETIME e
PEXPIREAT e 9223372036854775807
PERSIST e
PERSIST e
PERSIST missing
TTL e
EXPIRE e 0
EXISTS e
SET e v
EXPIRE e -1
EXISTS e
SET e v
PEXPIRE e -1000
EXISTS e
SET e v
EXPIREAT e {now-100}
EXISTS e
SET e v
PEXPIREAT e 1
GET e
SET e v EX 100
EXPIRE e 0 GT
EXISTS e
SET e v EX 100
EXPIRE e -5 LT
EXISTS e
# RENAME and RENAMENX
SET r1 v EX 100
RENAME r1 r2
TTL r2
EXISTS r1
RENAME r2 r2
RENAME missing x
RENAME missing missing
RENAMENX r2 c
RENAMENX r2 r3
RENAMENX r3 r3
RENAMENX missing x
RENAME r3 l
TYPE l
GET l
# COPY
RPUSH cl a b
COPY cl cl2
COPY cl cl2
COPY cl cl2 REPLACE
RPUSH cl2 c
LRANGE cl 0 -1
LRANGE cl2 0 -1
COPY cl cl
COPY missing x
COPY cl x DB 1
COPY cl x DB 16
COPY cl x DB -1
COPY cl x DB abc
COPY cl x FOO
COPY cl x REPLACE REPLACE
SET ct v EX 100
COPY ct ct2
TTL ct2
SELECT 1
LRANGE x 0 -1
DBSIZE
SELECT 0
COPY cl x DB 1
COPY cl x DB 1 REPLACE
COPY cl cl DB 1 REPLACE
# MOVE
SET mv v EX 100
MOVE mv 1
MOVE mv 1
EXISTS mv
SET mv other
MOVE mv 1
GET mv
MOVE mv 0
MOVE mv 16
MOVE mv -1
MOVE mv abc
MOVE missing 1
SELECT 1
GET mv
TTL mv
MOVE mv 0
SELECT 0
GET mv
# KEYS and RANDOMKEY (KEYS order is undefined)
FLUSHALL
MSET hello 1 hallo 2 hxllo 3 hllo 4 heeeello 5 "a*b" 6 "h[e]llo" 7
~ KEYS *
~ KEYS h?llo
~ KEYS h*llo
~ KEYS h[ae]llo
~ KEYS h[^e]llo
~ KEYS h[a-b]llo
~ KEYS a\*b
~ KEYS h\[e\]llo
~ KEYS nomatch*
~ KEYS ""
DBSIZE
SELECT 2
RANDOMKEY
SET only v
RANDOMKEY
DBSIZE
SELECT 0
! RANDOMKEY
# FLUSHDB
FLUSHDB
DBSIZE
FLUSHDB ASYNC
FLUSHDB SYNC
FLUSHDB FOO
FLUSHALL FOO
`

const diffScan = `
MSET k1 1 k2 2 k3 3 k4 4 k5 5 k6 6 k7 7 k8 8 k9 9 k10 10 k11 11 k12 12 x1 1 x2 2
RPUSH l1 a
RPUSH l2 b
SET "" empty
SCANALL
SCANALL COUNT 1
SCANALL COUNT 3
SCANALL COUNT 1000
SCANALL MATCH k1*
SCANALL MATCH k? COUNT 2
SCANALL MATCH *2
SCANALL MATCH nomatch
SCANALL MATCH ""
SCANALL TYPE list
SCANALL TYPE string MATCH x*
SCANALL type LIST
SCANALL TYPE hash
SCANALL TYPE nosuchtype
SCANALL MATCH l* TYPE list COUNT 1
SCAN 0 COUNT 0
SCAN 0 COUNT -1
SCAN 0 COUNT abc
SCAN 0 MATCH
SCAN 0 TYPE
SCAN 0 FOO bar
SCAN abc
SCAN 1.5
SELECT 3
SCANALL
SCAN 0
SET only v
SCAN 0
SCAN 0 MATCH nomatch
SELECT 0
FLUSHALL
SCAN 0
`

const diffTx = `
# EXEC runs the queued commands in order
MULTI
SET a 1
INCR a
GET a
EXEC
GET a
MULTI
EXEC
# errors at queue time abort EXEC
MULTI
SET a
EXEC
MULTI
NOSUCHCMD x
GET a
EXEC
MULTI
SET a 2
GET a b
EXEC
GET a
# errors at run time fail only their command
MULTI
SET s notanumber
INCR s
SET s2 v
LPUSH s x
EXEC
GET s2
# control commands out of place
EXEC
DISCARD
MULTI
MULTI
SET a 3
EXEC
GET a
MULTI
WATCH a
EXEC
MULTI
SET a 4
DISCARD
GET a
MULTI
DISCARD
# WATCH: a write by another client aborts EXEC
WATCH a
@1 SET a 5
MULTI
GET a
EXEC
WATCH a
MULTI
GET a
EXEC
# a read does not, a write by the same client does
WATCH a
@1 GET a
MULTI
PING
EXEC
WATCH a
SET a 6
MULTI
PING
EXEC
# UNWATCH, and EXEC and DISCARD unwatch
WATCH a
UNWATCH
@1 SET a 7
MULTI
PING
EXEC
WATCH a
MULTI
DISCARD
@1 SET a 8
MULTI
PING
EXEC
# WATCH on a missing key, then created
WATCH newkey
@1 SET newkey 1
MULTI
PING
EXEC
# deleting a missing key does not touch it
WATCH nokey
@1 DEL nokey
MULTI
PING
EXEC
# EXPIRE, RENAME, list pushes and FLUSHALL touch keys
WATCH a
@1 EXPIRE a 100
MULTI
PING
EXEC
SET b 1
WATCH b
@1 RENAME b b2
MULTI
PING
EXEC
WATCH lst
@1 RPUSH lst x
MULTI
PING
EXEC
WATCH lst
@1 LPOP lst
MULTI
PING
EXEC
WATCH a
@1 FLUSHALL
MULTI
PING
EXEC
# a key of the same name in another database is another key
SET a 1
WATCH a
@1 SELECT 1
@1 SET a 1
MULTI
GET a
EXEC
WATCH a b c
@1 SELECT 0
@1 SET c 1
MULTI
PING
EXEC
# WATCH arity and MULTI in RESP3 shapes
WATCH
MULTI
GET nokey
LPOP nokey
LPOP nokey 2
INCRBYFLOAT f 1.5
EXEC
# SELECT inside MULTI changes the database for what follows
MULTI
SELECT 1
SET indb1 x
EXEC
GET indb1
SELECT 0
GET indb1
# blocking pops never block inside EXEC
MULTI
BLPOP emptylist 0
BRPOP emptylist 0
BLMOVE emptylist other LEFT LEFT 0
RPUSH emptylist v
BLPOP emptylist 0
EXEC
`

const diffErrors = `
# unknown commands
NOSUCH
nosuch a b
NOSUCH "a\r\nb" c
NOSUCH "a\x00b" c
"NO\x00SUCH" x
"NO\rSUCH" x
"" x
" "
NOSUCH aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b
NOSUCH aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb cccccccccccccccccccccccccccccccccccccccccccccccccc dddddddddd
get
GET
gEt a b
# arity
SET k
SET
GETRANGE k 0
SETRANGE k 0
MGET
MSET
MSET a
APPEND a
INCRBY a
INCRBYFLOAT a
GETEX
GETDEL
SETEX a 10
LPUSH l
RPUSH
LRANGE l 0
LINDEX l
LSET l 0
LINSERT l BEFORE a
LREM l 0
LTRIM l 0
LPOS l
LMOVE a b LEFT
BLPOP l
BRPOP
BLMOVE a b LEFT RIGHT
LMPOP 1
EXPIRE a
PEXPIRE a
EXPIREAT a
TTL
TYPE
RENAME a
COPY a
MOVE a
EXISTS
DEL
KEYS
SCAN
SELECT
DBSIZE x
ECHO
ECHO a b
PING a b
MULTI x
EXEC x
# wrong types: a list where a string is expected and the reverse
RPUSH l a
SET s v
GET l
SET l v GET
GETSET l v
GETDEL l
GETEX l
GETRANGE l 0 1
SETRANGE l 0 x
APPEND l x
STRLEN l
INCR l
DECRBY l 1
INCRBYFLOAT l 1
MGET s l missing
SETNX l x
LPUSH s a
RPUSHX s a
LRANGE s 0 -1
LLEN s
LINDEX s 0
LPOP s
RPOP s 2
LSET s 0 a
LINSERT s BEFORE a b
LREM s 0 a
LTRIM s 0 1
LPOS s a
LMOVE s l LEFT LEFT
LMOVE l s LEFT LEFT
LRANGE l 0 -1
RPOPLPUSH l s
BLPOP s 0.01
BLPOP missing s 0.01
BLMOVE s l LEFT LEFT 0.01
LMPOP 2 missing s LEFT
TYPE s
TYPE l
# syntax and value errors
SET s v XX NX
GETEX s FOO
LPOS l a RANK 0
SELECT 16
SELECT abc
SELECT -1
EXPIRE s 10 FOO
`

const diffServer = `
PING
PING hello
PING ""
ECHO ""
ECHO "a\r\nb"
SELECT 15
SET k v
DBSIZE
SELECT 0
DBSIZE
SELECT 16
SELECT -1
SELECT 1.5
SELECT ""
SET a 1
DBSIZE
FLUSHDB
DBSIZE
SELECT 15
DBSIZE
FLUSHALL
DBSIZE
`

const diffSwapDB = `
SET a 1
RPUSH l x
SELECT 2
SET only v EX 100
SELECT 0
SWAPDB 0 2
DBSIZE
GET only
TTL only
GET a
SELECT 2
LRANGE l 0 -1
SELECT 0
SWAPDB 0 2
GET a
SWAPDB 0 0
SWAPDB 2 15
SWAPDB 0 16
SWAPDB -1 0
SWAPDB a 0
SWAPDB 0 a
SWAPDB 0
# a WATCHed key that a swap changes aborts EXEC
WATCH a
@1 SWAPDB 0 1
MULTI
PING
EXEC
# inside EXEC, the commands after SWAPDB see the swapped database
@1 SELECT 0
@1 FLUSHALL
SELECT 1
RPUSH bl v
SELECT 0
MULTI
SWAPDB 0 1
LPOP bl
EXEC
`

const diffPubSub = `
@1 [2] SUBSCRIBE c1 c2
PUBLISH c1 hello
@1 <
PUBLISH nobody x
@1 PSUBSCRIBE c*
PUBLISH c2 both
@1 [2] <
~ PUBSUB CHANNELS
~ PUBSUB CHANNELS c1*
PUBSUB NUMSUB c1 c2 nobody
PUBSUB NUMPAT
@1 PING
@1 PING hi
@1 UNSUBSCRIBE c1
PUBLISH c1 only-pattern
@1 <
@1 PUNSUBSCRIBE c*
@1 UNSUBSCRIBE c2
PUBSUB NUMPAT
PUBLISH c2 nobody
@1 PING
PUBLISH "" x
PUBSUB NUMSUB
SUBSCRIBE
PUBLISH c1
`

// diffServerCmds covers the deterministic parts of the server family
// (CLIENT ID, INFO, TIME, COMMAND COUNT and the like differ by nature).
// CLIENT SETINFO is left out: Redis 7.0 does not know it, and Switchyard
// accepts it for the clients (go-redis) that send it on connect.
const diffServerCmds = `
CLIENT GETNAME
CLIENT SETNAME myname
CLIENT GETNAME
CLIENT SETNAME "my name"
CLIENT SETNAME "a\nb"
CLIENT SETNAME ""
CLIENT GETNAME
CLIENT SETNAME
CLIENT NOSUCH
CLIENT
CLIENT HELP x
CLIENT NO-EVICT on
CLIENT NO-EVICT maybe
CLIENT REPLY ON
CONFIG GET nosuchparameter
CONFIG GET
CONFIG SET nosuchparameter 1
CONFIG SET maxclients
CONFIG NOSUCH
CONFIG RESETSTAT
COMMAND COUNTX
COMMAND INFO get set nosuch
COMMAND GETKEYS get a
COMMAND GETKEYS mset a 1 b 2
COMMAND GETKEYS nosuch a
COMMAND GETKEYS get
RESET
SELECT 1
SET a 1
RESET
GET a
TIME x
INFO nosuchsection
LASTSAVE x
`
