#!/usr/bin/python3
"""Tutorial 3 of shared/SCENARIOS.md with pika: a "logs" fanout exchange;
each subscriber has an exclusive server-named queue and gets every message;
subscribers that go away leave no queue. Self-checking: exits 1 on failure.
"""
import argparse
import sys

import pika


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="amqp://guest:guest@localhost:5672/%2F")
    args = ap.parse_args()
    params = pika.URLParameters(args.url)

    subs = []
    for _ in range(3):
        conn = pika.BlockingConnection(params)
        ch = conn.channel()
        ch.exchange_declare(exchange="logs", exchange_type="fanout", durable=True)
        result = ch.queue_declare(queue="", exclusive=True)
        name = result.method.queue
        if not name.startswith("amq.gen-"):
            sys.exit("FAIL: server-named queue %r" % name)
        ch.queue_bind(exchange="logs", queue=name)
        subs.append((conn, ch, name))

    connection = pika.BlockingConnection(params)
    channel = connection.channel()
    for i in range(5):
        channel.basic_publish(exchange="logs", routing_key="", body=("log %d" % i).encode())
    print(" [x] Sent 5 logs")

    for n, (conn, ch, name) in enumerate(subs):
        got = []
        for method, _, body in ch.consume(name, auto_ack=True, inactivity_timeout=10):
            if method is None:
                break
            got.append(body)
            if len(got) == 5:
                break
        ch.cancel()
        if got != [("log %d" % i).encode() for i in range(5)]:
            sys.exit("FAIL: subscriber %d got %r" % (n, got))
        print(" [x] subscriber %d got all 5 logs" % n)

    for conn, _, _ in subs:
        conn.close()
    for _, _, name in subs:
        ch = connection.channel()
        try:
            ch.queue_declare(queue=name, passive=True)
        except pika.exceptions.ChannelClosedByBroker as e:
            if e.reply_code != 404:
                sys.exit("FAIL: %r" % e)
        else:
            sys.exit("FAIL: queue %s outlived its subscriber" % name)
    channel.exchange_delete(exchange="logs")
    connection.close()
    print("OK")


if __name__ == "__main__":
    main()
