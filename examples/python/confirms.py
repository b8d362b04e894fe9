#!/usr/bin/python3
"""Tutorial 7 of shared/SCENARIOS.md with pika: a publisher in confirm
mode learns when each message is safe (BlockingChannel.basic_publish
returns once it is confirmed), and a mandatory message that routes nowhere
comes back (pika raises UnroutableError). Self-checking: exits 1 on
failure.
"""
import argparse
import sys

import pika


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="amqp://guest:guest@localhost:5672/%2F")
    ap.add_argument("--messages", type=int, default=200)
    args = ap.parse_args()

    connection = pika.BlockingConnection(pika.URLParameters(args.url))
    channel = connection.channel()
    channel.queue_declare(queue="confirmed", durable=True)
    channel.queue_purge(queue="confirmed")
    channel.confirm_delivery()
    for i in range(args.messages):
        channel.basic_publish(exchange="", routing_key="confirmed", body=("message %d" % i).encode(),
                              properties=pika.BasicProperties(delivery_mode=2), mandatory=True)
    print(" [x] %d messages confirmed" % args.messages)
    count = channel.queue_declare(queue="confirmed", passive=True).method.message_count
    if count != args.messages:
        sys.exit("FAIL: %d messages in the queue, want %d" % (count, args.messages))

    try:
        channel.basic_publish(exchange="", routing_key="no-such-queue", body=b"lost", mandatory=True)
    except pika.exceptions.UnroutableError as e:
        returned = e.messages[0]
        if returned.body != b"lost" or returned.method.reply_code != 312:
            sys.exit("FAIL: returned %r" % (returned,))
        print(" [x] returned: %d %s" % (returned.method.reply_code, returned.method.reply_text))
    else:
        sys.exit("FAIL: the unroutable message did not come back")
    channel.queue_delete(queue="confirmed")
    connection.close()
    print("OK")


if __name__ == "__main__":
    main()
