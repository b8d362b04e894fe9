#!/usr/bin/python3
"""Tutorial 5 of shared/SCENARIOS.md with pika: a "topic_logs" exchange,
keys like kern.critical and cron.info, bindings *.critical, kern.# and #.
Self-checking: exits 1 on failure.
"""
import argparse
import sys

import pika


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="amqp://guest:guest@localhost:5672/%2F")
    args = ap.parse_args()

    connection = pika.BlockingConnection(pika.URLParameters(args.url))
    channel = connection.channel()
    channel.exchange_declare(exchange="topic_logs", exchange_type="topic", durable=True)

    def subscribe(*patterns):
        q = channel.queue_declare(queue="", exclusive=True).method.queue
        for p in patterns:
            channel.queue_bind(exchange="topic_logs", queue=q, routing_key=p)
        return q

    keys = ["kern.critical", "cron.info", "kern.info", "app.critical", "kern", "kern.disk.full"]
    cases = [
        ("*.critical", subscribe("*.critical"), ["kern.critical", "app.critical"]),
        ("kern.#", subscribe("kern.#"), ["kern.critical", "kern.info", "kern", "kern.disk.full"]),
        ("#", subscribe("#"), keys),
        ("kern.* and *.critical", subscribe("kern.*", "*.critical"), ["kern.critical", "kern.info", "app.critical"]),
    ]
    for k in keys:
        channel.basic_publish(exchange="topic_logs", routing_key=k, body=k.encode())

    for name, q, want in cases:
        got = []
        for method, _, _ in channel.consume(q, auto_ack=True, inactivity_timeout=0.3):
            if method is None:
                break
            got.append(method.routing_key)
        channel.cancel()
        if got != want:
            sys.exit("FAIL: %s got %r, want %r" % (name, got, want))
        print(" [x] %s got %r" % (name, got))
    channel.exchange_delete(exchange="topic_logs")
    connection.close()
    print("OK")


if __name__ == "__main__":
    main()
